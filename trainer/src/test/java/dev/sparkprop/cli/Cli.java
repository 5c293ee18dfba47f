package dev.sparkprop.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command line in a child JVM, as a user would: its own Spark, its own exit status,
 * its own stdout and stderr. The child gets this JVM's class path and the launcher's JVM flags.
 */
final class Cli {

  record Result(int status, String out, String err) {
    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, Main.class, 5, args);
  }

  /** Runs {@code main} (a class with a main method on this JVM's class path) in a child JVM. */
  static Result run(Path workDir, Class<?> main, int minutes, String... args) throws IOException, InterruptedException {
    Started started = start(workDir, main, args);
    Process p = started.process();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args) + " did not finish in " + minutes + " minutes");
    }
    return started.result();
  }

  /** A child JVM running the command line, and where its output goes. */
  record Started(Process process, Path out, Path err) {
    /** The exit status and output, once the process has ended. */
    Result result() throws IOException {
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    }
  }

  /** Starts the command line in a child JVM and returns at once, for tests that stop it themselves. */
  static Started start(Path workDir, String... args) throws IOException {
    return start(workDir, Main.class, args);
  }

  private static Started start(Path workDir, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(jvmOptions());
    // Spark's scratch directories go under the build's target, not the machine's /tmp: a child
    // the test kills never runs Spark's shutdown hook, and would leave them behind for good.
    // (Spark puts them in java.io.tmpdir unless spark.local.dir says otherwise, and setting that
    // prints a warning onto the stderr the tests read.)
    command.add("-Djava.io.tmpdir=" + Files.createDirectories(Path.of("target", "spark-scratch")).toAbsolutePath());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(Arrays.asList(args));
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    return new Started(pb.start(), out, err);
  }

  /** The flags the launcher passes, from the file the build generates from the parent pom. */
  private static List<String> jvmOptions() throws IOException {
    Path file = Path.of("target", "launcher", "jvm-options");
    if (!Files.exists(file)) {
      throw new IllegalStateException("missing " + file.toAbsolutePath() + "; run the build through Maven");
    }
    return Arrays.asList(Files.readString(file).trim().split("\\s+"));
  }

}
