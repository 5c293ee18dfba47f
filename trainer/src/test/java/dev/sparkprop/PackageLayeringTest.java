package dev.sparkprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The architecture as the sources state it: kernels pure, Spark thin. Read from the imports of
 * the trainer's main sources, so a stray import fails the build rather than a review.
 */
@DisplayName("Package layering: the math knows nothing of Spark, and each package only what lies beneath it")
class PackageLayeringTest {

  private static final Path SOURCES = Path.of("src/main/java/dev/sparkprop");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.$]+)", Pattern.MULTILINE);

  /** What each package may import of ours; {@code datasets} is the module below the trainer. */
  private static final Map<String, Set<String>> MAY_USE = Map.of(
      "math", Set.of(),
      "optim", Set.of(),
      "nn", Set.of("datasets", "math"),
      "train", Set.of("datasets", "math", "nn", "optim"),
      "spark", Set.of("datasets", "math", "nn", "optim", "train"),
      "io", Set.of("datasets", "math", "nn", "optim", "train"),
      "report", Set.of("datasets", "math", "nn", "optim", "train", "io"),
      "cli", Set.of("datasets", "math", "nn", "optim", "train", "spark", "io", "report"));

  /** Spark's Scala runtime reaches the kernels only through the engine; Breeze through one adapter. */
  private static final Set<String> SPARK_PACKAGES = Set.of("spark", "cli");
  private static final Set<String> BREEZE_ADAPTER = Set.of("train/Lbfgs.java");

  @Test
  @DisplayName("every package is in the layering, and imports only the packages beneath it")
  void importsFollowTheLayers() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : sources()) {
      String pkg = SOURCES.relativize(file).getName(0).toString();
      String name = SOURCES.relativize(file).toString();
      if (!MAY_USE.containsKey(pkg)) {
        problems.add(name + ": package '" + pkg + "' has no place in the layering; add it to this test");
        continue;
      }
      for (String imported : imports(file)) {
        if (imported.startsWith("dev.sparkprop.")) {
          String target = imported.split("\\.")[2];
          if (!target.equals(pkg) && !MAY_USE.get(pkg).contains(target)) {
            problems.add(name + " imports " + imported + ": '" + pkg + "' may not use '" + target + "'");
          }
        } else if (imported.startsWith("org.apache.spark.") && !SPARK_PACKAGES.contains(pkg)) {
          problems.add(name + " imports " + imported + ": only " + SPARK_PACKAGES + " talk to Spark");
        } else if ((imported.startsWith("scala.") || imported.startsWith("breeze."))
            && !SPARK_PACKAGES.contains(pkg) && !BREEZE_ADAPTER.contains(name)) {
          problems.add(name + " imports " + imported + ": Scala stays behind the engine and the L-BFGS adapter");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  @DisplayName("the test reads real imports: the Spark engine's own are found")
  void seesImports() throws IOException {
    assertTrue(imports(SOURCES.resolve("spark/SparkEngine.java")).stream().anyMatch(i -> i.startsWith("org.apache.spark.")));
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      List<Path> files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      assertTrue(files.size() > 20, "the trainer's sources, read from the module directory: " + files.size());
      return files;
    }
  }

  private static Set<String> imports(Path file) throws IOException {
    Set<String> found = new TreeSet<>();
    Matcher m = IMPORT.matcher(Files.readString(file));
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
