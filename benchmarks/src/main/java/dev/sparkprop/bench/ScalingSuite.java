package dev.sparkprop.bench;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.train.Engine;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.LocalData;
import dev.sparkprop.train.LocalEngine;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Does more hardware make training faster, and does cost grow linearly with data? Examples per
 * second with one and two Spark cores; seconds per epoch against training-set size; and the
 * Spark epoch against the same kernels run in-process on two threads with no Spark at all.
 */
final class ScalingSuite {

  private ScalingSuite() {}

  static void run(Path results) throws Exception {
    Report cores = new Report("Scaling with cores: Fashion-MNIST, 784-256-128-10, one epoch over 60,000 images",
        "engine", "batch", "seconds per epoch", "examples/s", "compute s", "coordination s");
    for (int batch : new int[] {256, 1024}) {
      for (int n : new int[] {1, 2}) {
        try (JavaSparkContext sc = BenchData.launcherSpark("local[" + n + "]")) {
          PreparedData data = BenchData.fashion(sc, n);
          EpochStats e = secondEpoch(new SparkEngine(sc, data, StepSuite.NETWORK, 10), batch);
          cores.row("Spark local[" + n + "]", batch, e.seconds(), e.examplesPerSecond(), e.computeSeconds(), e.coordinationSeconds());
          data.release();
        }
      }
    }
    DenseDataset fashion = BenchData.readFashion("train");
    for (int batch : new int[] {256, 1024}) {
      LocalData local = LocalData.prepare(fashion, 2, 1, 0.0, 0.0, Scaling.STANDARDIZE);
      try (LocalEngine engine = new LocalEngine(new Network(StepSuite.NETWORK), 10, local.shards(), 2, Precision.FLOAT64)) {
        EpochStats e = secondEpoch(engine, batch);
        cores.row("in-process, 2 threads, no Spark", batch, e.seconds(), e.examplesPerSecond(), e.computeSeconds(),
            e.coordinationSeconds());
      }
    }
    cores.note("Each row is the second of two epochs (the first warms the JIT and the caches); Adam, learning rate 0.001.");
    cores.publish(results, "scaling-cores");

    Report size = new Report("Cost against training-set size: local[2], batch 256",
        "training examples", "seconds per epoch", "microseconds per example");
    try (JavaSparkContext sc = BenchData.launcherSpark("local[2]")) {
      // The first run in a fresh context pays for class loading and compilation: do it untimed.
      epochAt(sc, 10_000);
      for (int n : new int[] {10_000, 30_000, 60_000}) {
        EpochStats e = epochAt(sc, n);
        size.row(n, e.seconds(), 1e6 * e.seconds() / n);
      }
    }
    size.publish(results, "scaling-size");
  }

  /** The second epoch's statistics when training on n of the 60,000 training images (a seeded sample). */
  private static EpochStats epochAt(JavaSparkContext sc, int n) {
    double heldOut = 1.0 - n / 60_000.0;
    PreparedData data = PreparedData.prepare(sc, BenchData.fashionTrain(), null,
        new PreparedData.Options(2, 1, heldOut, 0.0, Scaling.STANDARDIZE, null));
    try {
      return secondEpoch(new SparkEngine(sc, data, StepSuite.NETWORK, 10), 256);
    } finally {
      data.release();
    }
  }

  private static EpochStats secondEpoch(Engine engine, int batch) {
    TrainConfig config = new TrainConfig(Adam.defaults(), batch, 2, 1, 0.0);
    return new Trainer(new Network(StepSuite.NETWORK), config).train(engine, TrainingListener.SILENT).history().get(1);
  }
}
