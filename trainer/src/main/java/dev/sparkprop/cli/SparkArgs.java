package dev.sparkprop.cli;

import java.util.regex.Pattern;
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

  /**
   * The master URLs Spark itself knows: local mode, a local cluster, standalone, YARN and
   * Kubernetes. Anything else would fail inside Spark's start-up with a logged stack trace.
   */
  private static final Pattern MASTER = Pattern.compile(
      "local(\\[(\\*|\\d+)(,\\d+)?])?|local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*]|spark://.+|yarn|k8s://.+");

  /** Checks the values before anything starts. */
  void validate() {
    if (partitions != null && partitions <= 0) {
      throw new UsageException("--partitions must be positive, not " + partitions);
    }
    if (master != null && !MASTER.matcher(master.trim()).matches()) {
      throw new UsageException("--master '" + master + "' is not a Spark master URL: expected local, local[N],"
          + " local[*], local-cluster[N,CORES,MB], spark://HOST:PORT, yarn or k8s://HOST:PORT");
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
