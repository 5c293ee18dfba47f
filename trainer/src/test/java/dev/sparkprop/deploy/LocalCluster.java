package dev.sparkprop.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The standalone cluster of {@code deploy/local-cluster.sh}, driven as a user would drive it,
 * for the integration tests. Whatever happens to a test, nothing it started outlives it:
 * {@link #close} stops the cluster and the test's own child processes and then checks that no
 * process names the run directory; a JVM shutdown hook does the same if the test JVM is stopped
 * before it gets there.
 */
final class LocalCluster implements AutoCloseable {

  /** Child processes of this JVM still running: submissions, killed at shutdown if need be. */
  private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

  private final Path root;
  private final Path run;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalCluster(Path root, Path run) {
    this.root = root;
    this.run = run;
    this.shutdownHook = new Thread(this::stopEverything, "local-cluster teardown");
  }

  /** {@code deploy/local-cluster.sh up RUN}, with ports the system picks, so nothing collides. */
  static LocalCluster up(Path root, Path run) throws IOException, InterruptedException {
    LocalCluster cluster = new LocalCluster(root, run);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    Script up = cluster.script("up");
    if (up.status() != 0) {
      cluster.close();
      throw new AssertionError("local-cluster.sh up failed:\n" + up);
    }
    return cluster;
  }

  Path run() {
    return run;
  }

  /** The properties to submit with, written by {@code up}. */
  Path sparkConf() {
    return run.resolve("spark.conf");
  }

  String status() throws IOException, InterruptedException {
    return script("status").out();
  }

  /** The worker (1 or 2) that ran executor {@code executorId} of {@code appId}, from its work directory. */
  int workerOf(String appId, String executorId) {
    for (int w = 1; w <= 2; w++) {
      if (Files.isDirectory(run.resolve("worker-" + w).resolve("work").resolve(appId).resolve(executorId))) {
        return w;
      }
    }
    throw new AssertionError("no worker has a work directory for executor " + executorId + " of " + appId);
  }

  /** The work directory of a cluster-mode driver, found on whichever worker ran it. */
  Path driverDirectory(String driverId) {
    for (int w = 1; w <= 2; w++) {
      Path dir = run.resolve("worker-" + w).resolve("work").resolve(driverId);
      if (Files.isDirectory(dir)) {
        return dir;
      }
    }
    throw new AssertionError("no worker has a work directory for " + driverId);
  }

  /**
   * Kills worker {@code w} and every JVM it launched at once, with SIGKILL, as if its machine had
   * died: no shutdown hook runs and no executor says goodbye.
   */
  void killWorker(int w) throws IOException {
    long pid = Long.parseLong(Files.readString(run.resolve("worker-" + w).resolve("pid")).trim());
    ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("worker-" + w + " is not running"));
    List<ProcessHandle> all = new ArrayList<>(worker.descendants().toList());
    all.add(worker);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      p.onExit().join();
    }
  }

  /** Starts {@code deploy/submit.sh ARGS} in {@code dir}; its output goes to NAME.out and NAME.err there. */
  Submission submit(Path dir, String name, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("deploy/submit.sh").toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile());
    clean(pb.environment());
    Process p = pb.start();
    CHILDREN.add(p);
    return new Submission(p, dir.resolve(name + ".out"), dir.resolve(name + ".err"));
  }

  /** A submission in progress. */
  record Submission(Process process, Path out, Path err) {

    String stdout() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits for the exit status; past the timeout, kills the submission and fails. */
    int await(long minutes) throws InterruptedException, IOException {
      try {
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
          throw new AssertionError("submission still running after " + minutes + " minutes:\n" + this);
        }
        return process.exitValue();
      } finally {
        destroyTree(process);
        CHILDREN.remove(process);
      }
    }

    /** Waits until standard output has a line that starts with {@code prefix}, or the process ended. */
    boolean awaitLine(String prefix, long minutes) throws InterruptedException, IOException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      while (System.nanoTime() < deadline) {
        if (stdout().lines().anyMatch(l -> l.startsWith(prefix))) {
          return true;
        }
        if (!process.isAlive()) {
          return false;
        }
        Thread.sleep(50);
      }
      return false;
    }

    @Override
    public String toString() {
      try {
        String err = stderr();
        return "--- stdout\n" + stdout() + "\n--- stderr (last 4,000 characters)\n"
            + err.substring(Math.max(0, err.length() - 4000));
      } catch (IOException e) {
        return "(output unreadable: " + e + ")";
      }
    }
  }

  /**
   * Stops the cluster and the test's child processes, then fails if any process still names
   * the run directory: a daemon, an executor, a driver or a submission.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to; it does the same work.
    }
    List<String> left = processesNaming(run.getParent());
    if (!left.isEmpty()) {
      throw new AssertionError("processes left behind:\n" + String.join("\n", left));
    }
  }

  private void stopEverything() {
    CHILDREN.forEach(LocalCluster::destroyTree);
    CHILDREN.clear();
    try {
      Script down = script("down");
      if (down.status() != 0) {
        System.err.println("local-cluster.sh down failed:\n" + down);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every live process whose command line mentions {@code dir}, as "pid command". */
  static List<String> processesNaming(Path dir) {
    String name = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> p.info().commandLine().map(c -> c.contains(name)).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .toList();
  }

  private static void destroyTree(Process p) {
    Stream.concat(p.descendants(), Stream.of(p.toHandle())).forEach(ProcessHandle::destroyForcibly);
  }

  private record Script(int status, String out) {
    @Override
    public String toString() {
      return "exit " + status + "\n" + out;
    }
  }

  private Script script(String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("deploy/local-cluster.sh").toString(), command, run.toString())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    clean(env);
    env.put("SPARKPROP_MASTER_PORT", "0");
    env.put("SPARKPROP_MASTER_UI_PORT", "0");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      destroyTree(p);
      return new Script(-1, out + "\n(timed out)");
    }
    return new Script(p.exitValue(), out);
  }

  /** Spark from the build, not from a distribution the machine may have, and loopback only. */
  private static void clean(Map<String, String> env) {
    env.remove("SPARK_HOME");
    env.remove("SPARK_CONF_DIR");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
  }
}
