package dev.sparkprop.cli;

import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/** The options every command shares for running Spark, and what follows from them. */
final class SparkArgs {

  @Option(names = "--partitions", paramLabel = "N", description = "Spark partitions of the data (default: Spark's default parallelism).")
  Integer partitions;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: from Spark's configuration, else local[*]).")
  String master;

  @Option(names = "--verbose", description = "Show Spark's logs and full stack traces.")
  boolean verbose;

  /** Checks the values before anything starts. */
  void validate() {
    if (partitions != null && partitions <= 0) {
      throw new UsageException("--partitions must be positive, not " + partitions);
    }
  }

  JavaSparkContext start() {
    return SparkSetup.start(master, verbose);
  }

  /** {@code --partitions}, or Spark's default parallelism (one per core in local mode). */
  int partitions(JavaSparkContext sc) {
    return partitions != null ? partitions : sc.defaultParallelism();
  }
}
