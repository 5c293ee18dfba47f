package dev.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * sparkprop on a real Spark standalone cluster: a master and two workers, each its own JVM,
 * started by {@code deploy/local-cluster.sh}, and the application jar handed to it by
 * {@code deploy/submit.sh}, exactly as the deploy README tells a user. Training on a cluster
 * must give, bit for bit, the parameters that local mode gives with the same seed and
 * partitions, also when a worker dies mid-run: the default deterministic reduction adds the
 * partitions' sums in partition order, whichever executor computed them and whenever.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {

  /** Small and quick: the built-in digits, 4 epochs of 10 iterations, one partition per executor. */
  private static final List<String> TRAIN =
      List.of("train", "--data", "digits", "--partitions", "2", "--epochs", "4", "--seed", "7");
  /** A generous bound for one submission on a busy 2-core machine; a normal one takes well under a minute. */
  private static final long MINUTES = 10;

  private final Path root = Path.of("..").toAbsolutePath().normalize();
  private Path dir;
  private LocalCluster cluster;
  private double[] localMode;
  private double[] clientMode;

  @BeforeAll
  void up() throws Exception {
    dir = Path.of("target", "local-cluster-it").toAbsolutePath();
    List<String> stale = LocalCluster.processesNaming(dir);
    assertTrue(stale.isEmpty(), () -> "processes of an earlier run are still alive; stop them with"
        + " deploy/local-cluster.sh down " + dir.resolve("cluster") + "\n" + String.join("\n", stale));
    deleteRecursively(dir);
    Files.createDirectories(dir);
    cluster = LocalCluster.up(root, dir.resolve("cluster"));
  }

  @AfterAll
  void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("up starts a master and two workers as separate JVMs, each with its pid file and log")
  void clusterIsUp() throws Exception {
    String status = cluster.status();
    for (String daemon : List.of("master", "worker-1", "worker-2")) {
      assertTrue(status.lines().anyMatch(l -> l.startsWith(daemon) && l.contains("running")), status);
      assertTrue(Files.size(cluster.run().resolve(daemon).resolve("log")) > 0, daemon + " has a log");
    }
    Set<String> pids = Stream.of("master", "worker-1", "worker-2")
        .map(d -> read(cluster.run().resolve(d).resolve("pid"))).collect(Collectors.toSet());
    assertEquals(3, pids.size(), "three processes: " + pids);
  }

  @Test
  @Order(2)
  @DisplayName("client deploy mode: tasks run on both workers, and the parameters are local mode's, bit for bit")
  void clientDeployMode() throws Exception {
    assertSameBits(localMode(), clientMode(), "client deploy mode against local mode");
  }

  @Test
  @Order(3)
  @DisplayName("cluster deploy mode: the driver runs on a worker, writes the model, and trains the same parameters, bit for bit")
  void clusterDeployMode() throws Exception {
    Path out = dir.resolve("models/cluster");
    Path events = eventDirectory("cluster");
    LocalCluster.Submission submission = cluster.submit(dir, "cluster",
        submitArguments(events, List.of("--deploy-mode", "cluster"), out));
    assertEquals(0, submission.await(MINUTES), submission::toString);

    // spark-submit's exit status says only that it submitted: the driver's own output decides.
    Matcher id = Pattern.compile("submitted as (driver-\\S+)").matcher(submission.stderr());
    assertTrue(id.find(), submission::toString);
    assertTrue(submission.stderr().contains(id.group(1) + " is FINISHED"), submission::toString);
    String driverOut = read(cluster.driverDirectory(id.group(1)).resolve("stdout"));
    assertTrue(driverOut.contains("model saved to " + out), driverOut);

    assertTasksOnBothWorkers(EventLog.readOnlyLogIn(events));
    assertSameBits(localMode(), ModelFile.load(out).parameters(), "cluster deploy mode against local mode");
  }

  @Test
  @Order(4)
  @DisplayName("a worker killed mid-run: Spark recomputes its cached shard elsewhere, and the parameters do not change")
  void workerLostMidRun() throws Exception {
    double[] faultFree = clientMode();
    Path out = dir.resolve("models/worker-lost");
    Path events = eventDirectory("worker-lost");
    List<String> options = List.of("--conf", "spark.eventLog.logBlockUpdates.enabled=true");
    LocalCluster.Submission submission = cluster.submit(dir, "worker-lost", submitArguments(events, options, out));

    // The plan line comes after the data are cached on both executors and before the first step.
    assertTrue(submission.awaitLine("plan:", MINUTES), submission::toString);
    cluster.killWorker(2);
    assertFalse(submission.stdout().contains("\ntest:"),
        "the run ended before the worker was killed; it needs more epochs to be a test\n" + submission);
    assertEquals(0, submission.await(MINUTES), submission::toString);
    assertTrue(submission.stdout().contains("model saved to " + out), submission::toString);

    EventLog log = EventLog.readOnlyLogIn(events);
    String app = log.appId();
    List<EventLog.Stored> stored = log.storedBlocks();
    Set<String> lost = stored.stream().map(EventLog.Stored::executor)
        .filter(e -> !e.equals("driver") && cluster.workerOf(app, e) == 2)
        .collect(Collectors.toCollection(TreeSet::new));
    assertFalse(lost.isEmpty(), "worker 2's executor cached nothing: " + stored);
    for (String executor : lost) {
      int removed = log.removal(executor);
      assertTrue(removed >= 0, "executor " + executor + " on the killed worker was never removed");
      // The shards of the training data: the blocks of the newest cached RDD the lost executor held.
      List<String> shards = newestRddBlocks(stored.stream()
          .filter(s -> s.executor().equals(executor) && s.position() < removed).map(EventLog.Stored::block).toList());
      assertFalse(shards.isEmpty(), "executor " + executor + " cached no RDD block: " + stored);
      for (String shard : shards) {
        assertTrue(stored.stream().anyMatch(s -> s.position() > removed && s.block().equals(shard)
                && !s.executor().equals("driver") && cluster.workerOf(app, s.executor()) == 1),
            shard + " was not rebuilt on worker 1 after executor " + executor + " was lost: " + stored);
      }
    }
    assertSameBits(faultFree, ModelFile.load(out).parameters(), "a run that lost a worker against the fault-free run");
  }

  /** The same run in local mode, through the same script: the reference every cluster run must match. */
  private double[] localMode() throws Exception {
    if (localMode == null) {
      Path out = dir.resolve("models/local");
      List<String> args = new ArrayList<>(List.of(root.resolve("deploy/local.conf").toString(), "--master", "local[2]"));
      args.addAll(TRAIN);
      args.addAll(List.of("--out", out.toString()));
      LocalCluster.Submission submission = cluster.submit(dir, "local", args);
      assertEquals(0, submission.await(MINUTES), submission::toString);
      localMode = ModelFile.load(out).parameters();
    }
    return localMode;
  }

  /** The fault-free run in client deploy mode; checks where its tasks ran. */
  private double[] clientMode() throws Exception {
    if (clientMode == null) {
      Path out = dir.resolve("models/client");
      Path events = eventDirectory("client");
      LocalCluster.Submission submission = cluster.submit(dir, "client", submitArguments(events, List.of(), out));
      assertEquals(0, submission.await(MINUTES), submission::toString);
      assertTrue(submission.stdout().contains("master spark://127.0.0.1:"), submission::toString);
      assertTrue(submission.stdout().contains("model saved to " + out), submission::toString);
      assertTasksOnBothWorkers(EventLog.readOnlyLogIn(events));
      Model model = ModelFile.load(out);
      assertEquals(2, ((Number) model.training().get("partitions")).intValue());
      clientMode = model.parameters();
    }
    return clientMode;
  }

  private List<String> submitArguments(Path events, List<String> options, Path out) {
    List<String> args = new ArrayList<>();
    args.add(cluster.sparkConf().toString());
    args.addAll(options);
    // One event log directory per run, so each run's log is the only file in it.
    args.addAll(List.of("--conf", "spark.eventLog.dir=file://" + events, "--conf", "spark.ui.enabled=false"));
    args.addAll(TRAIN);
    args.addAll(List.of("--out", out.toString()));
    return args;
  }

  private Path eventDirectory(String name) throws IOException {
    return Files.createDirectories(dir.resolve("events-" + name));
  }

  private void assertTasksOnBothWorkers(EventLog log) {
    String app = log.appId();
    Map<String, Integer> tasks = log.successfulTasksByExecutor();
    Set<Integer> workers = tasks.keySet().stream().map(e -> cluster.workerOf(app, e)).collect(Collectors.toSet());
    assertEquals(Set.of(1, 2), workers, "successful tasks per executor: " + tasks);
  }

  /** Of blocks named rdd_R_P, those of the largest R (the RDD created last). */
  private static List<String> newestRddBlocks(List<String> blocks) {
    Pattern rdd = Pattern.compile("rdd_(\\d+)_\\d+");
    int newest = blocks.stream().map(rdd::matcher).filter(Matcher::matches)
        .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(-1);
    return blocks.stream().filter(b -> b.startsWith("rdd_" + newest + "_")).distinct().toList();
  }

  /** Equal bit for bit; otherwise the message gives the largest difference over the largest magnitude. */
  private static void assertSameBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    if (!Arrays.equals(expected, actual)) {
      double scale = 0.0;
      double worst = 0.0;
      for (int i = 0; i < expected.length; i++) {
        scale = Math.max(scale, Math.abs(expected[i]));
        worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
      }
      throw new AssertionError(what + ": parameters differ; largest difference " + worst + " over largest magnitude " + scale);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
