package dev.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Workspace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model directory format: model.json (a readable, versioned header) beside weights.bin (the
 * raw parameters), saved atomically and loaded with every inconsistency reported by file.
 *
 * <p>The model throughout is 5-7-3, ReLU, softmax cross-entropy: 5·7 + 7 + 7·3 + 3 = 66
 * parameters, so weights.bin is 528 bytes.
 */
@DisplayName("ModelFile: save and load a model directory")
class ModelFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Architecture ARCHITECTURE =
      new Architecture(new int[] {5, 7, 3}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
  private static final int PARAMETERS = 66;

  @TempDir
  Path tmp;

  /** Random parameters, and among them values whose text or bits are easy to get wrong. */
  static Model randomModel(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] params = new double[ARCHITECTURE.layout().size()];
    for (int i = 0; i < params.length; i++) {
      params[i] = random.nextGaussian() * 0.3;
    }
    double[] awkward = {1e-300, -0.0, 0.1 + 0.2, Double.MIN_VALUE, Double.MAX_VALUE, -1.0 / 3.0,
        123456789.123456789, Math.nextUp(1.0)};
    System.arraycopy(awkward, 0, params, 0, awkward.length);

    double[] shift = {0.1 + 0.2, -0.0, 1e-300, 2.5, -7.75};
    double[] scale = {1.0 / 3.0, 1.0, 1e300, Math.nextDown(1.0), 4.0};
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("data", "digits");
    training.put("epochs", 20L);
    training.put("learning-rate", 0.1 + 0.2);
    training.put("hidden", List.of(7L));
    training.put("optimizer", new LinkedHashMap<>(Map.of("name", "adam")));
    training.put("shuffle", true);
    training.put("checkpoint", null);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("test.accuracy", 0.9733333333333334);
    metrics.put("test.loss", 0.1 + 0.2);
    metrics.put("validation.loss", Double.NaN);
    return new Model(ARCHITECTURE, params, Scaling.STANDARDIZE, new FeatureScaler(shift, scale), 3,
        training, metrics);
  }

  @Test
  @DisplayName("a saved model loads back with bit-identical parameters and equal everything else")
  void roundTrip() {
    Model model = randomModel(1);
    Path dir = tmp.resolve("model");
    ModelFile.save(model, dir, false);
    Model loaded = ModelFile.load(dir);

    assertEquals(model.architecture(), loaded.architecture());
    assertArrayEquals(rawBits(model.parameters()), rawBits(loaded.parameters()));
    assertEquals(Scaling.STANDARDIZE, loaded.scaling());
    assertArrayEquals(rawBits(model.scaler().shift()), rawBits(loaded.scaler().shift()));
    assertArrayEquals(rawBits(model.scaler().scale()), rawBits(loaded.scaler().scale()));
    assertEquals(3, loaded.classes());
    assertEquals(model.training(), loaded.training());
    assertEquals(List.copyOf(model.training().keySet()), List.copyOf(loaded.training().keySet()),
        "the training settings keep their order");
    assertEquals(model.metrics(), loaded.metrics(), "including a NaN metric");
  }

  @Test
  @DisplayName("a regression model trained on standardized targets keeps its target scaler, as format version 2")
  void targetScalingRoundTrip() throws IOException {
    Model model = regressionModel();
    Path dir = tmp.resolve("model");
    ModelFile.save(model, dir, false);
    assertEquals(2, JSON.readTree(dir.resolve("model.json").toFile()).get("version").asInt(),
        "a sparkprop that knows only version 1 must refuse it rather than predict in training units");

    Model loaded = ModelFile.load(dir);
    assertEquals(Scaling.STANDARDIZE, loaded.targetScaling());
    assertEquals(model.targetScaler(), loaded.targetScaler());
    // y = 0.25 · 8 + 14.5: the output in standardized units, mapped back to the target's.
    assertEquals(16.5, loaded.targetValue(0.25), 0.0);
  }

  @Test
  @DisplayName("a model without target scaling is still written as format version 1, without the field")
  void noTargetScalingStaysVersion1() throws IOException {
    Path dir = saved();
    JsonNode header = JSON.readTree(dir.resolve("model.json").toFile());
    assertEquals(1, header.get("version").asInt());
    assertFalse(header.has("targetScaling"));
    Model loaded = ModelFile.load(dir);
    assertEquals(Scaling.NONE, loaded.targetScaling());
    assertEquals(0.25, loaded.targetValue(0.25), 0.0);
  }

  @Test
  @DisplayName("a classifier whose data named its classes keeps the names, in class order, as format version 3")
  void classNamesRoundTrip() throws IOException {
    Path dir = tmp.resolve("named");
    ModelFile.save(randomModel(42).withClassNames(List.of("cat", "dog", "ewe")), dir, false);
    JsonNode header = JSON.readTree(dir.resolve("model.json").toFile());
    assertEquals(3, header.get("version").asInt(), "a sparkprop before names must refuse it, not predict indices");
    Model loaded = ModelFile.load(dir);
    assertEquals(List.of("cat", "dog", "ewe"), loaded.classNames());
    assertEquals("dog", loaded.className(1));
    assertEquals("1", ModelFile.load(saved()).className(1), "without names, a class is its index");
  }

  static Stream<Arguments> badClassNames() {
    return Stream.of(
        Arguments.of("claimed by a version-2 header", (Consumer<ObjectNode>) h -> h.put("version", 2),
            "\"classNames\" needs format version 3, but the header says 2"),
        Arguments.of("one name short", (Consumer<ObjectNode>) h -> ((ArrayNode) h.get("classNames")).remove(2),
            "\"classNames\" must be an array of 3 names, one per class"),
        Arguments.of("a number for a name", (Consumer<ObjectNode>) h -> ((ArrayNode) h.get("classNames")).set(0, 7),
            "\"classNames\" holds 7, not a name"),
        Arguments.of("a name twice", (Consumer<ObjectNode>) h -> ((ArrayNode) h.get("classNames")).set(2, "cat"),
            "\"classNames\" names class \"cat\" twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badClassNames")
  @DisplayName("bad class names are rejected, naming model.json and the problem")
  void badClassNamesAreRejected(String what, Consumer<ObjectNode> edit, String expected) throws IOException {
    Path dir = tmp.resolve("model");
    ModelFile.save(randomModel(42).withClassNames(List.of("cat", "dog", "ewe")), dir, false);
    editHeader(dir, edit);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertEquals(dir.resolve("model.json") + ": " + expected, e.getMessage());
  }

  static Stream<Arguments> badTargetScaling() {
    return Stream.of(
        Arguments.of("claimed by a version-1 header", (Consumer<ObjectNode>) h -> h.put("version", 1),
            "\"targetScaling\" needs format version 2, but the header says 1"),
        Arguments.of("with two columns", (Consumer<ObjectNode>) h -> ((ArrayNode) h.at("/targetScaling/shift")).add(1.0),
            "\"targetScaling.shift\" has 2 values"),
        Arguments.of("with a scale of zero", (Consumer<ObjectNode>) h -> ((ArrayNode) h.at("/targetScaling/scale")).set(0, 0.0),
            "\"targetScaling.scale\" is 0, which cannot be inverted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTargetScaling")
  @DisplayName("a bad target scaling is rejected, naming model.json and the problem")
  void badTargetScalingIsRejected(String what, Consumer<ObjectNode> edit, String expected) throws IOException {
    Path dir = tmp.resolve("model");
    ModelFile.save(regressionModel(), dir, false);
    editHeader(dir, edit);

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("model.json") + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  @DisplayName("a classifier's header that carries a target scaling is rejected")
  void targetScalingOnAClassifierIsRejected() throws IOException {
    Path dir = saved();
    editHeader(dir, h -> {
      h.put("version", 2);
      ObjectNode target = h.putObject("targetScaling");
      target.put("method", "standardize");
      target.putArray("shift").add(1.0);
      target.putArray("scale").add(2.0);
    });
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertTrue(e.getMessage().contains("\"targetScaling\" is given, but a softmax-cross-entropy network predicts classes"),
        e.getMessage());
  }

  /** A 5-4-1 squared-error network whose targets had mean 14.5 and standard deviation 8. */
  private static Model regressionModel() {
    Architecture architecture = new Architecture(new int[] {5, 4, 1}, Activation.TANH, Loss.SQUARED_ERROR);
    double[] params = new double[architecture.layout().size()];
    Arrays.fill(params, 0.125);
    return new Model(architecture, params, Scaling.NONE, FeatureScaler.identity(5), 0, Map.of(), Map.of(),
        Scaling.STANDARDIZE, new FeatureScaler(new double[] {14.5}, new double[] {1.0 / 8}));
  }

  @Test
  @DisplayName("training values come back as JSON types: Long, Double, String, Boolean, List, Map")
  void trainingValuesComeBackAsJsonTypes() {
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("batch", 32);
    training.put("momentum", 0.9f);
    training.put("activation", Activation.LEAKY_RELU);
    training.put("sizes", new int[] {5, 7, 3});
    Model model = randomModel(2);
    model = new Model(model.architecture(), model.parameters(), model.scaling(), model.scaler(),
        model.classes(), training, Map.of());
    Path dir = tmp.resolve("model");
    ModelFile.save(model, dir, false);

    Map<String, Object> loaded = ModelFile.load(dir).training();
    assertEquals(32L, loaded.get("batch"));
    assertEquals(0.9, loaded.get("momentum"), "a float is written in its own shortest form");
    assertEquals("leaky-relu", loaded.get("activation"));
    assertEquals(List.of(5L, 7L, 3L), loaded.get("sizes"));
  }

  @Test
  @DisplayName("a loaded model predicts exactly what the in-memory one did")
  void loadedModelPredictsTheSame() {
    Model model = randomModel(3);
    Path dir = tmp.resolve("model");
    ModelFile.save(model, dir, false);
    Model loaded = ModelFile.load(dir);

    int m = 9;
    double[] x = new double[ARCHITECTURE.inputs() * m];
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    double[] before = predict(model, x, m);
    double[] after = predict(loaded, x, m);
    assertArrayEquals(rawBits(before), rawBits(after));
  }

  @Test
  @DisplayName("model.json is pretty-printed JSON with the documented keys")
  void headerIsReadableJson() throws IOException {
    Model model = randomModel(5);
    Path dir = tmp.resolve("model");
    ModelFile.save(model, dir, false);
    String text = Files.readString(dir.resolve("model.json"));
    assertTrue(text.lines().count() > 20, "one key per line, not one long line");

    JsonNode header = JSON.readTree(text);
    assertEquals("sparkprop-model", header.get("format").asText());
    assertEquals(1, header.get("version").asInt());
    Instant.parse(header.get("created").asText());
    assertEquals("[5,7,3]", header.at("/architecture/sizes").toString());
    assertEquals("relu", header.at("/architecture/activation").asText());
    assertEquals("softmax-cross-entropy", header.at("/architecture/loss").asText());
    assertEquals(PARAMETERS, header.get("parameters").asInt());
    assertEquals(3, header.get("classes").asInt());
    assertEquals("standardize", header.at("/scaling/method").asText());
    assertEquals(5, header.at("/scaling/shift").size());
    assertEquals("digits", header.at("/training/data").asText());
    assertEquals(0.9733333333333334, header.at("/metrics/test.accuracy").asDouble());
    assertEquals("weights.bin", header.at("/weights/file").asText());
    assertEquals("float64-little-endian", header.at("/weights/encoding").asText());
    assertEquals(PARAMETERS, header.at("/weights/count").asInt());
    assertEquals(ModelFile.sha256Hex(dir.resolve("weights.bin")), header.at("/weights/sha256").asText());
    assertEquals(ModelFile.sha256Hex(Files.readAllBytes(dir.resolve("weights.bin"))),
        header.at("/weights/sha256").asText());

    // Doubles are written in a form that reads back as the same double, and short.
    assertTrue(text.contains("0.30000000000000004"), text);
    assertTrue(text.contains("1.0E-300"), text);
    assertTrue(text.contains("-0.0"), text);
  }

  @Test
  @DisplayName("weights.bin is the parameters as little-endian doubles and nothing else")
  void weightsAreRawLittleEndianDoubles() throws IOException {
    Model model = randomModel(6);
    Path dir = tmp.resolve("model");
    ModelFile.save(model, dir, false);
    byte[] bytes = Files.readAllBytes(dir.resolve("weights.bin"));
    assertEquals(8 * PARAMETERS, bytes.length);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (double p : model.parameters()) {
      assertEquals(Double.doubleToRawLongBits(p), buffer.getLong());
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Damaged or inconsistent directories

  @Test
  @DisplayName("one flipped byte in weights.bin is a checksum mismatch")
  void flippedByteIsChecksumMismatch() throws IOException {
    Path dir = saved();
    Path weights = dir.resolve("weights.bin");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[100] ^= 0x01;
    Files.write(weights, bytes);

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertEquals(weights + ": checksum mismatch (the file is damaged or was altered)", e.getMessage());
  }

  @Test
  @DisplayName("a directory where weights.bin should be is named as such, not measured in bytes")
  void weightsDirectory() throws IOException {
    Path dir = saved();
    Path weights = dir.resolve("weights.bin");
    Files.delete(weights);
    Files.createDirectory(weights);

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertEquals(weights + ": is a directory, not the weights file; the model directory is damaged", e.getMessage());
  }

  @Test
  @DisplayName("whichever byte of weights.bin is flipped, the load fails with a checksum mismatch naming the file")
  void everyFlippedByteIsCaught() throws IOException {
    Path dir = saved();
    Path weights = dir.resolve("weights.bin");
    byte[] good = Files.readAllBytes(weights);
    assertEquals(PARAMETERS * Double.BYTES, good.length);
    for (int at = 0; at < good.length; at++) {
      byte[] bad = good.clone();
      bad[at] ^= (byte) (1 << (at % 8));
      Files.write(weights, bad);
      int where = at;
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir),
          () -> "byte " + where + " flipped");
      assertEquals(weights.toString(), e.file());
      assertEquals("checksum mismatch (the file is damaged or was altered)", e.problem());
    }
  }

  @Test
  @DisplayName("a truncated weights.bin is a size error naming both sizes")
  void truncatedWeightsIsSizeError() throws IOException {
    Path dir = saved();
    Path weights = dir.resolve("weights.bin");
    Files.write(weights, Arrays.copyOf(Files.readAllBytes(weights), 520));

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertEquals(weights + ": the file has 520 bytes; the header says 66 parameters (528 bytes)",
        e.getMessage());
  }

  @Test
  @DisplayName("a missing weights.bin is reported as such")
  void missingWeights() throws IOException {
    Path dir = saved();
    Files.delete(dir.resolve("weights.bin"));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("weights.bin") + ": is missing"), e.getMessage());
  }

  @Test
  @DisplayName("a header inconsistent with itself is rejected before the weights are read")
  void headerCheckedBeforeWeights() throws IOException {
    Path dir = saved();
    editHeader(dir, h -> h.put("parameters", 67));
    // Were the weights read, this would be a "missing weights.bin" error.
    Files.delete(dir.resolve("weights.bin"));

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertEquals(dir.resolve("model.json")
        + ": \"parameters\" is 67 but a 5-7-3 network has 66 parameters", e.getMessage());
  }

  static Stream<Arguments> badHeaders() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(bad("a newer format version",
        h -> h.put("version", ModelFile.VERSION + 1),
        "format version " + (ModelFile.VERSION + 1) + " is newer than this sparkprop understands (" + ModelFile.VERSION
            + ")"));
    cases.add(bad("another format",
        h -> h.put("format", "onnx"),
        "not a sparkprop model header (\"format\" is \"onnx\", expected \"sparkprop-model\")"));
    cases.add(bad("an unknown activation, with the valid names",
        h -> ((ObjectNode) h.get("architecture")).put("activation", "swish"),
        "unknown activation 'swish'; expected one of sigmoid, tanh, relu, leaky-relu, identity"));
    cases.add(bad("an unknown loss, with the valid names",
        h -> ((ObjectNode) h.get("architecture")).put("loss", "hinge"),
        "expected one of softmax-cross-entropy, binary-cross-entropy, squared-error"));
    cases.add(bad("an unknown scaling method, with the valid names",
        h -> ((ObjectNode) h.get("scaling")).put("method", "robust"),
        "expected one of none, standardize, minmax"));
    cases.add(bad("a missing field",
        h -> h.remove("classes"),
        "\"classes\" is missing"));
    cases.add(bad("a field of the wrong type",
        h -> ((ObjectNode) h.get("architecture")).put("sizes", "5-7-3"),
        "\"architecture.sizes\" must be an array, not \"5-7-3\""));
    cases.add(bad("classes that are not the softmax outputs",
        h -> h.put("classes", 4),
        "\"classes\" is 4 but a 5-7-3 softmax-cross-entropy network has 3, one per output"));
    cases.add(bad("a scaler for another number of inputs",
        h -> ((ArrayNode) h.at("/scaling/shift")).add(1.0),
        "\"scaling.shift\" has 6 values but the network takes 5 inputs"));
    cases.add(bad("sizes whose parameter count disagrees with the header",
        h -> ((ArrayNode) h.at("/architecture/sizes")).set(1, h.numberNode(8)),
        "\"parameters\" is 66 but a 5-8-3 network has 75 parameters"));
    cases.add(bad("a weights count that disagrees with the parameter count",
        h -> ((ObjectNode) h.get("weights")).put("count", 65),
        "\"weights.count\" is 65 but \"parameters\" is 66"));
    cases.add(bad("another weights encoding",
        h -> ((ObjectNode) h.get("weights")).put("encoding", "float32-big-endian"),
        "\"weights.encoding\" is \"float32-big-endian\"; this sparkprop reads only \"float64-little-endian\""));
    cases.add(bad("a weights file outside the directory",
        h -> ((ObjectNode) h.get("weights")).put("file", "../other/weights.bin"),
        "\"weights.file\" must name a file in the model directory"));
    return cases.stream();
  }

  private static Arguments bad(String what, Consumer<ObjectNode> edit, String expected) {
    return Arguments.of(what, edit, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHeaders")
  @DisplayName("a bad header is rejected, naming model.json and the problem")
  void badHeaderIsRejected(String what, Consumer<ObjectNode> edit, String expected) throws IOException {
    Path dir = saved();
    editHeader(dir, edit);
    Files.delete(dir.resolve("weights.bin"));

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("model.json") + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  @DisplayName("a header that is not JSON says so, with the position")
  void unparseableHeader() throws IOException {
    Path dir = saved();
    Files.writeString(dir.resolve("model.json"), "{\n  \"format\": \"sparkprop-model\",\n  oops\n}\n");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("model.json") + ": not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  @DisplayName("a directory that does not exist, or has no model.json, is not a model directory")
  void notAModelDirectory() throws IOException {
    Path missing = tmp.resolve("nowhere");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(missing));
    assertEquals(missing + ": not a sparkprop model directory (it does not exist)", e.getMessage());

    Path empty = Files.createDirectory(tmp.resolve("empty"));
    e = assertThrows(ModelFormatException.class, () -> ModelFile.load(empty));
    assertEquals(empty + ": not a sparkprop model directory (it has no model.json)", e.getMessage());
  }

  // ----------------------------------------------------------------------------------------------
  // Saving safely

  @Test
  @DisplayName("save refuses an existing directory without overwrite and leaves it untouched")
  void saveRefusesExistingDirectory() throws IOException {
    Path dir = tmp.resolve("model");
    Model first = randomModel(7);
    ModelFile.save(first, dir, false);
    byte[] header = Files.readAllBytes(dir.resolve("model.json"));

    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.save(randomModel(8), dir, false));
    assertEquals(dir + ": already exists; pass --overwrite to replace it", e.getMessage());
    assertArrayEquals(header, Files.readAllBytes(dir.resolve("model.json")));
    assertArrayEquals(rawBits(first.parameters()), rawBits(ModelFile.load(dir).parameters()));
    assertEquals(List.of("model"), entries(tmp));
  }

  @Test
  @DisplayName("save with overwrite replaces the model and leaves nothing else behind")
  void saveOverwrites() throws IOException {
    Path dir = tmp.resolve("model");
    ModelFile.save(randomModel(9), dir, false);
    Model second = randomModel(10);
    ModelFile.save(second, dir, true);

    assertArrayEquals(rawBits(second.parameters()), rawBits(ModelFile.load(dir).parameters()));
    assertEquals(List.of("model"), entries(tmp));
    assertEquals(List.of("model.json", "weights.bin"), entries(dir));
  }

  @Test
  @DisplayName("overwrite never deletes a directory that holds more than a model")
  void overwriteRefusesForeignDirectory() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("notes"));
    Files.writeString(dir.resolve("todo.txt"), "keep me");

    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.save(randomModel(11), dir, true));
    assertEquals(dir + ": exists and holds more than a sparkprop model (todo.txt); refusing to replace it",
        e.getMessage());
    assertEquals(List.of("todo.txt"), entries(dir));
  }

  @Test
  @DisplayName("save creates missing parent directories")
  void saveCreatesParents() {
    Path dir = tmp.resolve("runs").resolve("digits").resolve("model");
    ModelFile.save(randomModel(12), dir, false);
    assertEquals(3, ModelFile.load(dir).classes());
  }

  @Test
  @DisplayName("a save that cannot start (the parent is a file) fails cleanly")
  void saveUnderAFileFails() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "not a directory");
    Path dir = file.resolve("model");

    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.save(randomModel(13), dir, false));
    assertTrue(e.getMessage().startsWith(dir + ": cannot save the model: "), e.getMessage());
    assertEquals(List.of("file"), entries(tmp));
  }

  @Test
  @DisplayName("a save that fails half-way deletes its temporary directory and keeps the old model")
  void saveFailingHalfWayLeavesNothing() throws IOException {
    Path dir = tmp.resolve("model");
    Model first = randomModel(14);
    ModelFile.save(first, dir, false);

    // The weights are written before the header; this value fails while the header is built.
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("broken", new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("cannot describe this value");
      }
    });
    Model second = randomModel(15);
    Model broken = new Model(second.architecture(), second.parameters(), second.scaling(),
        second.scaler(), second.classes(), training, Map.of());

    assertThrows(IllegalStateException.class, () -> ModelFile.save(broken, dir, true));
    assertEquals(List.of("model"), entries(tmp), "no temporary directory is left");
    assertArrayEquals(rawBits(first.parameters()), rawBits(ModelFile.load(dir).parameters()));

    Path fresh = tmp.resolve("fresh");
    assertThrows(IllegalStateException.class, () -> ModelFile.save(broken, fresh, false));
    assertEquals(List.of("model"), entries(tmp), "nothing half-written at the destination");
  }

  @Test
  @DisplayName("save refuses a class count that load would reject")
  void saveRefusesInconsistentClasses() throws IOException {
    Model model = randomModel(16);
    Model wrong = new Model(model.architecture(), model.parameters(), model.scaling(), model.scaler(),
        5, model.training(), model.metrics());
    assertThrows(IllegalArgumentException.class, () -> ModelFile.save(wrong, tmp.resolve("model"), false));
    assertEquals(List.of(), entries(tmp));
  }

  // ----------------------------------------------------------------------------------------------

  private Path saved() {
    Path dir = tmp.resolve("model");
    ModelFile.save(randomModel(42), dir, false);
    return dir;
  }

  private static void editHeader(Path dir, Consumer<ObjectNode> edit) throws IOException {
    Path file = dir.resolve("model.json");
    ObjectNode header = (ObjectNode) JSON.readTree(file.toFile());
    edit.accept(header);
    Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(header)
        .getBytes(StandardCharsets.UTF_8));
  }

  private static double[] predict(Model model, double[] x, int m) {
    Network network = new Network(model.architecture());
    Workspace ws = new Workspace(model.architecture(), m);
    network.predict(model.parameters(), x, 0, m, null, 0, ws);
    return Arrays.copyOf(network.outputs(ws), model.architecture().outputs() * m);
  }

  private static long[] rawBits(double[] values) {
    long[] bits = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Double.doubleToRawLongBits(values[i]);
    }
    return bits;
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
