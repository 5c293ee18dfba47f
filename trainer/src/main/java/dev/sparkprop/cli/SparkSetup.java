package dev.sparkprop.cli;

import dev.sparkprop.math.Blas;
import dev.sparkprop.spark.StepSettings;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Starts Spark for a command: the master comes from {@code --master}, else from Spark's configuration, else local[*]. */
final class SparkSetup {

  private SparkSetup() {}

  static JavaSparkContext start(String master, boolean verbose) {
    if (verbose) {
      // Every logger, including those the bundled configuration quietens.
      Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.INFO);
    }
    SparkConf conf = new SparkConf().setAppName("sparkprop");
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    if (conf.get("spark.master").startsWith("local")) {
      // On a laptop there is no network to speak of: stay on loopback.
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    StepSettings.applyTo(conf);
    return new JavaSparkContext(conf);
  }

  /** One line on what runs: Spark's master and parallelism, and which BLAS the driver loaded. */
  static String describe(JavaSparkContext sc) {
    return "Spark " + sc.version() + ", master " + sc.master() + ", default parallelism " + sc.defaultParallelism()
        + "; BLAS: " + Blas.describe();
  }
}
