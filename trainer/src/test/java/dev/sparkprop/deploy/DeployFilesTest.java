package dev.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.spark.StepSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files in deploy/ agree with each other and with the code: every template carries the
 * trainer's settings of spark-defaults.conf unchanged, those agree with what sparkprop applies
 * itself, and the scripts refuse bad arguments with one line and exit status 2.
 */
class DeployFilesTest {

  private static final Path DEPLOY = Path.of("..", "deploy");

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local.conf", "local-cluster.conf", "standalone.conf", "yarn.conf", "kubernetes.conf"})
  @DisplayName("every template sets the trainer's settings of spark-defaults.conf to the same values")
  void templatesCarryTheTrainerSettings(String template) throws IOException {
    Properties common = properties("spark-defaults.conf");
    Properties own = properties(template);
    assertTrue(common.size() >= 5, "spark-defaults.conf: " + common);
    for (String key : common.stringPropertyNames()) {
      assertEquals(common.getProperty(key), own.getProperty(key), template + ": " + key);
    }
  }

  @Test
  @DisplayName("spark-defaults.conf gives the step settings the values sparkprop applies when none are set")
  void stepSettingsAgree() throws IOException {
    Properties common = properties("spark-defaults.conf");
    StepSettings.DEFAULTS.forEach((key, value) -> assertEquals(value, common.getProperty(key), key));
  }

  @Test
  @DisplayName("local.conf gives the local-mode step settings the values sparkprop applies to a local master")
  void localStepSettingsAgree() throws IOException {
    Properties local = properties("local.conf");
    Properties common = properties("spark-defaults.conf");
    for (Map<String, String> settings : List.of(StepSettings.LOCAL_DEFAULTS, StepSettings.HANDOFF_DEFAULTS)) {
      settings.forEach((key, value) -> assertEquals(value, local.getProperty(key), key));
      settings.keySet().forEach(key -> assertFalse(common.containsKey(key), key));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"standalone.conf", "yarn.conf", "kubernetes.conf"})
  @DisplayName("every cluster template sizes its executors, authenticates, and keeps an event log")
  void clusterTemplatesCoverTheEssentials(String template) throws IOException {
    Properties p = properties(template);
    for (String key : List.of("spark.master", "spark.submit.deployMode", "spark.executor.memory",
        "spark.executor.cores", "spark.driver.memory", "spark.eventLog.dir")) {
      assertTrue(p.containsKey(key), template + " sets " + key);
    }
    assertEquals("true", p.getProperty("spark.authenticate"), template);
    assertEquals("true", p.getProperty("spark.eventLog.enabled"), template);
  }

  @Test
  @DisplayName("the Kubernetes template names an image, and the Dockerfile puts the jar where submit.sh's example says")
  void kubernetesImage() throws IOException {
    assertTrue(properties("kubernetes.conf").getProperty("spark.kubernetes.container.image", "").contains(":"));
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertTrue(dockerfile.contains("COPY trainer/target/app/sparkprop-*.jar /opt/sparkprop/sparkprop.jar"), dockerfile);
    assertTrue(Files.readString(DEPLOY.resolve("kubernetes.conf")).contains("local:///opt/sparkprop/sparkprop.jar"));
  }

  @Test
  @DisplayName("submit.sh: no arguments, a missing properties file, a main class or an unknown word exit 2 with one line")
  void submitRefusesBadArguments() throws Exception {
    assertUsageError(run("submit.sh"),
        "usage: deploy/submit.sh PROPERTIES [SPARK-SUBMIT OPTIONS] train|evaluate|predict [ARGUMENTS]");
    assertUsageError(run("submit.sh", "nowhere.conf", "train"), "submit: nowhere.conf: no such properties file");
    String local = DEPLOY.resolve("local.conf").toString();
    assertUsageError(run("submit.sh", local, "--class", "x.Y", "train"), "submit: the main class is sparkprop's; leave out --class");
    assertUsageError(run("submit.sh", local, "fit", "--data", "x"),
        "submit: expected a spark-submit option or train, evaluate or predict, not 'fit'");
  }

  @Test
  @DisplayName("local-cluster.sh: an unknown command exits 2; status of a cluster never started says stopped and exits 1")
  void localClusterCommands() throws Exception {
    assertUsageError(run("local-cluster.sh", "start"), "usage: deploy/local-cluster.sh up|down|status [RUN_DIR]");
    Result status = run("local-cluster.sh", "status", dir.toString());
    assertEquals(1, status.status(), status.toString());
    assertEquals(List.of("master    stopped", "worker-1  stopped", "worker-2  stopped"), status.out().lines().toList());
    Result down = run("local-cluster.sh", "down", dir.toString());
    assertEquals(0, down.status(), down.toString());
  }

  @Test
  @DisplayName("the scripts are executable")
  void scriptsAreExecutable() {
    assertTrue(Files.isExecutable(DEPLOY.resolve("submit.sh")));
    assertTrue(Files.isExecutable(DEPLOY.resolve("local-cluster.sh")));
  }

  private static Properties properties(String name) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(DEPLOY.resolve(name), StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return p;
  }

  private record Result(int status, String out, String err) {
    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static void assertUsageError(Result r, String line) {
    assertEquals(2, r.status(), r.toString());
    assertEquals(List.of(line), r.err().lines().toList(), r.toString());
  }

  private Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", DEPLOY.resolve(script).toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(script + " did not finish in a minute");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
