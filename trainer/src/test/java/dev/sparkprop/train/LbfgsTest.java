package dev.sparkprop.train;

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
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.spark.DataSource;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.spark.SparkTests;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Full-batch L-BFGS finds the optimum of a convex problem, takes the same steps on Spark as in
 * process, and costs one Spark job per evaluation.
 *
 * <p>On MLlib: its {@code MultilayerPerceptronClassifier} (solver {@code l-bfgs}) runs the very
 * same {@code breeze.optimize.LBFGS} through {@code mllib.optimization.LBFGS.runLBFGS}, on a
 * cost function that, like ours, tree-aggregates the gradient of the whole training set once
 * per evaluation and divides by the count, and records {@code state.value} once per state. The
 * solver, its stopping rule and the shape of the gradient are shared, so its convergence
 * behaviour is what these tests pin down (optimum reached, loss falling every iteration, one
 * aggregation per evaluation) without the trainer depending on MLlib.
 */
class LbfgsTest {

  private static final long SEED = 5;
  private static final int CLASSES = 4;

  /** Softmax regression on the 2-D blobs: no hidden layer, so the loss is convex in the parameters. */
  private static final Architecture SOFTMAX = new Architecture(new int[] {2, CLASSES}, Activation.TANH,
      Loss.SOFTMAX_CROSS_ENTROPY);

  @Test
  @DisplayName("a failed line search ends the run without counting Breeze's repeated states as iterations")
  void aFailedLineSearchAddsNoIterations() {
    Architecture arch = new Architecture(new int[] {2, 16, CLASSES}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(arch);
    LocalEngine engine = localEngine(network, 400, 2);

    // No tolerance: only a line search that finds no lower point can end the run early.
    Lbfgs.Result result = Lbfgs.minimize(network, engine, Initializer.initialize(arch, SEED), 0.0, 3000, 0.0, 10);

    assertEquals(Lbfgs.Stop.LINE_SEARCH_FAILED, result.stop());
    List<Double> losses = result.lossHistory();
    for (int i = 1; i < losses.size(); i++) {
      assertTrue(losses.get(i) < losses.get(i - 1), "iteration " + i + " did not lower the loss: "
          + losses.subList(Math.max(0, i - 3), Math.min(losses.size(), i + 2)));
    }
    assertEquals(losses.size() - 1, result.iterations());
  }

  @Test
  @DisplayName("softmax regression with L2: L-BFGS reaches the optimum, where the full gradient vanishes,"
      + " and ends no higher than 2,000 gradient-descent steps")
  void reachesTheConvexOptimum() {
    double l2 = 1e-2;
    Network network = new Network(SOFTMAX);
    LocalEngine engine = localEngine(network, 400, 2);
    double[] start = Initializer.initialize(SOFTMAX, SEED);
    double[] untouched = start.clone();

    Lbfgs.Result result = Lbfgs.minimize(network, engine, start, l2, 500, 1e-12, 10);

    assertArrayEquals(untouched, start, 0.0, "the initial point is left as it was");
    assertTrue(result.stop() != Lbfgs.Stop.MAX_ITERATIONS, "stopped by " + result.stop());
    // L2 on the weights makes the loss strictly convex except along one direction: adding
    // the same constant to every class's bias leaves softmax unchanged. The gradient has no
    // component along it, so a vanishing gradient still marks the optimum.
    double[] gradient = new double[network.parameterCount()];
    double loss = objective(network, engine, result.parameters(), l2, gradient);
    double worst = maxAbs(gradient);
    assertTrue(worst <= 1e-6, "full gradient max-norm " + worst + " at the L-BFGS optimum");
    assertEquals(loss, result.finalLoss(), 1e-12, "the reported loss is the objective at the result");

    // Plain gradient descent from the same start; step 0.5 is within the stability limit here
    // (the loss falls every step), so it is a fair baseline, not a diverged one.
    double[] params = Initializer.initialize(SOFTMAX, SEED);
    double previous = Double.POSITIVE_INFINITY;
    for (int step = 0; step < 2000; step++) {
      double stepLoss = objective(network, engine, params, l2, gradient);
      assertTrue(stepLoss <= previous, "gradient descent rose at step " + step);
      previous = stepLoss;
      for (int i = 0; i < params.length; i++) {
        params[i] -= 0.5 * gradient[i];
      }
    }
    double descent = objective(network, engine, params, l2, gradient);
    assertTrue(result.finalLoss() <= descent,
        "L-BFGS loss " + result.finalLoss() + " above gradient descent's " + descent);
    assertTrue(descent - result.finalLoss() < 1e-3, "gradient descent got close as well: " + descent);
    // Superlinear convergence: a few dozen whole-data passes instead of thousands.
    assertTrue(result.evaluations() < 100, result.evaluations() + " evaluations");
  }

  @Test
  @DisplayName("the loss history is the start, then one value per iteration, each lower than the last")
  void lossFallsEveryIteration() {
    double l2 = 1e-3;
    Architecture arch = new Architecture(new int[] {2, 8, CLASSES}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(arch);
    LocalEngine engine = localEngine(network, 400, 3);
    double[] start = Initializer.initialize(arch, SEED);

    Lbfgs.Result result = Lbfgs.minimize(network, engine, start, l2, 12, 0.0, 10);

    assertEquals(Lbfgs.Stop.MAX_ITERATIONS, result.stop());
    assertEquals(12, result.iterations());
    assertEquals(13, result.lossHistory().size());
    assertEquals(objective(network, engine, start, l2, new double[network.parameterCount()]),
        result.lossHistory().get(0), 1e-15, "the first entry is the loss at the start");
    List<Double> losses = result.lossHistory();
    for (int i = 1; i < losses.size(); i++) {
      // The strong Wolfe line search only accepts steps with sufficient decrease.
      assertTrue(losses.get(i) < losses.get(i - 1), "iteration " + i + " did not lower the loss: " + losses);
    }
    // Every iteration evaluates at least once; the cache of the accepted point keeps the
    // re-evaluation that starts each iteration from costing another pass.
    assertTrue(result.evaluations() >= result.iterations() + 1);
    assertTrue(result.evaluations() <= 2 * result.iterations(), result.evaluations() + " evaluations");
  }

  @Test
  @DisplayName("on Spark, L-BFGS ends where the local engine ends, with one Spark job per evaluation")
  void sparkMatchesLocalWithOneJobPerEvaluation() throws InterruptedException {
    double l2 = 1e-3;
    int iterations = 15;
    Architecture arch = new Architecture(new int[] {2, 8, CLASSES}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(arch);
    double[] start = Initializer.initialize(arch, SEED);
    Lbfgs.Result local = Lbfgs.minimize(network, localEngine(network, 400, 1), start, l2, iterations, 0.0, 10);

    JavaSparkContext sc = SparkTests.context();
    PreparedData data = PreparedData.prepare(sc, new DataSource.BuiltIn("blobs", SEED, 400), null,
        new PreparedData.Options(3, SEED, 0.0, 0.0, Scaling.STANDARDIZE, null));
    JobCounter jobs = new JobCounter();
    sc.sc().addSparkListener(jobs);
    Lbfgs.Result spark;
    try (SparkEngine engine = new SparkEngine(sc, data, arch, CLASSES)) {
      sc.setJobGroup(JobCounter.COUNTED, "L-BFGS under test", false);
      spark = Lbfgs.minimize(network, engine, start, l2, iterations, 0.0, 10);
      // Listener events arrive asynchronously but in order: once this marker job's start is
      // seen, every job of the run has been counted.
      sc.setJobGroup(JobCounter.MARKER, "end of the counted jobs", false);
      sc.parallelize(List.of(1), 1).count();
      assertTrue(jobs.markerSeen.await(60, TimeUnit.SECONDS), "the listener saw the marker job");
    } finally {
      sc.clearJobGroup();
      sc.sc().removeSparkListener(jobs);
      data.release();
    }

    assertEquals(iterations, spark.iterations());
    assertEquals(local.evaluations(), spark.evaluations());
    assertEquals(spark.evaluations(), jobs.counted.get(), "Spark jobs against evaluations");
    assertClose(local.parameters(), spark.parameters(), 1e-8);
    for (int i = 0; i <= iterations; i++) {
      double expected = local.lossHistory().get(i);
      assertEquals(expected, spark.lossHistory().get(i), 1e-10 * expected, "loss after iteration " + i);
    }
  }

  @Test
  @DisplayName("settings outside their range are refused before any pass over the data")
  void refusesBadSettings() {
    Network network = new Network(SOFTMAX);
    LocalEngine engine = localEngine(network, 40, 1);
    double[] start = Initializer.initialize(SOFTMAX, SEED);
    assertThrows(IllegalArgumentException.class, () -> Lbfgs.minimize(network, engine, new double[3], 0.0, 10, 1e-6, 10));
    assertThrows(IllegalArgumentException.class, () -> Lbfgs.minimize(network, engine, start, -1.0, 10, 1e-6, 10));
    assertThrows(IllegalArgumentException.class, () -> Lbfgs.minimize(network, engine, start, 0.0, -1, 1e-6, 10));
    assertThrows(IllegalArgumentException.class, () -> Lbfgs.minimize(network, engine, start, 0.0, 10, Double.NaN, 10));
    assertThrows(IllegalArgumentException.class, () -> Lbfgs.minimize(network, engine, start, 0.0, 10, 1e-6, 0));
  }

  private static LocalEngine localEngine(Network network, int examples, int partitions) {
    DenseDataset data = Synthetic.generate(Synthetic.Kind.BLOBS, SEED, examples);
    LocalData prepared = LocalData.prepare(data, partitions, SEED, 0.0, 0.0, Scaling.STANDARDIZE);
    return new LocalEngine(network, CLASSES, prepared.shards());
  }

  /**
   * The regularised mean loss and its gradient, computed here without the class under test:
   * one full batch, divided by the count, plus λW on the weights.
   */
  private static double objective(Network network, Engine engine, double[] params, double l2, double[] gradient) {
    long n = engine.examples(Role.TRAIN);
    GradientSum sum = engine.gradient(params, new Shard.Batching(SEED, n, (int) n), 0, 0);
    assertEquals(n, sum.count());
    double loss = sum.loss() / n;
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = sum.gradient()[i] / n;
    }
    ParameterLayout layout = network.layout();
    for (int l = 1; l <= layout.layers(); l++) {
      for (int i = layout.weightOffset(l); i < layout.weightOffset(l) + layout.weightCount(l); i++) {
        gradient[i] += l2 * params[i];
        loss += 0.5 * l2 * params[i] * params[i];
      }
    }
    return loss;
  }

  private static double maxAbs(double[] v) {
    double m = 0.0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static void assertClose(double[] expected, double[] actual, double relative) {
    assertEquals(expected.length, actual.length);
    double scale = maxAbs(expected);
    double worst = 0.0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= relative * scale, "largest difference " + worst + " exceeds " + relative + " × " + scale);
  }

  /** Counts the jobs started in one job group; a job in the marker group says the count is complete. */
  private static final class JobCounter extends SparkListener {
    static final String COUNTED = "sparkprop-lbfgs-test";
    static final String MARKER = "sparkprop-lbfgs-test-marker";

    final AtomicInteger counted = new AtomicInteger();
    final CountDownLatch markerSeen = new CountDownLatch(1);

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String group = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
      if (COUNTED.equals(group)) {
        counted.incrementAndGet();
      } else if (MARKER.equals(group)) {
        markerSeen.countDown();
      }
    }
  }
}
