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
 * The batched kernel (one GEMM per layer and direction) against a deliberately naive
 * implementation written here: one example at a time, one neuron at a time, plain loops, every
 * derivative written out by the chain rule from its textbook definition (the softmax Jacobian
 * included, rather than the fused "output − target" shortcut). It shares nothing with
 * {@link Network} but the parameter layout, read through {@link ParameterLayout}'s offsets as
 * documented: [W_1 | b_1 | W_2 | b_2 | …], W_l n_l × n_{l−1} column-major.
 *
 * <p>Agreement is to 1e-12 relative: for every entry of the gradient (and of the predictions),
 * |kernel − naive| ≤ 1e-12 · max(|kernel|, |naive|, s), where s = 1e-2 · the largest magnitude
 * in the vector. The floor s is there because a summed gradient entry can be a near-cancelling
 * sum of ~m·n terms whose rounding depends on summation order (BLAS blocks and vectorises; the
 * naive loops do not): such entries differ by about one ulp of the largest entry, which is a
 * relative error of 1e-13..1e-12 on an entry a thousand times smaller. An entry below 1 % of
 * the largest is therefore held to 1e-14 of the largest instead. Measured: 6.5e-14 for the
 * gradient, 3.2e-14 for the predictions (OpenBLAS and the pure-Java BLAS alike). The summed
 * loss is compared to plain 1e-12 relative (measured 5.1e-15).
 *
 * <p>One workspace is reused across the batch sizes (largest first), inputs and
 * targets start at non-zero offsets xOff and tOff, and everything outside the window is NaN,
 * so reading a stale buffer or a neighbouring example would show.
 */
@DisplayName("Batched kernel = naive per-example reference implementation")
class NaiveReferenceTest {

  private static final double REL = 1e-12;
  /** Batch sizes, largest first and all through one workspace, so stale buffers would show. */
  private static final int[] BATCHES = {100, 1, 7, 64, 65};
  private static final int CAPACITY = 128;

  // ---------------------------------------------------------------------------------------------
  // The naive reference.

  /** What the reference computes for a batch. */
  record Reference(double loss, double[] gradient, double[] predictions) {}

  static Reference naive(Architecture arch, double[] params, double[] x, int xOff, double[] targets,
      int tOff, int m) {
    ParameterLayout layout = arch.layout();
    int layers = layout.layers();
    int outputs = arch.outputs();
    double[] gradient = new double[layout.size()];
    double[] predictions = new double[outputs * m];
    double loss = 0.0;

    for (int j = 0; j < m; j++) {
      // Forward: z[l][i] = b_l[i] + Σ_k W_l[i][k] · a[l−1][k];  a[l] = f(z[l]) for hidden l.
      double[][] z = new double[layers + 1][];
      double[][] a = new double[layers + 1][];
      a[0] = new double[arch.inputs()];
      for (int k = 0; k < arch.inputs(); k++) {
        a[0][k] = x[xOff + j * arch.inputs() + k];
      }
      for (int l = 1; l <= layers; l++) {
        int n = layout.rows(l);
        z[l] = new double[n];
        a[l] = new double[n];
        for (int i = 0; i < n; i++) {
          double sum = params[layout.biasOffset(l) + i];
          for (int k = 0; k < layout.columns(l); k++) {
            sum += weight(params, layout, l, i, k) * a[l - 1][k];
          }
          z[l][i] = sum;
          a[l][i] = l < layers ? f(arch.activation(), sum) : sum;
        }
      }

      // Output function, loss, and dLoss/dOutput, each from its definition.
      double[] zL = z[layers];
      double[] out = new double[outputs];
      double[] dLdOut = new double[outputs];
      double[] dLdz = new double[outputs];
      double t = targets[tOff + j];
      switch (arch.loss()) {
        case SOFTMAX_CROSS_ENTROPY -> {
          int y = (int) t;
          double max = Double.NEGATIVE_INFINITY;
          for (double v : zL) {
            max = Math.max(max, v);
          }
          double total = 0.0;
          for (int i = 0; i < outputs; i++) {
            out[i] = Math.exp(zL[i] - max);
            total += out[i];
          }
          for (int i = 0; i < outputs; i++) {
            out[i] /= total;
          }
          loss += -Math.log(out[y]);                     // L = −log p_y
          dLdOut[y] = -1.0 / out[y];                      // ∂L/∂p_y = −1/p_y, 0 elsewhere
          for (int i = 0; i < outputs; i++) {             // ∂p_k/∂z_i = p_k (δ_ki − p_i)
            for (int k = 0; k < outputs; k++) {
              dLdz[i] += dLdOut[k] * out[k] * ((k == i ? 1.0 : 0.0) - out[i]);
            }
          }
        }
        case SIGMOID_BINARY_CROSS_ENTROPY -> {
          // p = σ(z) and 1 − p = σ(−z), each evaluated directly (1 − p by subtraction would
          // lose every digit once p rounds to 1, which the reference must not do).
          double p = 1.0 / (1.0 + Math.exp(-zL[0]));
          double q = 1.0 / (1.0 + Math.exp(zL[0]));
          out[0] = p;
          loss += -(t * Math.log(p) + (1.0 - t) * Math.log(q)); // L = −[y log p + (1 − y) log(1 − p)]
          dLdOut[0] = -t / p + (1.0 - t) / q;             // ∂L/∂p
          dLdz[0] = dLdOut[0] * p * q;                    // ∂p/∂z = p (1 − p)
        }
        case SQUARED_ERROR -> {
          out[0] = zL[0];
          double r = zL[0] - t;
          loss += 0.5 * r * r;                            // L = ½ (z − t)²
          dLdz[0] = r;
        }
        case HUBER -> {
          out[0] = zL[0];
          double r = zL[0] - t;                           // δ = 1
          loss += Math.abs(r) <= 1.0 ? 0.5 * r * r : Math.abs(r) - 0.5;
          dLdz[0] = Math.max(-1.0, Math.min(1.0, r));
        }
      }
      System.arraycopy(out, 0, predictions, j * outputs, outputs);

      // Backward, one neuron at a time: δ[l−1][k] = f'(z[l−1][k]) · Σ_i W_l[i][k] δ[l][i].
      double[] delta = dLdz;
      for (int l = layers; l >= 1; l--) {
        int n = layout.rows(l);
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < layout.columns(l); k++) {
            gradient[layout.weightOffset(l) + i + k * n] += delta[i] * a[l - 1][k];
          }
          gradient[layout.biasOffset(l) + i] += delta[i];
        }
        if (l > 1) {
          double[] below = new double[layout.columns(l)];
          for (int k = 0; k < below.length; k++) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
              sum += weight(params, layout, l, i, k) * delta[i];
            }
            below[k] = sum * fPrime(arch.activation(), z[l - 1][k]);
          }
          delta = below;
        }
      }
    }
    return new Reference(loss, gradient, predictions);
  }

  /** W_l[i][k]: column-major with leading dimension n_l. */
  private static double weight(double[] params, ParameterLayout layout, int l, int i, int k) {
    return params[layout.weightOffset(l) + i + k * layout.rows(l)];
  }

  private static double f(Activation activation, double z) {
    return switch (activation) {
      case SIGMOID -> 1.0 / (1.0 + Math.exp(-z));
      case TANH -> Math.tanh(z);
      case RELU -> z > 0.0 ? z : 0.0;
      case LEAKY_RELU -> z > 0.0 ? z : 0.01 * z;
      case IDENTITY -> z;
    };
  }

  /** f'(z), from z (the kernel works from a = f(z) instead). */
  private static double fPrime(Activation activation, double z) {
    return switch (activation) {
      case SIGMOID -> {
        double s = 1.0 / (1.0 + Math.exp(-z));
        yield s * (1.0 - s);
      }
      case TANH -> {
        double th = Math.tanh(z);
        yield 1.0 - th * th;
      }
      case RELU -> z > 0.0 ? 1.0 : 0.0;
      case LEAKY_RELU -> z > 0.0 ? 1.0 : 0.01;
      case IDENTITY -> 1.0;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Problems.

  static Stream<Arguments> everyActivationLossAndShape() {
    List<Arguments> cases = new ArrayList<>();
    // Three odd hidden layers; a wide network with every dimension beyond 64 (BLAS block sizes);
    // and no hidden layer at all (linear or logistic regression, where the activation is unused).
    int[][] shapes = {{5, 7, 3, 6}, {70, 67, 9}, {9}};
    for (int[] shape : shapes) {
      int inputs = shape[0];
      int[] hidden = Arrays.copyOfRange(shape, 1, shape.length);
      for (Activation a : Activation.values()) {
        for (Loss l : Loss.values()) {
          cases.add(Arguments.of(a, l, inputs, hidden));
        }
      }
    }
    return cases.stream();
  }

  /**
   * Inputs for m examples starting at xOff, with NaN around them so that a read outside the
   * window poisons the result; targets likewise from tOff (NaN is no class, so a classification
   * loss would throw).
   */
  static double[] inputs(SplittableRandom random, int d, int m, int xOff) {
    double[] x = new double[xOff + d * m + 11];
    Arrays.fill(x, Double.NaN);
    for (int i = 0; i < d * m; i++) {
      x[xOff + i] = random.nextDouble(-1.0, 1.0);
    }
    return x;
  }

  static double[] targets(SplittableRandom random, Loss loss, int classes, int m, int tOff) {
    double[] t = new double[tOff + m + 5];
    Arrays.fill(t, Double.NaN);
    for (int j = 0; j < m; j++) {
      t[tOff + j] = switch (loss) {
        case SOFTMAX_CROSS_ENTROPY -> random.nextInt(classes);
        case SIGMOID_BINARY_CROSS_ENTROPY -> random.nextInt(2);
        case SQUARED_ERROR, HUBER -> random.nextDouble(-3.0, 3.0);
      };
    }
    return t;
  }

  static double[] parameters(SplittableRandom random, ParameterLayout layout) {
    double[] params = new double[layout.size()];
    for (int l = 1; l <= layout.layers(); l++) {
      // Glorot's U(−r, r), so that wide layers neither saturate nor blow up; biases non-zero.
      double r = Math.sqrt(6.0 / (layout.rows(l) + layout.columns(l)));
      for (int i = 0; i < layout.weightCount(l); i++) {
        params[layout.weightOffset(l) + i] = random.nextDouble(-r, r);
      }
      for (int i = 0; i < layout.rows(l); i++) {
        params[layout.biasOffset(l) + i] = random.nextDouble(-0.3, 0.3);
      }
    }
    return params;
  }

  // ---------------------------------------------------------------------------------------------
  // Comparison.

  /** The largest |a_i − b_i| / max(|a_i|, |b_i|, 1e-2 · max_j |b_j|); see the class comment. */
  static double relativeError(double[] actual, double[] expected, int length) {
    double scale = 0.0;
    for (int i = 0; i < length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    double worst = 0.0;
    for (int i = 0; i < length; i++) {
      double denominator = Math.max(Math.max(Math.abs(actual[i]), Math.abs(expected[i])), 1e-2 * scale);
      double e = denominator == 0.0 ? Math.abs(actual[i]) : Math.abs(actual[i] - expected[i]) / denominator;
      if (!(e <= worst)) {
        worst = e; // NaN stays NaN and fails the caller's assertion
      }
    }
    return worst;
  }

  @ParameterizedTest(name = "{0} hidden, {1}, {2}-{3}")
  @MethodSource("everyActivationLossAndShape")
  @DisplayName("summed gradient, summed loss and predictions, batch sizes 100, 1, 7, 64, 65, with offsets")
  void kernelMatchesNaiveReference(Activation activation, Loss loss, int inputs, int[] hidden,
      TestReporter reporter) {
    Architecture arch = Architecture.of(inputs, hidden, loss.outputsFor(5), activation, loss);
    Network network = new Network(arch);
    SplittableRandom random = new SplittableRandom(100L * activation.ordinal() + 10L * loss.ordinal() + inputs);
    double[] params = parameters(random, network.layout());
    Workspace ws = new Workspace(arch, CAPACITY);
    double worstGradient = 0.0;
    double worstPrediction = 0.0;

    for (int m : BATCHES) {
      int xOff = 3 * inputs + 2; // not a multiple of anything in particular
      int tOff = 13;
      double[] x = inputs(random, inputs, m, xOff);
      double[] t = targets(random, loss, 5, m, tOff);
      Reference expected = naive(arch, params, x, xOff, t, tOff, m);

      double[] gradient = new double[network.parameterCount()];
      double kernelLoss = network.gradient(params, x, xOff, t, tOff, m, gradient, ws);
      String where = "m = " + m + ": ";
      assertEquals(expected.loss(), kernelLoss, REL * expected.loss(), where + "summed loss from gradient()");
      double gradientError = relativeError(gradient, expected.gradient(), gradient.length);
      assertTrue(gradientError <= REL, where + "gradient relative error " + gradientError);

      double predictLoss = network.predict(params, x, xOff, m, t, tOff, ws);
      assertEquals(expected.loss(), predictLoss, REL * expected.loss(), where + "summed loss from predict()");
      double[] out = network.outputs(ws);
      double predictionError = relativeError(out, expected.predictions(), arch.outputs() * m);
      assertTrue(predictionError <= REL, where + "prediction relative error " + predictionError);

      // Without targets: the same predictions, and NaN for the loss.
      assertTrue(Double.isNaN(network.predict(params, x, xOff, m, null, 0, ws)), "no targets, no loss");
      assertTrue(relativeError(network.outputs(ws), expected.predictions(), arch.outputs() * m) <= REL);

      worstGradient = Math.max(worstGradient, gradientError);
      worstPrediction = Math.max(worstPrediction, predictionError);
    }
    reporter.publishEntry("max relative error", String.format("gradient %.1e, predictions %.1e",
        worstGradient, worstPrediction));
  }

  @Test
  @DisplayName("the comparison is sensitive: a reference with one weight's slope off by 1e-11 fails it")
  void comparisonDetectsASmallDifference() {
    Architecture arch = Architecture.of(5, new int[] {7, 3, 6}, 4, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(arch);
    SplittableRandom random = new SplittableRandom(1);
    double[] params = parameters(random, network.layout());
    double[] x = inputs(random, 5, 9, 0);
    double[] t = targets(random, Loss.SOFTMAX_CROSS_ENTROPY, 4, 9, 0);
    double[] gradient = new double[network.parameterCount()];
    network.gradient(params, x, 0, t, 0, 9, gradient, new Workspace(arch, 9));
    double[] expected = naive(arch, params, x, 0, t, 0, 9).gradient();
    assertTrue(relativeError(gradient, expected, gradient.length) <= REL);
    int largest = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.abs(expected[i]) > Math.abs(expected[largest]) ? i : largest;
    }
    expected[largest] *= 1.0 + 1e-11;
    assertTrue(relativeError(gradient, expected, gradient.length) > REL);
  }

  @Test
  @DisplayName("a batch of 0 examples has loss 0 and leaves the gradient untouched")
  void emptyBatch() {
    Architecture arch = Architecture.of(3, new int[] {4}, 1, Activation.RELU, Loss.SQUARED_ERROR);
    Network network = new Network(arch);
    double[] gradient = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
    assertEquals(21, network.parameterCount()); // 4·3 + 4 + 1·4 + 1
    double[] before = gradient.clone();
    double loss = network.gradient(new double[21], new double[0], 0, new double[0], 0, 0, gradient,
        new Workspace(arch, 1));
    assertEquals(0.0, loss);
    assertTrue(Arrays.equals(before, gradient));
  }

  // ---------------------------------------------------------------------------------------------
  // Properties of the outputs.

  @Test
  @DisplayName("softmax predictions are probabilities: in (0, 1) and summing to 1 in every column")
  void softmaxColumnsSumToOne() {
    Architecture arch = Architecture.of(6, new int[] {9}, 7, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(arch);
    SplittableRandom random = new SplittableRandom(3);
    double[] params = parameters(random, network.layout());
    int m = 70;
    double[] x = inputs(random, 6, m, 0);
    Workspace ws = new Workspace(arch, m);
    network.predict(params, x, 0, m, null, 0, ws);
    double[] p = network.outputs(ws);
    for (int j = 0; j < m; j++) {
      double sum = 0.0;
      for (int i = 0; i < 7; i++) {
        double v = p[j * 7 + i];
        assertTrue(v > 0.0 && v < 1.0, "p[" + i + "][" + j + "] = " + v);
        sum += v;
      }
      assertEquals(1.0, sum, 1e-14, "column " + j);
    }
  }

  /**
   * A 2-3-4 network whose last layer has zero weights, so its logits are its biases, set to
   * (1000, −1000, 999, −1000). Then logsumexp(z) = 1000 + log(1 + e^−1 + 2 e^−2000), which is
   * 1000 + log(1 + e^−1) = 1000.31326168751822… in double precision, and the loss of class y is
   * logsumexp(z) − z_y.
   */
  @Test
  @DisplayName("softmax cross-entropy is finite and exact for logits of ±1000")
  void softmaxIsStableForHugeLogits() {
    Architecture arch = Architecture.of(2, new int[] {3}, 4, Activation.IDENTITY, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(arch);
    ParameterLayout layout = network.layout();
    double[] params = new double[layout.size()];
    Arrays.fill(params, 0, layout.biasOffset(1), 0.5); // W_1: anything finite
    double[] logits = {1000.0, -1000.0, 999.0, -1000.0};
    System.arraycopy(logits, 0, params, layout.biasOffset(2), 4);
    double[] x = {0.3, -0.7, 1.0, 2.0, -5.0, 0.0, 0.1, 0.1};
    double[] targets = {0, 1, 2, 3};
    Workspace ws = new Workspace(arch, 4);

    double lse = 1000.0 + Math.log1p(Math.exp(-1.0));
    // Per example: y = 0: lse − 1000 = 0.3133; y = 1: lse + 1000 = 2000.3133;
    //              y = 2: lse − 999 = 1.3133;  y = 3: lse + 1000 = 2000.3133
    double expected = (lse - 1000) + (lse + 1000) + (lse - 999) + (lse + 1000);
    double loss = network.predict(params, x, 0, 4, targets, 0, ws);
    assertTrue(Double.isFinite(loss));
    assertEquals(expected, loss, 1e-12 * expected);
    // Σ = 4 lse − 1000 + 1000 − 999 + 1000 = 4 · 1000.31326168751822… + 1 = 4002.25304675007289…
    assertEquals(4002.2530467500729, loss, 1e-12 * expected);

    double[] p = network.outputs(ws);
    double e = Math.exp(-1.0);
    for (int j = 0; j < 4; j++) {
      // p = (1, 0, e^−1, 0) / (1 + e^−1), up to e^−2000 = 0
      assertEquals(1.0 / (1.0 + e), p[j * 4], 1e-15);
      assertEquals(0.0, p[j * 4 + 1], 0.0);
      assertEquals(e / (1.0 + e), p[j * 4 + 2], 1e-15);
      assertEquals(0.0, p[j * 4 + 3], 0.0);
    }

    double[] gradient = new double[layout.size()];
    assertEquals(loss, network.gradient(params, x, 0, targets, 0, 4, gradient, ws), 1e-12 * expected);
    for (double g : gradient) {
      assertTrue(Double.isFinite(g), "gradient entries are finite");
    }
    // db_2 = Σ_j (p − onehot(y_j)) = 4 p − (1, 1, 1, 1)
    assertEquals(4.0 / (1.0 + e) - 1.0, gradient[layout.biasOffset(2)], 1e-14);
    assertEquals(-1.0, gradient[layout.biasOffset(2) + 1], 1e-14);
  }

  @Test
  @DisplayName("binary cross-entropy is finite and exact for logits of ±1000")
  void binaryCrossEntropyIsStableForHugeLogits() {
    Architecture arch = Architecture.of(1, new int[] {1}, 1, Activation.IDENTITY, Loss.SIGMOID_BINARY_CROSS_ENTROPY);
    Network network = new Network(arch);
    // z = W_2 (W_1 x + b_1) + b_2 with W_1 = 1, b_1 = 0, W_2 = 1000, b_2 = 0: z = 1000 x
    double[] params = {1.0, 0.0, 1000.0, 0.0};
    double[] x = {1.0, 1.0, -1.0, -1.0};
    double[] targets = {1, 0, 1, 0};
    Workspace ws = new Workspace(arch, 4);
    // z = 1000, y = 1: log(1 + e^−1000) = 0 (to double precision); y = 0: 1000
    // z = −1000, y = 1: 1000;                                      y = 0: 0
    double loss = network.predict(params, x, 0, 4, targets, 0, ws);
    assertEquals(2000.0, loss, 1e-12 * 2000.0);
    assertEquals(1.0, network.outputs(ws)[0], 0.0);
    assertEquals(0.0, network.outputs(ws)[2], 1e-300);
    double[] gradient = new double[4];
    network.gradient(params, x, 0, targets, 0, 4, gradient, ws);
    // δ = σ(z) − y = (0, 1, −1, 0); db_2 = Σ δ = 0, dW_2 = Σ δ · a_1 = 1·1 + (−1)(−1) = 2
    assertEquals(0.0, gradient[3], 1e-300);
    assertEquals(2.0, gradient[2], 1e-15);
    for (double g : gradient) {
      assertTrue(Double.isFinite(g));
    }
  }
}
