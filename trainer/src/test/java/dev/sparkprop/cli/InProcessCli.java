package dev.sparkprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs many command lines one after another inside one JVM, through {@link Main#run}, which
 * returns the exit status instead of exiting. A JVM that starts Spark costs seconds; after the
 * first command, each further Spark context starts in a fraction of that. Each command still
 * gets its own Spark context, as it would from the shell.
 *
 * <p>Usage: {@code InProcessCli CASES RESULTS}, run in the directory the commands work in.
 * CASES is a JSON array of argument arrays. RESULTS receives, per command, a JSON object with its
 * exit status, stdout, stderr, the paths (relative to the working directory) that the command
 * created or removed, and the seconds it took.
 */
final class InProcessCli {

  private InProcessCli() {}

  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    String[][] cases = json.readValue(Path.of(args[0]).toFile(), String[][].class);
    Path results = Path.of(args[1]);
    Path workDir = Path.of("").toAbsolutePath();
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    List<Map<String, Object>> out = new ArrayList<>();
    for (String[] command : cases) {
      Set<String> before = listing(workDir);
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      int status;
      long start = System.nanoTime();
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      try {
        status = Main.run(command);
      } catch (Throwable t) {
        // Main.run must not throw; record it as a status no command returns.
        t.printStackTrace(System.err);
        status = -1;
      } finally {
        System.out.flush();
        System.err.flush();
        System.setOut(realOut);
        System.setErr(realErr);
      }
      Set<String> after = listing(workDir);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("status", status);
      result.put("out", stdout.toString(StandardCharsets.UTF_8));
      result.put("err", stderr.toString(StandardCharsets.UTF_8));
      result.put("created", difference(after, before));
      result.put("removed", difference(before, after));
      result.put("seconds", (System.nanoTime() - start) / 1e9);
      out.add(result);
    }
    json.writerWithDefaultPrettyPrinter().writeValue(results.toFile(), out);
  }

  /** Every file and directory under {@code root}, hidden ones included, as relative paths. */
  static Set<String> listing(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      Set<String> names = new TreeSet<>();
      paths.filter(p -> !p.equals(root)).forEach(p -> names.add(root.relativize(p).toString()));
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> difference(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return List.copyOf(d);
  }
}
