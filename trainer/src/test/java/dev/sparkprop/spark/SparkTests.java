package dev.sparkprop.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One local Spark context for the whole test JVM (starting one costs seconds): two cores, no
 * UI, bound to loopback. Spark stops it in its own shutdown hook. {@code local[2,4]} lets a
 * failed task be retried up to 4 times, as on a cluster (plain {@code local[2]} fails the job at
 * the first task failure), so that the fault-injection tests can see a retry.
 */
public final class SparkTests {

  private static JavaSparkContext context;

  private SparkTests() {}

  public static synchronized JavaSparkContext context() {
    if (context == null) {
      SparkConf conf = new SparkConf()
          .setMaster("local[2,4]")
          .setAppName("sparkprop-tests")
          .set("spark.ui.enabled", "false")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.ui.showConsoleProgress", "false");
      context = new JavaSparkContext(conf);
    }
    return context;
  }
}
