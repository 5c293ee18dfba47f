package dev.sparkprop.spark;

import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * Spark settings for a job every few tens of milliseconds, each measured by the step benchmark
 * (benchmarks/run step). Applied only where the user's configuration says nothing.
 */
public final class StepSettings {

  /**
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

  private StepSettings() {}

  /** Sets each default the configuration does not already set. */
  public static SparkConf applyTo(SparkConf conf) {
    DEFAULTS.forEach(conf::setIfMissing);
    return conf;
  }
}
