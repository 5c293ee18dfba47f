package dev.sparkprop.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;

/**
 * Spark settings for a job every few tens of milliseconds, each measured by the step benchmark
 * (benchmarks/run step). Applied only where the user's configuration says nothing.
 */
public final class StepSettings {

  /**
   * For every master.
   *
   * <ul>
   *   <li>{@code spark.task.maxDirectResultSize}: a 235,146-parameter gradient is 1.9 MB, above
   *       the 1 MB default, so every task result would detour through the block manager and a
   *       second fetch; 64 MB sends it back with the status update.</li>
   *   <li>{@code spark.broadcast.compress}: compressing a vector of doubles each iteration costs
   *       milliseconds and saves next to nothing (they are nearly incompressible).</li>
   * </ul>
   */
  public static final Map<String, String> DEFAULTS = Map.of(
      "spark.task.maxDirectResultSize", "64m",
      "spark.broadcast.compress", "false");

  /**
   * Added for a local master, where the driver and the only executor are one JVM.
   *
   * <ul>
   *   <li>{@code spark.broadcast.checksum}: Spark computes an Adler-32 sum of every broadcast
   *       block when it is written, and checks it only when an executor fetches the block from
   *       another block manager (TorrentBroadcast.readBlocks). In local mode no block is ever
   *       fetched: the tasks read the driver's own copy of the value. The sum over the 1.9 MB
   *       of parameters is computed every iteration and never read: 0.15–0.6 ms of driver
   *       time (benchmarks/run wire), 0.7–1.1 ms of step time when the two settings took turns
   *       in one context. Not for local-cluster or real clusters, where executors fetch blocks
   *       over the network and the check is worth having.</li>
   * </ul>
   */
  public static final Map<String, String> LOCAL_DEFAULTS = Map.of("spark.broadcast.checksum", "false");

  /**
   * Added for a local master whose tasks read the parameters from the driver's memory
   * ({@link LocalHandoff}, the default there).
   *
   * <ul>
   *   <li>{@code spark.broadcast.blockSize}: with no parameters to broadcast, the one broadcast
   *       left per iteration is the stage's task binary, a few KB up to about 18 KB. Spark
   *       writes every broadcast into a buffer of a whole block before copying it out
   *       (TorrentBroadcast.blockifyObject), so Spark's 4 MB blocks cost a 4 MB allocation, a
   *       humongous object for G1, on the scheduler's thread every iteration. 64 KB blocks
   *       took 1.0 ms off the step at batch 256 and 0.5 ms at 1024 (benchmarks/run blocks),
   *       and far fewer collections start. Not without the handoff: a 1.9 MB parameter vector
   *       in 64 KB pieces is 30 blocks to register, and the step took 0.6–1.8 ms longer.</li>
   * </ul>
   */
  public static final Map<String, String> HANDOFF_DEFAULTS = Map.of("spark.broadcast.blockSize", "64k");

  private StepSettings() {}

  /**
   * Whether {@code master} runs the tasks inside the driver's JVM, as Spark decides it:
   * {@code local}, {@code local[N]}, {@code local[*]} and {@code local[N,F]}, but not
   * {@code local-cluster[...]}, whose executors are separate processes.
   */
  public static boolean isLocal(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * How many tasks a local master runs at once: its threads ({@code local} 1, {@code local[N]}
   * and {@code local[N,F]} N, {@code local[*]} one per processor) over {@code spark.task.cpus};
   * 0 for any other master.
   */
  static int localTaskSlots(SparkConf conf) {
    String master = conf.get("spark.master", "");
    if (!isLocal(master)) {
      return 0;
    }
    int threads = 1;
    if (!master.equals("local")) {
      String inside = master.substring("local[".length(), master.length() - 1);
      String count = inside.split(",", 2)[0].trim();
      threads = count.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(count);
    }
    return threads / Math.max(1, conf.getInt("spark.task.cpus", 1));
  }

  /**
   * The settings sparkprop wants for {@code master}, sorted by key.
   *
   * @param handoff whether a local master's tasks get the parameters in memory ({@link LocalHandoff})
   *     rather than as a Spark broadcast; ignored for other masters
   */
  public static Map<String, String> defaultsFor(String master, boolean handoff) {
    Map<String, String> all = new TreeMap<>(DEFAULTS);
    if (isLocal(master)) {
      all.putAll(LOCAL_DEFAULTS);
      if (handoff) {
        all.putAll(HANDOFF_DEFAULTS);
      }
    }
    return all;
  }

  /** Sets each default for the configuration's master that the configuration does not already set. */
  public static SparkConf applyTo(SparkConf conf) {
    defaultsFor(conf.get("spark.master", ""), LocalHandoff.enabled(conf)).forEach(conf::setIfMissing);
    return conf;
  }
}
