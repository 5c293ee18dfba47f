package dev.sparkprop.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Spark application's event log (uncompressed JSON lines, one event a line, in the order the
 * driver saw them): which executor ran which task, which executors were lost, and where each
 * cached block was stored.
 */
final class EventLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> events;

  private EventLog(List<JsonNode> events) {
    this.events = events;
  }

  /** The one finished application log in {@code dir}. */
  static EventLog readOnlyLogIn(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.list(dir)) {
      logs = files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith("app-")).toList();
    }
    if (logs.size() != 1 || logs.get(0).toString().endsWith(".inprogress")) {
      throw new AssertionError("expected one finished event log in " + dir + ", found " + logs);
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(logs.get(0))) {
      if (!line.isBlank()) {
        events.add(JSON.readTree(line));
      }
    }
    return new EventLog(events);
  }

  String appId() {
    return events.stream().filter(e -> is(e, "SparkListenerApplicationStart")).findFirst()
        .map(e -> e.get("App ID").asText()).orElseThrow(() -> new AssertionError("no application start event"));
  }

  /** Successful tasks per executor id. */
  Map<String, Integer> successfulTasksByExecutor() {
    Map<String, Integer> tasks = new TreeMap<>();
    for (JsonNode e : events) {
      if (is(e, "SparkListenerTaskEnd") && e.at("/Task End Reason/Reason").asText().equals("Success")) {
        tasks.merge(e.at("/Task Info/Executor ID").asText(), 1, Integer::sum);
      }
    }
    return tasks;
  }

  /** Position of the first event that removes executor {@code id}, or -1. */
  int removal(String id) {
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if (is(e, "SparkListenerExecutorRemoved") && e.get("Executor ID").asText().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** A block stored in memory on an executor, and the position of that event in the log. */
  record Stored(int position, String executor, String block) {}

  /** Every block an executor stored in memory (needs spark.eventLog.logBlockUpdates.enabled). */
  List<Stored> storedBlocks() {
    List<Stored> stored = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if (is(e, "SparkListenerBlockUpdated") && e.at("/Block Updated Info/Memory Size").asLong() > 0) {
        stored.add(new Stored(i, e.at("/Block Updated Info/Block Manager ID/Executor ID").asText(),
            e.at("/Block Updated Info/Block ID").asText()));
      }
    }
    return stored;
  }

  private static boolean is(JsonNode event, String type) {
    return event.path("Event").asText().equals(type);
  }
}
