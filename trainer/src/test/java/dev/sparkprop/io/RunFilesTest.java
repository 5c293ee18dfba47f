package dev.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's files appear at the destination all at once with the model, or not at all. */
class RunFilesTest {

  @TempDir
  Path dir;

  private static RunHistory.Entry entry(int epoch) {
    return new RunHistory.Entry(epoch, 3, 10, 10L * epoch, 0.001, 1.0 / epoch,
        Map.of("loss", 0.9 / epoch, "accuracy", 0.5 + 0.1 * epoch),
        epoch == 2 ? Map.of("loss", Double.NaN) : Map.of("loss", 1.1 / epoch, "accuracy", 0.4 + 0.1 * epoch),
        1000.0 * epoch, 2.0, 0.5, 1.5, 2.0 * epoch);
  }

  @Test
  @DisplayName("history lines are visible in the hidden directory as each epoch ends, and move into place with the model")
  void historyGrowsThenCommits() throws IOException {
    Path out = dir.resolve("model");
    try (RunFiles run = RunFiles.stage(out)) {
      run.history().append(entry(1));
      Path staged = hiddenSiblings().stream().filter(Files::isDirectory).findFirst().orElseThrow();
      // Flushed per line: a reader sees the first epoch while the run goes on.
      assertEquals(1, Files.readAllLines(staged.resolve(RunFiles.HISTORY)).size());
      assertFalse(Files.exists(out));
      run.history().append(entry(2));
      run.history().append(entry(3));
      run.write(RunFiles.EVALUATION, "{}\n".getBytes());
      run.commit(ModelFileTest.randomModel(1), false);
    }
    assertEquals(List.of(), hiddenSiblings());
    assertEquals(List.of(entry(1), entry(2), entry(3)), RunHistory.read(out.resolve(RunFiles.HISTORY)));
    assertTrue(Files.exists(out.resolve(RunFiles.EVALUATION)));
    Model loaded = ModelFile.load(out);
    assertArrayEquals(ModelFileTest.randomModel(1).parameters(), loaded.parameters());
  }

  @Test
  @DisplayName("a run that fails before its commit leaves nothing: no model directory, no hidden directory")
  void failureLeavesNothing() throws IOException {
    Path out = dir.resolve("model");
    assertThrows(IllegalStateException.class, () -> {
      try (RunFiles run = RunFiles.stage(out)) {
        run.history().append(entry(1));
        throw new IllegalStateException("training diverged");
      }
    });
    assertFalse(Files.exists(out));
    assertEquals(List.of(), hiddenSiblings());
  }

  @Test
  @DisplayName("--overwrite replaces an earlier run's directory with its history and report, but nothing else")
  void overwriteKnowsTheRunFiles() throws IOException {
    Path out = dir.resolve("model");
    try (RunFiles run = RunFiles.stage(out)) {
      run.history().append(entry(1));
      run.commit(ModelFileTest.randomModel(1), false);
    }
    Files.createDirectories(out.resolve(RunFiles.REPORT));
    Files.writeString(out.resolve(RunFiles.REPORT).resolve("report.html"), "<html></html>");
    try (RunFiles run = RunFiles.stage(out)) {
      run.history().append(entry(1));
      run.history().append(entry(2));
      run.commit(ModelFileTest.randomModel(2), true);
    }
    assertEquals(2, RunHistory.read(out.resolve(RunFiles.HISTORY)).size());
    assertFalse(Files.exists(out.resolve(RunFiles.REPORT)));

    Files.writeString(out.resolve("notes.txt"), "mine");
    try (RunFiles run = RunFiles.stage(out)) {
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> run.commit(ModelFileTest.randomModel(3), true));
      assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }
    assertEquals(2, RunHistory.read(out.resolve(RunFiles.HISTORY)).size());
    assertEquals(List.of(), hiddenSiblings());
  }

  @Test
  @DisplayName("a history line that is not an epoch's object is reported with its file and line")
  void badLine() throws IOException {
    Path file = dir.resolve(RunFiles.HISTORY);
    Files.writeString(file, entry(1).toJson() + "\n{\"epoch\": \n");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> RunHistory.read(file));
    assertTrue(e.getMessage().contains(RunFiles.HISTORY) && e.getMessage().contains("line 2"), e.getMessage());
  }

  private List<Path> hiddenSiblings() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }
}
