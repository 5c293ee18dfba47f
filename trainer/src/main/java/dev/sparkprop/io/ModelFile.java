package dev.sparkprop.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Saves and loads a {@link Model} as a directory of two files.
 *
 * <ul>
 *   <li>{@code model.json}: a pretty-printed, versioned header, everything but the weights:
 *   <pre>
 * {
 *   "format" : "sparkprop-model",
 *   "version" : 1,
 *   "created" : "2025-01-31T12:00:00.123Z",
 *   "architecture" : { "sizes" : [ 64, 32, 10 ], "activation" : "relu", "loss" : "softmax-cross-entropy" },
 *   "parameters" : 2410,
 *   "classes" : 10,
 *   "scaling" : { "method" : "standardize", "shift" : [ … ], "scale" : [ … ] },
 *   "targetScaling" : { "method" : "standardize", "shift" : [ 14.4 ], "scale" : [ 0.2 ] },
 *   "classNames" : [ "setosa", "versicolor", "virginica" ],
 *   "training" : { … },
 *   "metrics" : { "test.accuracy" : 0.97 },
 *   "weights" : { "file" : "weights.bin", "encoding" : "float64-little-endian", "count" : 2410, "sha256" : "…" }
 * }</pre>
 *   Doubles are written in a form that parses back to the same double. Non-finite values (a NaN
 *   metric, say) are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *   {@code created} is for people; nothing reads it. {@code training} and {@code metrics} may be
 *   absent (read as empty). {@code targetScaling} is there only for a regression network trained
 *   on rescaled targets, whose output must be mapped back; such a model is written as version 2,
 *   so that a sparkprop that knows only version 1 refuses it instead of ignoring the field and
 *   predicting in the wrong units. {@code classNames} is there only for a classifier whose
 *   training data named its classes; such a model is written as version 3, for the same reason:
 *   an older sparkprop would predict indices where the user expects names. Every other model is
 *   still written as version 1.
 *   <li>{@code weights.bin}: the parameter vector ({@link dev.sparkprop.nn.ParameterLayout}) as
 *   little-endian IEEE-754 doubles, nothing else, so that its size is 8 × {@code parameters} and
 *   other tools can map it directly.
 * </ul>
 *
 * <p>A save never leaves a half-written model at its destination: it builds the directory beside
 * it under a hidden temporary name, syncs it to disk, and renames it into place. A load checks the
 * whole header, and every size in it against the others, before it allocates the weights, then
 * checks the weights' size and SHA-256. Every problem is a {@link ModelFormatException} naming the
 * file and what is wrong with it.
 */
public final class ModelFile {

  /** The header's name inside a model directory. */
  public static final String HEADER = "model.json";
  /** The weights' name inside a model directory. */
  public static final String WEIGHTS = "weights.bin";
  /** The value of the header's {@code format} field. */
  public static final String FORMAT = "sparkprop-model";
  /** The newest format version this class reads and writes. */
  public static final int VERSION = 3;
  /** The value of {@code weights.encoding}. */
  public static final String ENCODING = "float64-little-endian";

  /**
   * What else a model directory may hold, written by {@code train} and {@code report}: the
   * history, the final evaluation, the configuration, and the report's directory. An
   * {@code --overwrite} replaces a directory of these and nothing else.
   */
  public static final Set<String> RUN_FILES = Set.of(RunFiles.HISTORY, RunFiles.EVALUATION,
      RunFiles.CONFIG, RunFiles.REPORT);

  /** Weights are moved between the array and the file this many doubles (1 MiB) at a time. */
  private static final int CHUNK = 1 << 17;

  private static final ObjectMapper JSON = JsonMapper.builder()
      // A key given twice is a damaged or hand-edited header; do not silently keep the last one.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ModelFile() {}

  // ---------------------------------------------------------------------------------------------
  // Saving

  /**
   * Writes {@code model} as the directory {@code dir}, creating missing parent directories.
   *
   * @param overwrite whether an existing model at {@code dir} may be replaced. Even then, only a
   *     directory that holds nothing but a model's files (or nothing) is replaced, so that a
   *     mistyped destination cannot delete unrelated files.
   * @throws ModelFormatException when {@code dir} exists and may not be replaced (nothing is
   *     written then), or when writing fails (the destination is then as it was before)
   * @throws IllegalArgumentException when {@code classes} does not fit the loss, so that no model
   *     is written that {@link #load} would reject
   */
  public static void save(Model model, Path dir, boolean overwrite) {
    save(model, dir, overwrite, null);
  }

  /**
   * As {@link #save(Model, Path, boolean)}, but into {@code staged}, a directory made by
   * {@link #stage} that already holds the run's other files ({@link #RUN_FILES}): the model's
   * two files join them, and the whole directory is renamed into place at once. On failure
   * {@code staged} is deleted with everything in it.
   */
  static void save(Model model, Path dir, boolean overwrite, Staging staged) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(model.scaling(), "model.scaling");
    String classesProblem = classesProblem(model.architecture(), model.classes());
    if (classesProblem != null) {
      throw new IllegalArgumentException(classesProblem);
    }
    Path target = dir.toAbsolutePath().normalize();
    Path name = target.getFileName();
    if (name == null) {
      throw new ModelFormatException(dir, "a model cannot be saved as the root directory");
    }
    Path parent = target.getParent();
    checkSavable(dir, overwrite);
    boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);

    Staging own = null;
    Path temp = staged == null ? null : staged.dir();
    try {
      if (temp == null) {
        createParent(dir, parent);
        own = Staging.create(parent, stagingPrefix(name));
        temp = own.dir();
      } else if (!parent.equals(temp.toAbsolutePath().normalize().getParent())) {
        throw new IllegalArgumentException(temp + " was not staged beside " + dir);
      }
      String sha256 = writeWeights(temp.resolve(WEIGHTS), model.parameters());
      byte[] header = headerBytes(model, sha256);
      writeAndSync(temp.resolve(HEADER), header);
      syncDirectory(temp);
      if (exists) {
        replace(target, temp, parent, name);
      } else {
        move(temp, target);
      }
      temp = null;
      syncDirectory(parent);
    } catch (IOException e) {
      throw new ModelFormatException(dir, "cannot save the model: " + describe(e), e);
    } finally {
      if (temp != null) {
        deleteRecursively(temp);
      }
      if (own != null) {
        own.release();
      }
    }
  }

  /**
   * Makes the hidden directory beside {@code dir} that {@link #save(Model, Path, boolean, Path)}
   * will rename to {@code dir}, so that a run can write its other files there as it goes, where
   * a failed run cannot leave them half-written at {@code dir}.
   */
  static Staging stage(Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    Path name = target.getFileName();
    if (name == null) {
      throw new ModelFormatException(dir, "a model cannot be saved as the root directory");
    }
    try {
      createParent(dir, target.getParent());
      return Staging.create(target.getParent(), stagingPrefix(name));
    } catch (IOException e) {
      throw new ModelFormatException(dir, "cannot save the model: " + describe(e), e);
    }
  }

  /** Deletes a staged directory that will not become a model: best effort, it is hidden. */
  static void discard(Staging staged) {
    deleteRecursively(staged.dir());
    staged.release();
  }

  /** The hidden name a model is written under before it is renamed to {@code name}. */
  private static String stagingPrefix(Path name) {
    return "." + name + ".tmp-";
  }

  private static void createParent(Path dir, Path parent) throws IOException {
    try {
      Files.createDirectories(parent);
    } catch (FileAlreadyExistsException e) {
      throw new ModelFormatException(dir, "cannot save the model: " + e.getFile() + " is not a directory", e);
    }
  }

  /**
   * Checks up front what {@link #save(Model, Path, boolean)} checks at the end: that {@code dir}
   * does not exist, or, with {@code overwrite}, that it holds only a model's files. A command
   * that trains first can then refuse before the run rather than after it.
   *
   * @throws ModelFormatException if the model could not be saved there
   */
  public static void checkSavable(Path dir, boolean overwrite) {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!overwrite) {
        throw new ModelFormatException(dir, "already exists; pass --overwrite to replace it");
      }
      checkReplaceable(dir, target);
    }
  }

  /**
   * Refuses to replace anything but a plain directory holding at most a model's files: an
   * {@code --overwrite} aimed at the wrong directory must not delete it.
   */
  private static void checkReplaceable(Path dir, Path target) {
    if (Files.isSymbolicLink(target)) {
      throw new ModelFormatException(dir, "exists and is a symbolic link; refusing to replace it");
    }
    if (!Files.isDirectory(target)) {
      throw new ModelFormatException(dir, "exists and is not a directory; refusing to replace it");
    }
    Set<String> others = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      for (Path entry : entries) {
        String entryName = entry.getFileName().toString();
        if (!entryName.equals(HEADER) && !entryName.equals(WEIGHTS) && !RUN_FILES.contains(entryName)) {
          others.add(entryName);
        }
      }
    } catch (IOException e) {
      throw new ModelFormatException(dir, "cannot be listed: " + describe(e), e);
    }
    if (!others.isEmpty()) {
      throw new ModelFormatException(dir, "exists and holds more than a sparkprop model ("
          + String.join(", ", others) + "); refusing to replace it");
    }
  }

  /** Moves the old model aside, the new one in, and only then deletes the old one. */
  private static void replace(Path target, Path fresh, Path parent, Path name) throws IOException {
    Path old = uniqueName(parent, "." + name + ".old-");
    move(target, old);
    try {
      move(fresh, target);
    } catch (IOException | RuntimeException e) {
      try {
        move(old, target);
      } catch (IOException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    deleteRecursively(old);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Writes the parameters in bulk, 1 MiB at a time, hashing as it goes; returns the hex SHA-256. */
  private static String writeWeights(Path file, double[] parameters) throws IOException {
    MessageDigest digest = sha256();
    ByteBuffer bytes = ByteBuffer.allocate(Math.min(parameters.length, CHUNK) * Double.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int off = 0; off < parameters.length; off += CHUNK) {
        int count = Math.min(CHUNK, parameters.length - off);
        bytes.clear();
        bytes.asDoubleBuffer().put(parameters, off, count);
        bytes.limit(count * Double.BYTES);
        digest.update(bytes.array(), 0, bytes.limit());
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
      }
      out.force(true);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void writeAndSync(Path file, byte[] content) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
  }

  private static byte[] headerBytes(Model model, String sha256) throws IOException {
    Architecture architecture = model.architecture();
    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    // The oldest version that has every field written, so older readers still read what they can.
    root.put("version", model.classNames() != null ? 3 : model.targetScaling() != Scaling.NONE ? 2 : 1);
    root.put("created", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());

    ObjectNode arch = root.putObject("architecture");
    ArrayNode sizes = arch.putArray("sizes");
    for (int size : architecture.sizes()) {
      sizes.add(size);
    }
    arch.put("activation", architecture.activation().cliName());
    arch.put("loss", architecture.loss().cliName());

    root.put("parameters", model.parameters().length);
    root.put("classes", model.classes());

    ObjectNode scaling = root.putObject("scaling");
    scaling.put("method", model.scaling().name().toLowerCase(Locale.ROOT));
    scaling.set("shift", toJson(model.scaler().shift()));
    scaling.set("scale", toJson(model.scaler().scale()));
    if (model.targetScaling() != Scaling.NONE) {
      ObjectNode target = root.putObject("targetScaling");
      target.put("method", model.targetScaling().name().toLowerCase(Locale.ROOT));
      target.set("shift", toJson(model.targetScaler().shift()));
      target.set("scale", toJson(model.targetScaler().scale()));
    }
    if (model.classNames() != null) {
      ArrayNode names = root.putArray("classNames");
      model.classNames().forEach(names::add);
    }

    ObjectNode training = root.putObject("training");
    model.training().forEach((key, value) -> training.set(key, toJson(value)));
    ObjectNode metrics = root.putObject("metrics");
    model.metrics().forEach((key, value) -> metrics.set(key, toJson(value)));

    ObjectNode weights = root.putObject("weights");
    weights.put("file", WEIGHTS);
    weights.put("encoding", ENCODING);
    weights.put("count", model.parameters().length);
    weights.put("sha256", sha256);

    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    byte[] withNewline = Arrays.copyOf(json, json.length + 1);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  /**
   * The JSON form of a training-map value: strings, numbers, booleans and null as themselves;
   * maps, collections and arrays element by element; enums by their command-line spelling; and
   * anything else by its {@code toString()}.
   */
  private static JsonNode toJson(Object value) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof CharSequence s) {
      return NODES.textNode(s.toString());
    } else if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      return NODES.numberNode(((Number) value).longValue());
    } else if (value instanceof BigInteger i) {
      return NODES.numberNode(i);
    } else if (value instanceof BigDecimal d) {
      return NODES.numberNode(d);
    } else if (value instanceof Float f) {
      // Written as the float's own shortest form (0.1, not 0.10000000149011612); reads back as that double.
      return Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(f.toString());
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
    } else if (value instanceof Activation a) {
      return NODES.textNode(a.cliName());
    } else if (value instanceof Loss l) {
      return NODES.textNode(l.cliName());
    } else if (value instanceof Enum<?> e) {
      return NODES.textNode(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
      return object;
    } else if (value instanceof Iterable<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(toJson(item)));
      return array;
    } else if (value.getClass().isArray()) {
      ArrayNode array = NODES.arrayNode();
      for (int i = 0, n = Array.getLength(value); i < n; i++) {
        array.add(toJson(Array.get(value, i)));
      }
      return array;
    }
    return NODES.textNode(value.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  /**
   * Reads the model in {@code dir}, checking it in this order: the directory and its header
   * exist; the header is JSON, says it is a sparkprop model of a version this class reads, has
   * every field, and its sizes agree with one another; the weights file has exactly the size the
   * header implies; its SHA-256 is the one in the header.
   *
   * @throws ModelFormatException naming the file and the first problem found
   */
  public static Model load(Path dir) {
    Path headerFile = dir.resolve(HEADER);
    if (!Files.isDirectory(dir)) {
      throw new ModelFormatException(dir, "not a sparkprop model directory ("
          + (Files.exists(dir) ? "it is a file" : "it does not exist") + ")");
    }
    if (!Files.isRegularFile(headerFile)) {
      throw new ModelFormatException(dir, "not a sparkprop model directory (it has no " + HEADER + ")");
    }
    JsonNode root;
    try (InputStream in = Files.newInputStream(headerFile)) {
      root = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(headerFile, "not valid JSON: " + describe(e), e);
    } catch (IOException e) {
      throw new ModelFormatException(headerFile, "cannot be read: " + describe(e), e);
    }
    Header header = new HeaderReader(headerFile).read(root);

    Path weightsFile = dir.resolve(header.weightsFile());
    double[] parameters = readWeights(weightsFile, header.parameters(), header.sha256());
    return new Model(header.architecture(), parameters, header.scaling(), header.scaler(),
        header.classes(), header.training(), header.metrics(), header.targetScaling(), header.targetScaler(),
        header.classNames());
  }

  /** Everything in model.json that {@link #load} uses, checked for consistency. */
  private record Header(Architecture architecture, int parameters, int classes, Scaling scaling,
      FeatureScaler scaler, Scaling targetScaling, FeatureScaler targetScaler, List<String> classNames,
      Map<String, Object> training, Map<String, Double> metrics, String weightsFile, byte[] sha256) {}

  /** Reads the header tree, failing with a message that names the header file and the field. */
  private static final class HeaderReader {

    private final Path file;

    HeaderReader(Path file) {
      this.file = file;
    }

    Header read(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw fail("not a sparkprop model header (expected a JSON object)");
      }
      JsonNode format = root.get("format");
      if (format == null || !format.isTextual() || !format.textValue().equals(FORMAT)) {
        throw fail("not a sparkprop model header (\"format\" is "
            + (format == null ? "missing" : format.toString()) + ", expected \"" + FORMAT + "\")");
      }
      long version = integer(root, "version", "version");
      if (version > VERSION) {
        throw fail("format version " + version + " is newer than this sparkprop understands ("
            + VERSION + "); use a newer sparkprop to read this model");
      }
      if (version < 1) {
        throw fail("format version " + version + " is not valid (versions start at 1)");
      }

      JsonNode arch = object(root, "architecture", "architecture");
      JsonNode sizesNode = array(arch, "sizes", "architecture.sizes");
      int[] sizes = new int[sizesNode.size()];
      for (int i = 0; i < sizes.length; i++) {
        JsonNode size = sizesNode.get(i);
        if (!size.isIntegralNumber() || !size.canConvertToInt() || size.intValue() <= 0) {
          throw fail("\"architecture.sizes\" must hold positive integers, not " + size);
        }
        sizes[i] = size.intValue();
      }
      Activation activation;
      Loss loss;
      Architecture architecture;
      int layoutSize;
      try {
        activation = Activation.parse(text(arch, "activation", "architecture.activation"));
        loss = Loss.parse(text(arch, "loss", "architecture.loss"));
        architecture = new Architecture(sizes, activation, loss);
        layoutSize = architecture.layout().size();
      } catch (IllegalArgumentException e) {
        throw fail("\"architecture\": " + e.getMessage());
      }

      long parameters = integer(root, "parameters", "parameters");
      if (parameters != layoutSize) {
        throw fail("\"parameters\" is " + parameters + " but a " + architecture.shape()
            + " network has " + layoutSize + " parameters");
      }
      long classes = integer(root, "classes", "classes");
      String classesProblem = classes < 0 || classes > Integer.MAX_VALUE
          ? "\"classes\" is " + classes
          : classesProblem(architecture, (int) classes);
      if (classesProblem != null) {
        throw fail(classesProblem);
      }

      JsonNode scalingNode = object(root, "scaling", "scaling");
      Scaling scaling = scalingMethod(scalingNode, "scaling");
      FeatureScaler scaler = scaler(scalingNode, "scaling", architecture.inputs());
      Scaling targetScaling = Scaling.NONE;
      FeatureScaler targetScaler = FeatureScaler.identity(1);
      JsonNode targetNode = root.get("targetScaling");
      if (targetNode != null) {
        if (version < 2) {
          throw fail("\"targetScaling\" needs format version 2, but the header says " + version);
        }
        if (!targetNode.isObject()) {
          throw fail("\"targetScaling\" must be an object");
        }
        if (architecture.loss().isClassification()) {
          throw fail("\"targetScaling\" is given, but a " + architecture.loss().cliName() + " network predicts classes");
        }
        targetScaling = scalingMethod(targetNode, "targetScaling");
        targetScaler = scaler(targetNode, "targetScaling", 1);
        if (targetScaler.scale()[0] == 0.0) {
          throw fail("\"targetScaling.scale\" is 0, which cannot be inverted");
        }
      }

      List<String> classNames = classNames(root.get("classNames"), version, (int) classes);

      Map<String, Object> training = new LinkedHashMap<>();
      JsonNode trainingNode = optionalObject(root, "training", "training");
      for (Map.Entry<String, JsonNode> field : trainingNode.properties()) {
        training.put(field.getKey(), fromJson(field.getValue()));
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      JsonNode metricsNode = optionalObject(root, "metrics", "metrics");
      for (Map.Entry<String, JsonNode> field : metricsNode.properties()) {
        metrics.put(field.getKey(), number(field.getValue(), "metrics." + field.getKey()));
      }

      JsonNode weights = object(root, "weights", "weights");
      String weightsFile = text(weights, "file", "weights.file");
      if (weightsFile.isEmpty() || weightsFile.equals(".") || weightsFile.equals("..")
          || weightsFile.contains("/") || weightsFile.contains("\\")) {
        throw fail("\"weights.file\" must name a file in the model directory, not \"" + weightsFile + "\"");
      }
      String encoding = text(weights, "encoding", "weights.encoding");
      if (!encoding.equals(ENCODING)) {
        throw fail("\"weights.encoding\" is \"" + encoding + "\"; this sparkprop reads only \"" + ENCODING + "\"");
      }
      long count = integer(weights, "count", "weights.count");
      if (count != parameters) {
        throw fail("\"weights.count\" is " + count + " but \"parameters\" is " + parameters);
      }
      String sha256 = text(weights, "sha256", "weights.sha256");
      byte[] digest;
      try {
        digest = HexFormat.of().parseHex(sha256);
      } catch (IllegalArgumentException e) {
        digest = null;
      }
      if (digest == null || digest.length != 32) {
        throw fail("\"weights.sha256\" must be 64 hexadecimal digits, not \"" + sha256 + "\"");
      }
      return new Header(architecture, layoutSize, (int) classes, scaling, scaler, targetScaling, targetScaler,
          classNames, training, metrics, weightsFile, digest);
    }

    /** {@code "classNames"}: absent, or one distinct string per class (version 3 on). */
    private List<String> classNames(JsonNode node, long version, int classes) {
      if (node == null) {
        return null;
      }
      if (version < 3) {
        throw fail("\"classNames\" needs format version 3, but the header says " + version);
      }
      if (!node.isArray() || node.size() != classes) {
        throw fail("\"classNames\" must be an array of " + classes + " names, one per class");
      }
      List<String> names = new ArrayList<>();
      for (JsonNode name : node) {
        if (!name.isTextual()) {
          throw fail("\"classNames\" holds " + abbreviate(name) + ", not a name");
        }
        if (names.contains(name.textValue())) {
          throw fail("\"classNames\" names class \"" + name.textValue() + "\" twice");
        }
        names.add(name.textValue());
      }
      return names;
    }

    private Scaling scalingMethod(JsonNode node, String label) {
      try {
        return Scaling.parse(text(node, "method", label + ".method"));
      } catch (IllegalArgumentException e) {
        throw fail("\"" + label + ".method\": " + e.getMessage());
      }
    }

    private FeatureScaler scaler(JsonNode node, String label, int columns) {
      double[] shift = doubles(node, "shift", label + ".shift", columns);
      double[] scale = doubles(node, "scale", label + ".scale", columns);
      try {
        return new FeatureScaler(shift, scale);
      } catch (IllegalArgumentException e) {
        throw fail("\"" + label + "\": " + e.getMessage());
      }
    }

    private JsonNode required(JsonNode parent, String key, String label) {
      JsonNode node = parent.get(key);
      if (node == null || node.isNull()) {
        throw fail("\"" + label + "\" is missing");
      }
      return node;
    }

    private JsonNode object(JsonNode parent, String key, String label) {
      JsonNode node = required(parent, key, label);
      if (!node.isObject()) {
        throw fail("\"" + label + "\" must be an object, not " + node);
      }
      return node;
    }

    private JsonNode optionalObject(JsonNode parent, String key, String label) {
      JsonNode node = parent.get(key);
      return node == null || node.isNull() ? NODES.objectNode() : object(parent, key, label);
    }

    private JsonNode array(JsonNode parent, String key, String label) {
      JsonNode node = required(parent, key, label);
      if (!node.isArray()) {
        throw fail("\"" + label + "\" must be an array, not " + abbreviate(node));
      }
      return node;
    }

    private String text(JsonNode parent, String key, String label) {
      JsonNode node = required(parent, key, label);
      if (!node.isTextual()) {
        throw fail("\"" + label + "\" must be a string, not " + abbreviate(node));
      }
      return node.textValue();
    }

    private long integer(JsonNode parent, String key, String label) {
      JsonNode node = required(parent, key, label);
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        throw fail("\"" + label + "\" must be an integer, not " + abbreviate(node));
      }
      return node.longValue();
    }

    private double[] doubles(JsonNode parent, String key, String label, int inputs) {
      JsonNode node = array(parent, key, label);
      if (node.size() != inputs) {
        throw fail("\"" + label + "\" has " + node.size() + " values but the network takes "
            + inputs + " inputs");
      }
      double[] values = new double[inputs];
      for (int i = 0; i < inputs; i++) {
        values[i] = number(node.get(i), label + "[" + i + "]");
      }
      return values;
    }

    /** A number, or one of the strings a non-finite double is written as. */
    private double number(JsonNode node, String label) {
      if (node.isNumber()) {
        return node.doubleValue();
      }
      if (node.isTextual()) {
        switch (node.textValue()) {
          case "NaN":
            return Double.NaN;
          case "Infinity":
            return Double.POSITIVE_INFINITY;
          case "-Infinity":
            return Double.NEGATIVE_INFINITY;
          default:
            break;
        }
      }
      throw fail("\"" + label + "\" must be a number, not " + abbreviate(node));
    }

    private ModelFormatException fail(String problem) {
      return new ModelFormatException(file, problem);
    }
  }

  /**
   * Why {@code classes} does not fit the architecture, or null when it does: softmax has one
   * output per class, binary cross-entropy is two classes on one output, regression has none.
   */
  private static String classesProblem(Architecture architecture, int classes) {
    Loss loss = architecture.loss();
    boolean fits = switch (loss) {
      case SOFTMAX_CROSS_ENTROPY -> classes == architecture.outputs();
      case SIGMOID_BINARY_CROSS_ENTROPY -> classes == 2;
      case SQUARED_ERROR, HUBER -> classes == 0;
    };
    if (fits) {
      return null;
    }
    String expected = switch (loss) {
      case SOFTMAX_CROSS_ENTROPY -> architecture.outputs() + ", one per output";
      case SIGMOID_BINARY_CROSS_ENTROPY -> "2";
      case SQUARED_ERROR, HUBER -> "0 (regression)";
    };
    return "\"classes\" is " + classes + " but a " + architecture.shape() + " "
        + loss.cliName() + " network has " + expected;
  }

  /**
   * A training value as read back: Long (or Double, past Long's range) for integers, Double for
   * other numbers, String, Boolean, null, List for arrays and insertion-ordered Map for objects.
   */
  private static Object fromJson(JsonNode node) {
    switch (node.getNodeType()) {
      case NUMBER:
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return node.longValue();
        }
        return node.doubleValue();
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case ARRAY: {
        List<Object> list = new ArrayList<>(node.size());
        node.forEach(item -> list.add(fromJson(item)));
        return Collections.unmodifiableList(list);
      }
      case OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          map.put(field.getKey(), fromJson(field.getValue()));
        }
        return Collections.unmodifiableMap(map);
      }
      default:
        return null;
    }
  }

  /**
   * Reads {@code count} doubles, after checking the file's size, hashing as it goes; returns them
   * only when the hash is {@code sha256}.
   */
  private static double[] readWeights(Path file, int count, byte[] sha256) {
    long expected = (long) count * Double.BYTES;
    if (Files.isDirectory(file)) {
      // Opening a directory for reading succeeds on Linux and reports the directory's own size.
      throw new ModelFormatException(file, "is a directory, not the weights file; the model directory is damaged");
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long actual = in.size();
      if (actual != expected) {
        throw new ModelFormatException(file, "the file has " + actual + " bytes; the header says "
            + count + " parameters (" + expected + " bytes)");
      }
      double[] parameters = new double[count];
      MessageDigest digest = sha256();
      ByteBuffer bytes = ByteBuffer.allocate(Math.min(count, CHUNK) * Double.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
      for (int off = 0; off < count; off += CHUNK) {
        int n = Math.min(CHUNK, count - off);
        bytes.clear().limit(n * Double.BYTES);
        while (bytes.hasRemaining()) {
          if (in.read(bytes) < 0) {
            throw new ModelFormatException(file, "ended after " + ((long) off * Double.BYTES + bytes.position())
                + " bytes while being read; the header says " + expected + " bytes");
          }
        }
        digest.update(bytes.array(), 0, bytes.limit());
        bytes.flip();
        bytes.asDoubleBuffer().get(parameters, off, n);
      }
      if (!MessageDigest.isEqual(digest.digest(), sha256)) {
        throw new ModelFormatException(file, "checksum mismatch (the file is damaged or was altered)");
      }
      return parameters;
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(file, "is missing; the model directory is incomplete", e);
    } catch (IOException e) {
      throw new ModelFormatException(file, "cannot be read: " + describe(e), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The SHA-256 of {@code bytes}, as 64 lower-case hexadecimal digits. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /**
   * The SHA-256 of the file's content, as 64 lower-case hexadecimal digits.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static String sha256Hex(Path file) {
    MessageDigest digest = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK * Double.BYTES);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer.clear()) >= 0) {
        digest.update(buffer.array(), 0, buffer.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static Path uniqueName(Path parent, String prefix) {
    while (true) {
      Path candidate = parent.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36));
      if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return candidate;
      }
    }
  }

  /** Makes a directory's entries durable; a no-op where directories cannot be opened (Windows). */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not supported on this platform; the rename is still atomic, only its durability is weaker.
    }
  }

  /** Best effort: a leftover temporary directory is hidden and harmless, a second error is not useful. */
  static void deleteRecursively(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // Left behind under its hidden temporary name.
    }
  }

  /** An I/O error in words: Java's own messages for these are only the path. */
  /** An I/O failure in words, naming the file the JDK names (shared with {@link CannotWriteException}). */
  static String describe(IOException e) {
    if (e instanceof JsonProcessingException j) {
      JsonLocation at = j.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return j.getOriginalMessage() + where;
    }
    if (e instanceof FileSystemException f) {
      String file = f.getFile();
      String what;
      if (e instanceof NoSuchFileException) {
        what = "does not exist";
      } else if (e instanceof FileAlreadyExistsException) {
        what = "already exists";
      } else if (e instanceof AccessDeniedException) {
        what = "permission denied";
      } else if (e instanceof NotDirectoryException) {
        what = "is not a directory";
      } else if (e instanceof DirectoryNotEmptyException) {
        what = "is not empty";
      } else {
        what = f.getReason() == null ? e.getClass().getSimpleName() : f.getReason();
      }
      return file == null ? what : file + ": " + what;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
