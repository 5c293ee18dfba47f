package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Network.gradient against central differences of the summed loss, in double precision:
 *
 * <pre>
 *   numeric_i = (L(θ + h e_i) − L(θ − h e_i)) / 2h,   L = the summed loss Network.predict returns
 *   relErr_i  = |analytic_i − numeric_i| / max(1e-4, |analytic_i| + |numeric_i|)
 * </pre>
 *
 * and max_i relErr_i ≤ 1e-6 over every parameter, for every activation and every loss.
 *
 * <p>The network is 5-7-3-6-k (three hidden layers of odd, unequal sizes; k = 4 for softmax, 1
 * otherwise) with weights U(−1, 1) and non-zero biases U(−½, ½), on a batch of 6 random
 * examples whose targets cover every class.
 *
 * <p>Step and floor. A central difference is off by about h²·|L‴|/6 (truncation) plus ε·|L|/h
 * (rounding in the two evaluations of L; ε ≈ 1.1e-16, |L| ≈ 1..20 here), so its absolute error
 * cannot go much below 1e-11..1e-10. h = 3e-5, of the order of the optimum ε^⅓, for every
 * activation. Some derivatives of a random network are far smaller than that noise allows to
 * resolve to 1e-6 relative (entries of 1e-7 occur), so the denominator's floor is 1e-4 rather
 * than something like 1e-8: entries below 1e-4 are held to 1e-10 absolute, the rest to 1e-6
 * relative. Measured over 40 random problems per activation × loss, the worst relErr was
 * 4.4e-7 with this floor, and up to 4.5e-5 with a 1e-8 floor, all of it rounding noise on the
 * tiny entries (with h = 1e-6 the rounding term is 30 times larger again).
 *
 * <p>Kinks. ReLU and leaky ReLU are not differentiable at z = 0, and a difference quotient that
 * straddles a kink measures neither side's slope. The inputs (and every tenth time the
 * parameters) are therefore redrawn until every hidden pre-activation of every example is at
 * least 1e-2 from 0, over 300·h (z computed by plain loops here). Then, rather than trusting a
 * bound on how far one parameter can move a pre-activation, the test checks at θ ± h e_i, for
 * every i, that no hidden pre-activation changed sign. The same screening and check run for
 * every activation (harmless for the smooth ones).
 */
@DisplayName("Gradient check: Network.gradient equals central differences of the summed loss")
class GradientCheckTest {

  private static final int[] HIDDEN = {7, 3, 6};
  private static final int INPUTS = 5;
  private static final int BATCH = 6;
  private static final double KINK_MARGIN = 1e-2;
  private static final int MAX_REDRAWS = 200;
  private static final double H = 3e-5;
  private static final double FLOOR = 1e-4;
  private static final double TOLERANCE = 1e-6;

  static Stream<Arguments> everyActivationAndLoss() {
    List<Arguments> cases = new ArrayList<>();
    for (Activation a : Activation.values()) {
      for (Loss l : Loss.values()) {
        cases.add(Arguments.of(a, l));
      }
    }
    return cases.stream();
  }

  /** One random problem: network, parameters, inputs (d × m, column-major), targets. */
  record Problem(Network network, double[] params, double[] x, double[] targets, int redraws) {

    static Problem random(Activation activation, Loss loss, long seed) {
      Architecture arch = Architecture.of(INPUTS, HIDDEN, loss.outputsFor(4), activation, loss);
      SplittableRandom random = new SplittableRandom(seed);
      ParameterLayout layout = arch.layout();
      double[] targets = new double[BATCH];
      for (int j = 0; j < BATCH; j++) {
        targets[j] = switch (loss) {
          case SOFTMAX_CROSS_ENTROPY -> j % 4;          // every class present
          case SIGMOID_BINARY_CROSS_ENTROPY -> j % 2;   // both classes present
          case SQUARED_ERROR, HUBER -> random.nextDouble(-2.0, 2.0);
        };
      }
      double[] params = new double[layout.size()];
      double[] x = new double[INPUTS * BATCH];
      for (int redraws = 0; redraws < MAX_REDRAWS; redraws++) {
        // New inputs each time, new parameters every tenth time: with rectifiers a unit whose
        // inputs are all dead has z = its bias for every example, which no inputs can move.
        if (redraws % 10 == 0) {
          for (int l = 1; l <= layout.layers(); l++) {
            for (int i = 0; i < layout.weightCount(l); i++) {
              params[layout.weightOffset(l) + i] = random.nextDouble(-1.0, 1.0);
            }
            for (int i = 0; i < layout.rows(l); i++) {
              params[layout.biasOffset(l) + i] = random.nextDouble(-0.5, 0.5);
            }
          }
        }
        for (int i = 0; i < x.length; i++) {
          x[i] = random.nextDouble(-1.5, 1.5);
        }
        if (closestHiddenPreActivation(arch, params, x, BATCH) >= KINK_MARGIN) {
          return new Problem(new Network(arch), params, x, targets, redraws);
        }
      }
      throw new AssertionError("no problem found with every hidden |z| ≥ " + KINK_MARGIN);
    }

    double loss(double[] theta, Workspace ws) {
      return network.predict(theta, x, 0, BATCH, targets, 0, ws);
    }

    double[] analyticGradient(Workspace ws) {
      double[] g = new double[params.length];
      network.gradient(params, x, 0, targets, 0, BATCH, g, ws);
      return g;
    }

    double[] numericGradient(double h, Workspace ws) {
      Architecture arch = network.architecture();
      boolean[] signs = hiddenSigns(arch, params, x, BATCH);
      double[] theta = params.clone();
      double[] g = new double[params.length];
      for (int i = 0; i < theta.length; i++) {
        double saved = theta[i];
        theta[i] = saved + h;
        double plus = loss(theta, ws);
        boolean samePlus = Arrays.equals(signs, hiddenSigns(arch, theta, x, BATCH));
        theta[i] = saved - h;
        double minus = loss(theta, ws);
        boolean sameMinus = Arrays.equals(signs, hiddenSigns(arch, theta, x, BATCH));
        theta[i] = saved;
        int at = i;
        assertTrue(samePlus && sameMinus,
            () -> "moving parameter " + at + " by ±" + h + " crosses a kink: widen the margin");
        g[i] = (plus - minus) / (2.0 * h);
      }
      return g;
    }
  }

  /** Every hidden pre-activation z, example after example, computed by plain loops. */
  static double[] hiddenPreActivations(Architecture arch, double[] params, double[] x, int m) {
    ParameterLayout layout = arch.layout();
    int hiddenUnits = 0;
    for (int l = 1; l < layout.layers(); l++) {
      hiddenUnits += layout.rows(l);
    }
    double[] all = new double[hiddenUnits * m];
    int next = 0;
    for (int j = 0; j < m; j++) {
      double[] a = Arrays.copyOfRange(x, j * arch.inputs(), (j + 1) * arch.inputs());
      for (int l = 1; l < layout.layers(); l++) {
        int n = layout.rows(l);
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
          z[i] = params[layout.biasOffset(l) + i];
          for (int k = 0; k < a.length; k++) {
            z[i] += params[layout.weightOffset(l) + i + k * n] * a[k];
          }
          all[next++] = z[i];
        }
        arch.activation().forward(z, 0, n);
        a = z;
      }
    }
    return all;
  }

  static double closestHiddenPreActivation(Architecture arch, double[] params, double[] x, int m) {
    double closest = Double.POSITIVE_INFINITY;
    for (double z : hiddenPreActivations(arch, params, x, m)) {
      closest = Math.min(closest, Math.abs(z));
    }
    return closest;
  }

  static boolean[] hiddenSigns(Architecture arch, double[] params, double[] x, int m) {
    double[] z = hiddenPreActivations(arch, params, x, m);
    boolean[] positive = new boolean[z.length];
    for (int i = 0; i < z.length; i++) {
      positive[i] = z[i] > 0.0;
    }
    return positive;
  }

  static double relativeError(double a, double b) {
    return Math.abs(a - b) / Math.max(FLOOR, Math.abs(a) + Math.abs(b));
  }

  /** {index of the worst parameter, its relative error}. */
  static double[] worst(double[] analytic, double[] numeric) {
    double worst = -1.0;
    int at = -1;
    for (int i = 0; i < analytic.length; i++) {
      double e = relativeError(analytic[i], numeric[i]);
      if (e > worst) {
        worst = e;
        at = i;
      }
    }
    return new double[] {at, worst};
  }

  @ParameterizedTest(name = "{0} hidden, {1}")
  @MethodSource("everyActivationAndLoss")
  @DisplayName("every parameter's derivative, for every activation × loss, to 1e-6 relative")
  void gradientMatchesCentralDifferences(Activation activation, Loss loss, TestReporter reporter) {
    Problem p = Problem.random(activation, loss, 1000L * activation.ordinal() + loss.ordinal());
    Workspace ws = new Workspace(p.network.architecture(), BATCH);
    double[] analytic = p.analyticGradient(ws);
    double[] numeric = p.numericGradient(H, ws);

    // Against a vacuous pass: every layer's gradient must be substantial.
    ParameterLayout layout = p.network.layout();
    for (int l = 1; l <= layout.layers(); l++) {
      double largest = 0.0;
      for (int i = layout.weightOffset(l); i < layout.biasOffset(l) + layout.rows(l); i++) {
        largest = Math.max(largest, Math.abs(analytic[i]));
      }
      assertTrue(largest > 1e-3, "layer " + l + "'s gradient is nearly zero: " + largest);
    }

    double[] w = worst(analytic, numeric);
    int at = (int) w[0];
    reporter.publishEntry(activation + "/" + loss, String.format(
        "max relative error %.2e at parameter %d of %d (redraws: %d)",
        w[1], at, analytic.length, p.redraws));
    assertTrue(w[1] <= TOLERANCE, () -> String.format(
        "parameter %d: analytic %.17g, numeric %.17g, relative error %.3e > %.0e",
        at, analytic[at], numeric[at], w[1], TOLERANCE));
  }

  @Test
  @DisplayName("the check is sensitive: one weight's derivative off by 1e-5 relative fails it")
  void checkDetectsASmallError() {
    Problem p = Problem.random(Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY, 7);
    Workspace ws = new Workspace(p.network.architecture(), BATCH);
    double[] analytic = p.analyticGradient(ws);
    double[] numeric = p.numericGradient(H, ws);
    assertTrue(worst(analytic, numeric)[1] <= TOLERANCE, "the unmodified gradient passes");
    int victim = p.network.layout().weightOffset(1) + 3; // an entry of W_1, the deepest layer
    assertTrue(Math.abs(analytic[victim]) > 1e-4, "a non-negligible entry: " + analytic[victim]);
    analytic[victim] *= 1.0 + 1e-5;
    // relErr ≈ 1e-5 · |g| / (2 |g|) = 5e-6 > 1e-6 (|g| > 1e-4, above the floor)
    assertTrue(worst(analytic, numeric)[1] > TOLERANCE);
  }

  @ParameterizedTest(name = "{0} hidden, {1}")
  @MethodSource("everyActivationAndLoss")
  @DisplayName("gradient() adds to the array it is given (twice = double) and returns predict's summed loss")
  void gradientAccumulatesAndReturnsTheSummedLoss(Activation activation, Loss loss) {
    Problem p = Problem.random(activation, loss, 31L * activation.ordinal() + loss.ordinal() + 5);
    Workspace ws = new Workspace(p.network.architecture(), BATCH);
    int n = p.params.length;

    double[] once = new double[n];
    double lossOnce = p.network.gradient(p.params, p.x, 0, p.targets, 0, BATCH, once, ws);

    double[] twice = new double[n];
    double first = p.network.gradient(p.params, p.x, 0, p.targets, 0, BATCH, twice, ws);
    double second = p.network.gradient(p.params, p.x, 0, p.targets, 0, BATCH, twice, ws);

    // Starting from a non-zero array c, the result is c + g.
    double[] start = new double[n];
    for (int i = 0; i < n; i++) {
      start[i] = 0.25 * i - 3.0;
    }
    double[] shifted = start.clone();
    p.network.gradient(p.params, p.x, 0, p.targets, 0, BATCH, shifted, ws);

    // BLAS may accumulate into C one product at a time (C += a·b, C += a·b, …), so the rounding
    // of c + g depends on c: allow a few hundred ulps of the largest entry involved.
    double largest = 0.0;
    for (double g : once) {
      largest = Math.max(largest, Math.abs(g));
    }
    assertTrue(largest > 1e-3, "the gradient is not trivially zero");
    for (int i = 0; i < n; i++) {
      assertEquals(2.0 * once[i], twice[i], 1e-13 * largest, "entry " + i + " after two calls");
      assertEquals(start[i] + once[i], shifted[i], 1e-13 * (largest + Math.abs(start[i])),
          "entry " + i + " added to a non-zero start");
    }
    assertEquals(lossOnce, first, 0.0, "the same batch must give the same loss");
    assertEquals(lossOnce, second, 0.0, "the same batch must give the same loss");

    double predicted = p.loss(p.params, ws);
    assertTrue(lossOnce > 0.0 && Double.isFinite(lossOnce), "summed loss " + lossOnce);
    assertEquals(predicted, lossOnce, 1e-14 * predicted, "gradient()'s loss equals predict()'s loss");

    // Summed, not averaged: the batch's loss is the sum of the per-example losses.
    double sum = 0.0;
    for (int j = 0; j < BATCH; j++) {
      sum += p.network.predict(p.params, p.x, j * INPUTS, 1, p.targets, j, ws);
    }
    assertEquals(sum, lossOnce, 1e-13 * sum, "batch loss = Σ per-example losses");
  }
}
