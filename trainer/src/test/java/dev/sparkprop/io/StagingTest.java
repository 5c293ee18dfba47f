package dev.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged directory is swept by the next save beside it once its writer is gone, and never
 * while the writer lives, in this process or another.
 */
class StagingTest {

  @TempDir
  Path dir;

  /** Stages a run at {@code args[0]}, prints the hidden directory, and holds it until stdin closes. */
  public static final class Writer {
    public static void main(String[] args) throws IOException {
      Path out = Path.of(args[0]);
      try (RunFiles run = RunFiles.stage(out)) {
        try (Stream<Path> files = Files.list(out.toAbsolutePath().getParent())) {
          System.out.println(files.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith("."))
              .findFirst().orElseThrow());
        }
        System.out.flush();
        while (System.in.read() >= 0) {
          // Held until the test closes stdin or kills this process.
        }
      }
    }
  }

  @Test
  @DisplayName("another process's live staging is left alone; once that process is killed, the next staging sweeps it")
  void killedWritersAreSwept() throws Exception {
    Path out = dir.resolve("model");
    Process writer = startWriter(out);
    try {
      Path theirs = stagedBy(writer);
      try (RunFiles live = RunFiles.stage(out)) {
        assertTrue(Files.isDirectory(theirs), "a live writer's directory is kept");
        assertEquals(4, hidden().size(), "two directories and their lock files: " + hidden());
      }
      writer.destroyForcibly();
      assertTrue(writer.waitFor(1, TimeUnit.MINUTES));
      assertTrue(Files.isDirectory(theirs), "killed: nothing cleaned up after it");
      try (RunFiles next = RunFiles.stage(out)) {
        assertFalse(Files.exists(theirs), "swept by the next staging");
        assertEquals(2, hidden().size(), "only the new directory and its lock file: " + hidden());
      }
      assertEquals(List.of(), hidden());
    } finally {
      writer.destroyForcibly();
    }
  }

  @Test
  @DisplayName("this process's own live staging is not swept, by itself or, after that, by another process;"
      + " neither is a directory without a lock file")
  void liveAndUnmarkedDirectoriesStay() throws Exception {
    Path out = dir.resolve("model");
    Path unmarked = Files.createDirectory(dir.resolve(".model.tmp-unmarked"));
    try (RunFiles first = RunFiles.stage(out)) {
      Path ours = hidden().stream().filter(p -> Files.isDirectory(p) && !p.equals(unmarked)).findFirst().orElseThrow();
      try (RunFiles second = RunFiles.stage(out)) {
        assertEquals(5, hidden().size(), "two staged directories, their lock files, the unmarked one: " + hidden());
        second.commit(ModelFileTest.randomModel(1), false);
      }
      assertEquals(3, hidden().size(), "the first run's directory and lock, the unmarked one: " + hidden());
      // The second staging's sweep must not have touched the first one's lock file: closing any
      // channel on it would have released this process's lock.
      Process writer = startWriter(dir.resolve("model"));
      try {
        stagedBy(writer);
        assertTrue(Files.isDirectory(ours), "another process's sweep leaves a live run's directory");
        writer.getOutputStream().close(); // the writer closes its run, which discards its directory
        assertTrue(writer.waitFor(1, TimeUnit.MINUTES));
      } finally {
        writer.destroyForcibly();
      }
    }
    assertEquals(List.of(unmarked), hidden());
  }

  private static Process startWriter(Path out) throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Writer.class.getName(), out.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The directory {@code writer} staged, once it has. */
  private static Path stagedBy(Process writer) throws IOException {
    String line = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertTrue(line != null, "the writer staged nothing");
    return Path.of(line);
  }

  @Test
  @DisplayName("a lock file left without its directory (killed between the rename and the release) is swept")
  void anOrphanLockFileIsSwept() throws IOException {
    Files.createFile(dir.resolve(".model.tmp-orphan.lock"));
    Files.createFile(dir.resolve(".other.tmp-orphan.lock"));
    ModelFile.save(ModelFileTest.randomModel(1), dir.resolve("model"), false);
    assertEquals(List.of(dir.resolve(".other.tmp-orphan.lock")), hidden(), "only this destination's are swept");
  }

  private List<Path> hidden() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }
}
