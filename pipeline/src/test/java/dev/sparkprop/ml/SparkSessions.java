package dev.sparkprop.ml;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for the whole test JVM (starting one costs seconds): two cores, no
 * UI, bound to loopback. Spark stops it in its own shutdown hook.
 */
final class SparkSessions {

  private static SparkSession session;

  private SparkSessions() {}

  static synchronized SparkSession local() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("sparkprop-pipeline-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.debug.maxToStringFields", "200")
          .getOrCreate();
    }
    return session;
  }
}
