package dev.sparkprop.bench;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.spark.StandingJob;
import dev.sparkprop.train.Engine;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.LocalEngine;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Does more hardware make training faster, and does cost grow linearly with data? Examples per
 * second with one and two Spark cores; seconds per epoch against training-set size; and the
 * Spark epoch against the same kernels run in-process on two threads with no Spark at all,
 * each in a fresh JVM ({@link WarmupCurve}).
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
          EpochStats e = warmEpoch(new SparkEngine(sc, data, StepSuite.NETWORK, 10), batch);
          cores.row("Spark local[" + n + "]", batch, e.seconds(), e.examplesPerSecond(), e.computeSeconds(), e.coordinationSeconds());
          if (n == 2) {
            e = warmEpoch(new SparkEngine(sc, data, StepSuite.NETWORK, 10, Precision.FLOAT64, true), batch);
            cores.row("Spark local[2], --float32-gradients", batch, e.seconds(), e.examplesPerSecond(), e.computeSeconds(),
                e.coordinationSeconds());
          }
          data.release();
        }
      }
      try (JavaSparkContext sc = BenchData.spark("local[2]",
          StepSuite.concat(BenchData.launcherSettings("local[2]"), StepSuite.PER_STEP))) {
        PreparedData data = BenchData.fashion(sc, 2);
        EpochStats e = warmEpoch(new SparkEngine(sc, data, StepSuite.NETWORK, 10), batch);
        cores.row("Spark local[2], a job per step", batch, e.seconds(), e.examplesPerSecond(), e.computeSeconds(),
            e.coordinationSeconds());
        data.release();
      }
    }
    DenseDataset fashion = BenchData.readFashion("train");
    for (int batch : new int[] {256, 1024}) {
      try (LocalEngine engine = BenchData.inProcess(fashion)) {
        EpochStats e = warmEpoch(engine, batch);
        cores.row("in-process, 2 threads, no Spark", batch, e.seconds(), e.examplesPerSecond(), e.computeSeconds(),
            e.coordinationSeconds());
      }
    }
    cores.note("Each row is the median of " + MEASURED_EPOCHS + " epochs run after at least " + WARM_ITERATIONS
        + " iterations of warm-up. The step keeps getting faster for thousands of iterations while the JIT "
        + "compiles Spark's scheduling and serialization paths. The rows run one after another in one JVM, so each "
        + "Spark row also runs on code the JIT compiled during the rows before it (at least 5,600 iterations before the "
        + "last local[2] row): compare cores here, and read Spark against in-process in the fresh-JVM table below. "
        + "Spark's steps run many to a standing job in local mode; the row \"a job per step\" sets "
        + StandingJob.KEY + "=false. "
        + "Adam, learning rate 0.001.");
    cores.publish(results, "scaling-cores");
    WarmupCurve.run(results);

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
      return warmEpoch(new SparkEngine(sc, data, StepSuite.NETWORK, 10), 256);
    } finally {
      data.release();
    }
  }

  /** Iterations run before the measured epoch. */
  static final int WARM_ITERATIONS = 300;

  /** Epochs measured after the warm-up; the row shows the median one. */
  static final int MEASURED_EPOCHS = 5;

  /**
   * The median, by wall time, of {@link #MEASURED_EPOCHS} epochs run after at least
   * {@link #WARM_ITERATIONS} iterations of warm-up.
   */
  private static EpochStats warmEpoch(Engine engine, int batch) {
    long perEpoch = (engine.examples(Role.TRAIN) + batch - 1) / batch;
    int warm = (int) ((WARM_ITERATIONS + perEpoch - 1) / perEpoch);
    TrainConfig config = new TrainConfig(Adam.defaults(), batch, warm + MEASURED_EPOCHS, 1, 0.0);
    List<EpochStats> history = new Trainer(new Network(StepSuite.NETWORK), config).train(engine, TrainingListener.SILENT)
        .history();
    List<EpochStats> measured = new ArrayList<>(history.subList(warm, history.size()));
    measured.sort(Comparator.comparingDouble(EpochStats::seconds));
    return measured.get(measured.size() / 2);
  }
}
