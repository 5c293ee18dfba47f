package dev.sparkprop.bench;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.Reduction;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.train.GradientSum;
import dev.sparkprop.train.Shard;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark step, taken apart: per-iteration wall time of the real step, split into the
 * slowest partition's compute and everything else (coordination), next to an empty Spark job
 * and the bare broadcast + treeReduce of a parameter-sized vector, all in the same context.
 */
final class StepSuite {

  static final int PARTITIONS = 2;
  static final int WARMUP = 20;
  static final int REPEATS = 60;
  static final Architecture NETWORK =
      new Architecture(new int[] {784, 256, 128, 10}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);

  private StepSuite() {}

  /** A Spark configuration and how gradients travel. */
  private record Variant(String name, Precision precision, boolean float32Wire, String... settings) {}

  static void run(Path results) {
    Report report = new Report("Spark step, local[2], 784-256-128-10 (235,146 parameters), median of " + REPEATS,
        "configuration", "batch", "step ms", "compute ms", "coordination ms", "empty job ms",
        "bare broadcast+treeReduce ms", "coordination / empty job");
    String[] tuned = BenchData.launcherSettings();
    List<Variant> variants = List.of(
        new Variant("Spark defaults", Precision.FLOAT64, false),
        new Variant("maxDirectResultSize 64m", Precision.FLOAT64, false, "spark.task.maxDirectResultSize", "64m"),
        new Variant("+ broadcast.compress false (the launcher's settings)", Precision.FLOAT64, false, tuned),
        new Variant("launcher's settings + broadcast.checksum false", Precision.FLOAT64, false,
            concat(tuned, "spark.broadcast.checksum", "false")),
        new Variant("launcher's settings + float32 gradients", Precision.FLOAT64, true, tuned),
        new Variant("launcher's settings + --precision float32", Precision.FLOAT32, true, tuned));
    for (Variant v : variants) {
      try (JavaSparkContext sc = BenchData.spark("local[" + PARTITIONS + "]", v.settings())) {
        PreparedData data = BenchData.fashion(sc, PARTITIONS);
        double empty = emptyJob(sc);
        double bare = bareStep(sc, NETWORK.layout().size());
        for (int batch : new int[] {256, 1024}) {
          double[] step = step(sc, data, batch, v.precision(), v.float32Wire());
          report.row(v.name(), batch, step[0], step[1], step[0] - step[1], empty, bare, (step[0] - step[1]) / empty);
        }
        data.release();
      }
    }
    report.note("step = one engine.gradient call (broadcast θ, forward+backward on each partition's share of the batch, "
        + "treeReduce, destroy); compute = the slowest partition's kernel time; coordination = step − compute. "
        + "The optimizer update on the driver is not included (about 1 ms for Adam on 235,146 parameters).");
    report.publish(results, "step");
    reduction(results);
  }

  /**
   * The deterministic reduction against Spark's treeReduce, in one context, the two engines
   * taking turns iteration by iteration so that the load of a shared machine falls on both alike.
   */
  static void reduction(Path results) {
    Report report = new Report("Reduction modes, local[2], launcher's settings, 784-256-128-10, median of " + REPEATS
        + " iterations each, the two modes alternating", "partitions", "batch", "arrival (treeReduce) step ms",
        "deterministic (collect, partition order) step ms", "difference ms", "difference %");
    String[] tuned = BenchData.launcherSettings();
    try (JavaSparkContext sc = BenchData.spark("local[" + PARTITIONS + "]", tuned)) {
      for (int partitions : new int[] {PARTITIONS, 8}) {
        PreparedData data = BenchData.fashion(sc, partitions);
        for (int batch : new int[] {256, 1024}) {
          double[] ms = alternating(sc, data, batch);
          report.row(partitions, batch, ms[0], ms[1], ms[1] - ms[0], 100 * (ms[1] - ms[0]) / ms[0]);
        }
        data.release();
      }
    }
    report.note("treeReduce uses depth 1 up to 4 partitions and depth 2 (a shuffle stage) beyond; the deterministic "
        + "mode always collects one sum per partition and adds them on the driver in partition order.");
    report.publish(results, "reduction");
  }

  /** {median arrival ms, median deterministic ms}, the two engines alternating. */
  private static double[] alternating(JavaSparkContext sc, PreparedData data, int batch) {
    double[] params = Initializer.initialize(NETWORK, 1);
    Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), batch);
    double[][] wall = new double[2][REPEATS];
    try (SparkEngine arrival = new SparkEngine(sc, data, NETWORK, 10, Precision.FLOAT64, false, Reduction.ARRIVAL);
        SparkEngine fixed = new SparkEngine(sc, data, NETWORK, 10, Precision.FLOAT64, false, Reduction.DETERMINISTIC)) {
      SparkEngine[] engines = {arrival, fixed};
      for (int i = -WARMUP; i < REPEATS; i++) {
        for (int e = 0; e < 2; e++) {
          // Which goes first alternates too, in case the second job of a pair is systematically faster.
          int k = Math.floorMod(i, 2) == 0 ? e : 1 - e;
          long t = System.nanoTime();
          engines[k].gradient(params, batching, 0, Math.floorMod(i, batching.batches()));
          if (i >= 0) {
            wall[k][i] = (System.nanoTime() - t) / 1e6;
          }
        }
      }
    }
    return new double[] {BenchData.median(wall[0]), BenchData.median(wall[1])};
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** A job of one trivial task per partition over a cached RDD: Spark's fixed cost per job. */
  static double emptyJob(JavaSparkContext sc) {
    JavaRDD<Integer> ids = sc.parallelize(List.of(0, 1), PARTITIONS).persist(StorageLevel.MEMORY_ONLY());
    ids.count();
    double[] ms = new double[REPEATS];
    for (int i = -WARMUP; i < REPEATS; i++) {
      long t = System.nanoTime();
      ids.foreachPartition(it -> {});
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
    }
    ids.unpersist();
    return BenchData.median(ms);
  }

  /** Broadcast a parameter-sized vector, return a zero vector of that size from each partition, sum them, destroy. */
  static double bareStep(JavaSparkContext sc, int size) {
    JavaRDD<Integer> ids = sc.parallelize(List.of(0, 1), PARTITIONS).persist(StorageLevel.MEMORY_ONLY());
    ids.count();
    double[] params = new double[size];
    double[] ms = new double[REPEATS];
    for (int i = -WARMUP; i < REPEATS; i++) {
      long t = System.nanoTime();
      Broadcast<double[]> b = sc.broadcast(params);
      double[] sum = ids.mapPartitions(it -> List.of(new double[b.value().length]).iterator())
          .treeReduce((x, y) -> {
            for (int k = 0; k < x.length; k++) {
              x[k] += y[k];
            }
            return x;
          }, 1);
      b.destroy();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
      if (sum.length != size) {
        throw new AssertionError();
      }
    }
    ids.unpersist();
    return BenchData.median(ms);
  }

  /** {median step ms, median compute ms} of the real step at this batch size. */
  static double[] step(JavaSparkContext sc, PreparedData data, int batch, Precision precision, boolean float32) {
    double[] params = Initializer.initialize(NETWORK, 1);
    Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), batch);
    double[] wall = new double[REPEATS];
    double[] compute = new double[REPEATS];
    // Spark's treeReduce, as these rows were measured before the deterministic reduction existed.
    try (SparkEngine engine = new SparkEngine(sc, data, NETWORK, 10, precision, float32, Reduction.ARRIVAL)) {
      for (int i = -WARMUP; i < REPEATS; i++) {
        long t = System.nanoTime();
        GradientSum s = engine.gradient(params, batching, 0, Math.floorMod(i, batching.batches()));
        if (i >= 0) {
          wall[i] = (System.nanoTime() - t) / 1e6;
          compute[i] = s.computeNanos() / 1e6;
        }
      }
    }
    return new double[] {BenchData.median(wall), BenchData.median(compute)};
  }
}
