package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.optim.Momentum;
import dev.sparkprop.optim.Schedule;
import dev.sparkprop.train.Evaluation;
import dev.sparkprop.train.LocalData;
import dev.sparkprop.train.LocalEngine;
import dev.sparkprop.train.Shard;
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

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {1, 3})
  @DisplayName("with dropout 0.3, Spark ends with the local reference's parameters: masks follow the examples")
  void dropoutMatchesLocalReference(int partitions) {
    Architecture arch = new Architecture(new int[] {2, 9, 5, 4}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
    Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8);
    TrainConfig config = new TrainConfig(adam, 32, 3, SEED, 0.0, 1e-4, Schedule.CONSTANT, 0.0, 0.3);
    DenseDataset same = Synthetic.generate(Synthetic.Kind.BLOBS, 7, 600);

    Run spark = onSpark(new DataSource.BuiltIn("blobs", 7, 600), partitions, arch, config, 4);
    Run local = locally(same, arch, config, 4);
    assertClose(local.params, spark.params, 1e-9);
    // The local engine with its shards summed on three threads agrees too.
    LocalData prepared = LocalData.prepare(same, 3, SEED, 0.2, 0.1, Scaling.STANDARDIZE);
    try (LocalEngine threads = new LocalEngine(new Network(arch), 4, prepared.shards(), 3, Precision.FLOAT64)) {
      assertClose(local.params, new Trainer(new Network(arch), config).train(threads, TrainingListener.SILENT).parameters(), 1e-9);
    }
    // Against a vacuous pass: without dropout the run ends elsewhere.
    TrainConfig plain = new TrainConfig(adam, 32, 3, SEED, 0.0, 1e-4, Schedule.CONSTANT, 0.0, 0.0);
    double[] without = locally(same, arch, plain, 4).params;
    assertTrue(maxDifference(without, local.params) > 1e-3, "dropout changed the run");
  }

  @org.junit.jupiter.api.Test
  @DisplayName("dropout 0 trains bit for bit as before, locally and on Spark")
  void zeroDropoutIsTheOldPath() {
    // One partition: with several, the arrival-order reduction merges the partitions' sums in
    // the order the tasks finish, so even two identical runs may differ in the last bit.
    int partitions = 1;
    Architecture arch = new Architecture(new int[] {2, 6, 1}, Activation.RELU, Loss.SIGMOID_BINARY_CROSS_ENTROPY);
    TrainConfig old = new TrainConfig(new Momentum(0.05, 0.9, true), 5, 2, SEED, 0.0);
    TrainConfig zero = new TrainConfig(new Momentum(0.05, 0.9, true), 5, 2, SEED, 0.0, 0.0, Schedule.CONSTANT, 0.0, 0.0);
    DataSource source = new DataSource.BuiltIn("xor", 3, 40);
    assertArrayEquals(onSpark(source, partitions, arch, old, 2).params, onSpark(source, partitions, arch, zero, 2).params);
    DenseDataset same = Synthetic.generate(Synthetic.Kind.XOR, 3, 40);
    assertArrayEquals(locally(same, arch, old, 2).params, locally(same, arch, zero, 2).params);
    // The engines' dropout entry point with rate 0 gives the plain sums.
    LocalData prepared = LocalData.prepare(same, 2, SEED, 0.2, 0.1, Scaling.STANDARDIZE);
    LocalEngine engine = new LocalEngine(new Network(arch), 2, prepared.shards());
    double[] params = dev.sparkprop.nn.Initializer.initialize(arch, SEED);
    Shard.Batching batching = new Shard.Batching(SEED, engine.examples(Role.TRAIN), 5);
    assertArrayEquals(engine.gradient(params, batching, 1, 2).gradient(),
        engine.gradient(params, batching, 1, 2, new Dropout(0.0, SEED, 1)).gradient());
  }

  @org.junit.jupiter.api.Test
  @DisplayName("the float32 kernels refuse dropout rather than ignore it")
  void float32RefusesDropout() {
    Architecture arch = new Architecture(new int[] {2, 6, 1}, Activation.RELU, Loss.SIGMOID_BINARY_CROSS_ENTROPY);
    LocalData prepared = LocalData.prepare(Synthetic.generate(Synthetic.Kind.XOR, 3, 40), 2, SEED, 0.2, 0.1, Scaling.STANDARDIZE);
    try (LocalEngine engine = new LocalEngine(new Network(arch), 2, prepared.shards(), 1, Precision.FLOAT32)) {
      double[] params = dev.sparkprop.nn.Initializer.initialize(arch, SEED);
      Shard.Batching batching = new Shard.Batching(SEED, engine.examples(Role.TRAIN), 5);
      assertThrows(UnsupportedOperationException.class,
          () -> engine.gradient(params, batching, 0, 0, new Dropout(0.5, SEED, 0)));
    }
  }

  private static double maxDifference(double[] a, double[] b) {
    double worst = 0.0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
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
