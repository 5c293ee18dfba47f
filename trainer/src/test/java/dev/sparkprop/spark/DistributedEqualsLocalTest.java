package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.optim.Momentum;
import dev.sparkprop.train.Evaluation;
import dev.sparkprop.train.LocalData;
import dev.sparkprop.train.LocalEngine;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data-parallel engine computes the same sequence of updates as the in-process reference,
 * whatever the number of partitions: batches are decided per example, never by the layout.
 * Only the order of floating-point additions differs, hence the 1e-9 tolerance.
 */
class DistributedEqualsLocalTest {

  private static final JavaSparkContext SC = SparkTests.context();
  private static final long SEED = 11;

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 2, 7})
  @DisplayName("training on Spark ends with the local reference's parameters for P = 1, 2, 7")
  void sparkMatchesLocalReference(int partitions) {
    Architecture arch = new Architecture(new int[] {2, 9, 5, 4}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 32, 3, SEED, 1e-4);
    DataSource source = new DataSource.BuiltIn("blobs", 7, 600);
    DenseDataset same = Synthetic.generate(Synthetic.Kind.BLOBS, 7, 600);

    Run spark = onSpark(source, partitions, arch, config, 4);
    Run local = locally(same, arch, config, 4);

    assertClose(local.params, spark.params, 1e-9);
    assertEquals(local.validation.count(), spark.validation.count());
    assertEquals(local.test.count(), spark.test.count());
    assertEquals(local.test.accuracy(), spark.test.accuracy(), 0.0);
    assertEquals(local.test.meanLoss(), spark.test.meanLoss(), 1e-9 * Math.abs(local.test.meanLoss()));
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {3, 7, 50})
  @DisplayName("partitions with no example in a batch, or none at all, contribute nothing and break nothing")
  void emptyPartitionsAreHarmless(int partitions) {
    // 40 examples, batch 5: with 7 or 50 partitions most partitions hold no example of a batch,
    // and with 50 some hold no example at all.
    Architecture arch = new Architecture(new int[] {2, 6, 1}, Activation.RELU, Loss.SIGMOID_BINARY_CROSS_ENTROPY);
    TrainConfig config = new TrainConfig(new Momentum(0.05, 0.9, true), 5, 4, SEED, 0.0);
    Run spark = onSpark(new DataSource.BuiltIn("xor", 3, 40), partitions, arch, config, 2);
    Run local = locally(Synthetic.generate(Synthetic.Kind.XOR, 3, 40), arch, config, 2);
    assertClose(local.params, spark.params, 1e-9);
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 3})
  @DisplayName("in float32 the distributed and local runs agree to float rounding, and stay near the float64 run")
  void float32MatchesLocalFloat32(int partitions) {
    Architecture arch = new Architecture(new int[] {2, 9, 5, 4}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 32, 2, SEED, 0.0);
    DenseDataset same = Synthetic.generate(Synthetic.Kind.BLOBS, 7, 600);
    PreparedData data = PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 7, 600), null,
        new PreparedData.Options(partitions, SEED, 0.2, 0.1, Scaling.STANDARDIZE, null));
    double[] spark;
    try (SparkEngine engine = new SparkEngine(SC, data, arch, 4, Precision.FLOAT32, false)) {
      spark = new Trainer(new Network(arch), config).train(engine, TrainingListener.SILENT).parameters();
    } finally {
      data.release();
    }
    LocalData prepared = LocalData.prepare(same, 1, SEED, 0.2, 0.1, Scaling.STANDARDIZE);
    double[] local32;
    try (LocalEngine engine = new LocalEngine(new Network(arch), 4, prepared.shards(), 1, Precision.FLOAT32)) {
      local32 = new Trainer(new Network(arch), config).train(engine, TrainingListener.SILENT).parameters();
    }
    double[] local64 = locally(same, arch, config, 4).params;
    assertClose(local32, spark, 1e-5);
    assertClose(local64, spark, 1e-3);
  }

  private record Run(double[] params, Evaluation validation, Evaluation test) {}

  private static Run onSpark(DataSource source, int partitions, Architecture arch, TrainConfig config, int classes) {
    PreparedData data = PreparedData.prepare(SC, source, null,
        new PreparedData.Options(partitions, SEED, 0.2, 0.1, Scaling.STANDARDIZE, null));
    try (SparkEngine engine = new SparkEngine(SC, data, arch, classes)) {
      double[] params = new Trainer(new Network(arch), config).train(engine, TrainingListener.SILENT).parameters();
      return new Run(params, engine.evaluate(params, Role.VALIDATION), engine.evaluate(params, Role.TEST));
    } finally {
      data.release();
    }
  }

  private static Run locally(DenseDataset data, Architecture arch, TrainConfig config, int classes) {
    LocalData prepared = LocalData.prepare(data, 1, SEED, 0.2, 0.1, Scaling.STANDARDIZE);
    LocalEngine engine = new LocalEngine(new Network(arch), classes, prepared.shards());
    double[] params = new Trainer(new Network(arch), config).train(engine, TrainingListener.SILENT).parameters();
    return new Run(params, engine.evaluate(params, Role.VALIDATION), engine.evaluate(params, Role.TEST));
  }

  static void assertClose(double[] expected, double[] actual, double relative) {
    assertEquals(expected.length, actual.length);
    double scale = 0.0;
    double worst = 0.0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= relative * scale, "largest difference " + worst + " exceeds " + relative + " × " + scale);
  }

}
