package dev.sparkprop.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.Evaluation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's history, {@code history.jsonl}: one JSON object per line, one line per epoch, written
 * as each epoch ends. For example (one line, wrapped here):
 *
 * <pre>
 * {"epoch":3,"epochs":10,"iterations":422,"iteration":1266,"learning_rate":0.001,
 *  "train_loss":0.3012,"train":{"examples":48000,"loss":0.2871,"accuracy":0.8950,…},
 *  "validation":{"examples":6000,"loss":0.3124,"accuracy":0.8867,…},
 *  "examples_per_second":4210.5,"seconds":12.1,"compute_seconds":1.1,
 *  "coordination_seconds":10.3,"elapsed_seconds":36.4}</pre>
 *
 * <ul>
 *   <li>{@code iterations} is per epoch, {@code iteration} the count since the run began.
 *   <li>{@code train_loss} is the mean loss over the epoch's batches while the parameters moved
 *   (with dropout, if any); {@code train} holds the metrics of the whole training set under the
 *   epoch's final parameters, the same measurement as {@code validation}, so the two compare.
 *   {@code train} and {@code validation} are absent when not measured.
 *   <li>Metric names are those of {@link Evaluation#metrics()}.
 *   <li>{@code seconds} is the epoch's wall time, training and validation; of its training
 *   part, {@code compute_seconds} is the slowest partition's time in the kernels and
 *   {@code coordination_seconds} the rest (broadcast, scheduling, transfer, aggregation, the
 *   optimizer step on the driver); {@code elapsed_seconds} counts from the run's start.
 *   <li>Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"}.
 * </ul>
 */
public final class RunHistory {

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RunHistory() {}

  /** One epoch of the history; {@code train} and {@code validation} are empty when not measured. */
  public record Entry(int epoch, int epochs, int iterations, long iteration, double learningRate,
      double trainLoss, Map<String, Double> train, Map<String, Double> validation,
      double examplesPerSecond, double seconds, double computeSeconds, double coordinationSeconds,
      double elapsedSeconds) {

    public Entry {
      train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
      validation = Collections.unmodifiableMap(new LinkedHashMap<>(validation));
    }

    /**
     * @param train the training set's evaluation after the epoch, or null when not measured
     */
    public static Entry of(EpochStats stats, int epochs, int iterations, Evaluation train) {
      return new Entry(stats.epoch(), epochs, iterations, (long) stats.epoch() * iterations,
          stats.learningRate(), stats.trainLoss(), train == null ? Map.of() : train.metrics(),
          stats.validation() == null ? Map.of() : stats.validation().metrics(),
          stats.examplesPerSecond(), stats.seconds(), stats.computeSeconds(), stats.coordinationSeconds(),
          stats.elapsedSeconds());
    }

    String toJson() {
      ObjectNode o = NODES.objectNode();
      o.put("epoch", epoch);
      o.put("epochs", epochs);
      o.put("iterations", iterations);
      o.put("iteration", iteration);
      number(o, "learning_rate", learningRate);
      number(o, "train_loss", trainLoss);
      metrics(o, "train", train);
      metrics(o, "validation", validation);
      number(o, "examples_per_second", examplesPerSecond);
      number(o, "seconds", seconds);
      number(o, "compute_seconds", computeSeconds);
      number(o, "coordination_seconds", coordinationSeconds);
      number(o, "elapsed_seconds", elapsedSeconds);
      return o.toString();
    }

    static Entry fromJson(JsonNode o) {
      return new Entry(o.path("epoch").asInt(), o.path("epochs").asInt(), o.path("iterations").asInt(),
          o.path("iteration").asLong(), number(o.get("learning_rate")), number(o.get("train_loss")),
          metrics(o.get("train")), metrics(o.get("validation")), number(o.get("examples_per_second")),
          number(o.get("seconds")), number(o.get("compute_seconds")), number(o.get("coordination_seconds")),
          number(o.get("elapsed_seconds")));
    }
  }

  /**
   * Appends entries to a history file, one flushed line each, so that {@code tail -f} shows the
   * run and a crash loses at most the line being written. Synced to disk on close.
   */
  public static final class Writer implements AutoCloseable {
    private final FileChannel channel;
    private final OutputStream out;

    Writer(Path file) throws IOException {
      channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      out = Channels.newOutputStream(channel);
    }

    public void append(Entry entry) {
      try {
        out.write((entry.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot write the run history: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      if (channel.isOpen()) {
        try {
          channel.force(true);
        } finally {
          out.close();
        }
      }
    }
  }

  /**
   * Reads a history file.
   *
   * @throws ModelFormatException naming the file, and the line when one is not a JSON object
   */
  public static List<Entry> read(Path file) {
    List<Entry> entries = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new ModelFormatException(file, "line " + lineNumber + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject() || !node.path("epoch").canConvertToInt() || node.path("epoch").asInt() < 1) {
          throw new ModelFormatException(file, "line " + lineNumber + ": not a history entry (no positive \"epoch\")");
        }
        entries.add(Entry.fromJson(node));
      }
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(file, "does not exist (a run writes its history only with --out)", e);
    } catch (IOException e) {
      throw new ModelFormatException(file, "cannot be read: " + e.getMessage(), e);
    }
    return entries;
  }

  private static void number(ObjectNode o, String name, double value) {
    if (Double.isFinite(value)) {
      o.put(name, value);
    } else {
      o.put(name, Double.toString(value));
    }
  }

  private static void metrics(ObjectNode o, String name, Map<String, Double> metrics) {
    if (metrics.isEmpty()) {
      return;
    }
    ObjectNode m = o.putObject(name);
    metrics.forEach((k, v) -> number(m, k, v));
  }

  private static double number(JsonNode node) {
    if (node == null || node.isNull()) {
      return Double.NaN;
    }
    return node.isTextual() ? Double.parseDouble(node.textValue()) : node.asDouble();
  }

  private static Map<String, Double> metrics(JsonNode node) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        m.put(field.getKey(), number(field.getValue()));
      }
    }
    return m;
  }
}
