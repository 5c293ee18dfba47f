package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float32 kernel {@link Network32} against the double kernel {@link Network}, which has its
 * own specification tests. Both are fed the very same numbers: parameters and inputs are drawn
 * in double, rounded to float, and the double kernel gets those floats widened back, so every
 * difference comes from float32 arithmetic inside the kernel and none from its inputs.
 *
 * <p>Tolerances are normwise: max_i |v32_i − v64_i| ≤ tol · max_i |v64_i|. An entry-wise
 * relative test would be meaningless for the float kernel, because a summed gradient entry can
 * be a near-cancelling sum whose float rounding is large next to the entry itself but tiny next
 * to the vector's largest entry, which is what decides the size of an update.
 * <ul>
 *   <li>Gradient, tol = 1e-4. Each GEMM entry is a sum of at most K = 70 float products
 *       (the widest dimension here), whose error is bounded by about K · u of the sum of the
 *       terms' magnitudes, u = 2^−24 ≈ 6e-8, and typically √K · u. With up to 4 layers, the
 *       errors of ~8 GEMMs (forward and backward) compound: 8 · 70 · 6e-8 ≈ 3.4e-5 in the worst
 *       case, so 1e-4 leaves room for that bound yet fails any real mistake, whose error is of
 *       order 1 (a test below checks that a 2e-4 change to one entry is caught).</li>
 *   <li>Predictions, tol = 1e-5: one forward pass, about half the GEMMs, and the output
 *       functions (softmax, sigmoid) have slope at most 1, so they do not amplify the error
 *       of z_L.</li>
 *   <li>Summed loss, relative tol = 1e-5: it is computed in double from the float z_L, so its
 *       error is Σ_j delta_j · Δz_j, the forward error again.</li>
 * </ul>
 * Measured, over every case, with OpenBLAS and with the Vector API BLAS alike: gradient
 * 1.2e-6, predictions 6.8e-7, loss 8.1e-7, so the tolerances have a margin of 12 to 80.
 *
 * <p>As in the double kernel's tests, one workspace is reused across the batch sizes (largest
 * first), inputs and targets start at non-zero offsets, and everything outside the window is NaN,
 * so reading a stale buffer or a neighbouring example would show.
 */
@DisplayName("float32 kernel = double kernel to float32 accuracy")
class Network32Test {

  private static final double GRADIENT_TOL = 1e-4;
  private static final double PREDICTION_TOL = 1e-5;
  private static final double LOSS_TOL = 1e-5;
  /** Batch sizes, largest first and all through one workspace, so stale buffers would show. */
  private static final int[] BATCHES = {65, 1, 7, 64};
  private static final int CAPACITY = 65;

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

  // ---------------------------------------------------------------------------------------------
  // Problems: float-representable numbers, NaN outside the window.

  /** Glorot's U(−r, r) weights and biases in ±0.3, rounded to float. */
  static float[] parameters(SplittableRandom random, ParameterLayout layout) {
    double[] params = new double[layout.size()];
    for (int l = 1; l <= layout.layers(); l++) {
      double r = Math.sqrt(6.0 / (layout.rows(l) + layout.columns(l)));
      for (int i = 0; i < layout.weightCount(l); i++) {
        params[layout.weightOffset(l) + i] = random.nextDouble(-r, r);
      }
      for (int i = 0; i < layout.rows(l); i++) {
        params[layout.biasOffset(l) + i] = random.nextDouble(-0.3, 0.3);
      }
    }
    return Network32.narrow(params);
  }

  static float[] inputs(SplittableRandom random, int d, int m, int xOff) {
    float[] x = new float[xOff + d * m + 11];
    Arrays.fill(x, Float.NaN);
    for (int i = 0; i < d * m; i++) {
      x[xOff + i] = (float) random.nextDouble(-1.0, 1.0);
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

  static double[] widen(float[] v) {
    double[] w = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      w[i] = v[i];
    }
    return w;
  }

  /** max_i |actual_i − expected_i| / max_i |expected_i| over the first {@code length} entries. */
  static double normwiseError(float[] actual, double[] expected, int length) {
    return normwiseError(widen(actual), expected, length);
  }

  static double normwiseError(double[] actual, double[] expected, int length) {
    double scale = 0.0;
    double worst = 0.0;
    for (int i = 0; i < length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      double e = Math.abs(actual[i] - expected[i]);
      if (!(e <= worst)) {
        worst = e; // NaN stays NaN and fails the caller's assertion
      }
    }
    return scale == 0.0 ? worst : worst / scale;
  }

  // ---------------------------------------------------------------------------------------------
  // Agreement with the double kernel.

  @ParameterizedTest(name = "{0} hidden, {1}, {2}-{3}")
  @MethodSource("everyActivationLossAndShape")
  @DisplayName("summed gradient, summed loss and predictions, batch sizes 65, 1, 7, 64, with offsets")
  void agreesWithDoubleKernel(Activation activation, Loss loss, int inputs, int[] hidden,
      TestReporter reporter) {
    Architecture arch = Architecture.of(inputs, hidden, loss.outputsFor(5), activation, loss);
    Network network = new Network(arch);
    Network32 network32 = new Network32(arch);
    SplittableRandom random = new SplittableRandom(100L * activation.ordinal() + 10L * loss.ordinal() + inputs);
    float[] params32 = parameters(random, network32.layout());
    double[] params = widen(params32);
    Workspace ws = new Workspace(arch, CAPACITY);
    Workspace32 ws32 = new Workspace32(arch, CAPACITY);
    double worstGradient = 0.0;
    double worstPrediction = 0.0;
    double worstLoss = 0.0;

    for (int m : BATCHES) {
      int xOff = 3 * inputs + 2;
      int tOff = 13;
      float[] x32 = inputs(random, inputs, m, xOff);
      double[] x = widen(x32);
      double[] t = targets(random, loss, 5, m, tOff);
      String where = "m = " + m + ": ";

      double[] gradient = new double[network.parameterCount()];
      double expectedLoss = network.gradient(params, x, xOff, t, tOff, m, gradient, ws);
      float[] gradient32 = new float[network32.parameterCount()];
      double loss32 = network32.gradient(params32, x32, xOff, t, tOff, m, gradient32, ws32);
      double lossError = Math.abs(loss32 - expectedLoss) / expectedLoss;
      assertTrue(lossError <= LOSS_TOL, where + "summed loss from gradient(): relative error " + lossError);
      double gradientError = normwiseError(gradient32, gradient, gradient.length);
      assertTrue(gradientError <= GRADIENT_TOL, where + "gradient normwise error " + gradientError);

      network.predict(params, x, xOff, m, t, tOff, ws);
      double[] expectedOut = network.outputs(ws);
      double predictLoss = network32.predict(params32, x32, xOff, m, t, tOff, ws32);
      assertEquals(loss32, predictLoss, 1e-12 * loss32, where + "predict() and gradient() give the same loss");
      double predictionError = normwiseError(network32.outputs(ws32), expectedOut, arch.outputs() * m);
      assertTrue(predictionError <= PREDICTION_TOL, where + "prediction normwise error " + predictionError);

      // Without targets: the same predictions, and NaN for the loss.
      assertTrue(Double.isNaN(network32.predict(params32, x32, xOff, m, null, 0, ws32)), "no targets, no loss");
      assertTrue(normwiseError(network32.outputs(ws32), expectedOut, arch.outputs() * m) <= PREDICTION_TOL);

      worstGradient = Math.max(worstGradient, gradientError);
      worstPrediction = Math.max(worstPrediction, predictionError);
      worstLoss = Math.max(worstLoss, lossError);
    }
    reporter.publishEntry("max normwise error", String.format("gradient %.1e, predictions %.1e, loss %.1e",
        worstGradient, worstPrediction, worstLoss));
  }

  @Test
  @DisplayName("the gradient is added to what the array holds")
  void gradientAccumulates() {
    Architecture arch = Architecture.of(70, new int[] {67, 9}, 5, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    Network32 network = new Network32(arch);
    SplittableRandom random = new SplittableRandom(7);
    float[] params = parameters(random, network.layout());
    float[] x = inputs(random, 70, 33, 0);
    double[] t = targets(random, Loss.SOFTMAX_CROSS_ENTROPY, 5, 33, 0);
    Workspace32 ws = new Workspace32(arch, 33);
    float[] once = new float[network.parameterCount()];
    network.gradient(params, x, 0, t, 0, 33, once, ws);
    float[] twice = once.clone();
    network.gradient(params, x, 0, t, 0, 33, twice, ws);
    double[] doubled = widen(once);
    for (int i = 0; i < doubled.length; i++) {
      doubled[i] *= 2.0;
    }
    assertTrue(normwiseError(twice, doubled, doubled.length) <= 1e-6);
  }

  @Test
  @DisplayName("the comparison is sensitive: a reference with its largest entry off by 2e-4 fails it")
  void comparisonDetectsASmallDifference() {
    Architecture arch = Architecture.of(5, new int[] {7, 3, 6}, 4, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    SplittableRandom random = new SplittableRandom(1);
    Network32 network32 = new Network32(arch);
    float[] params32 = parameters(random, network32.layout());
    float[] x32 = inputs(random, 5, 9, 0);
    double[] t = targets(random, Loss.SOFTMAX_CROSS_ENTROPY, 4, 9, 0);
    float[] gradient32 = new float[network32.parameterCount()];
    network32.gradient(params32, x32, 0, t, 0, 9, gradient32, new Workspace32(arch, 9));
    double[] expected = new double[gradient32.length];
    new Network(arch).gradient(widen(params32), widen(x32), 0, t, 0, 9, expected, new Workspace(arch, 9));
    assertTrue(normwiseError(gradient32, expected, expected.length) <= GRADIENT_TOL);
    int largest = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.abs(expected[i]) > Math.abs(expected[largest]) ? i : largest;
    }
    expected[largest] *= 1.0 + 2e-4;
    assertTrue(normwiseError(gradient32, expected, expected.length) > GRADIENT_TOL);
  }

  // ---------------------------------------------------------------------------------------------
  // Edge cases.

  @Test
  @DisplayName("a batch of 0 examples has loss 0 and leaves the gradient untouched")
  void emptyBatch() {
    Architecture arch = Architecture.of(3, new int[] {4}, 1, Activation.RELU, Loss.SQUARED_ERROR);
    Network32 network = new Network32(arch);
    float[] gradient = new float[21];
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = i + 1;
    }
    assertEquals(21, network.parameterCount()); // 4·3 + 4 + 1·4 + 1
    float[] before = gradient.clone();
    Workspace32 ws = new Workspace32(arch, 1);
    double loss = network.gradient(new float[21], new float[0], 0, new double[0], 0, 0, gradient, ws);
    assertEquals(0.0, loss);
    assertArrayEquals(before, gradient);
    assertEquals(0.0, network.predict(new float[21], new float[0], 0, 0, new double[0], 0, ws));
    assertTrue(Double.isNaN(network.predict(new float[21], new float[0], 0, 0, null, 0, ws)));
  }

  @Test
  @DisplayName("wrong sizes are refused: batch beyond capacity, parameter and gradient lengths")
  void refusesWrongSizes() {
    Architecture arch = Architecture.of(3, new int[] {4}, 1, Activation.RELU, Loss.SQUARED_ERROR);
    Network32 network = new Network32(arch);
    Workspace32 ws = new Workspace32(arch, 2);
    float[] x = new float[9];
    double[] t = new double[3];
    assertThrows(IllegalArgumentException.class,
        () -> network.gradient(new float[21], x, 0, t, 0, 3, new float[21], ws));
    assertThrows(IllegalArgumentException.class,
        () -> network.gradient(new float[20], x, 0, t, 0, 2, new float[21], ws));
    assertThrows(IllegalArgumentException.class,
        () -> network.gradient(new float[21], x, 0, t, 0, 2, new float[20], ws));
    assertThrows(IllegalArgumentException.class,
        () -> network.predict(new float[21], x, 0, 3, null, 0, ws));
    assertThrows(IllegalArgumentException.class, () -> new Workspace32(arch, 0));
  }

  /**
   * The logits of ±1000 of the double kernel's test, which float32 holds exactly: the loss is
   * computed in double from them, so it is as exact as the double kernel's,
   * 4 · (1000 + log(1 + e^−1)) + 1 = 4002.25304675007289…, although float32 has only 7 digits.
   */
  @Test
  @DisplayName("softmax cross-entropy of logits ±1000 is finite and exact to double precision")
  void softmaxLossIsComputedInDouble() {
    Architecture arch = Architecture.of(2, new int[] {3}, 4, Activation.IDENTITY, Loss.SOFTMAX_CROSS_ENTROPY);
    Network32 network = new Network32(arch);
    ParameterLayout layout = network.layout();
    float[] params = new float[layout.size()];
    Arrays.fill(params, 0, layout.biasOffset(1), 0.5f); // W_1: anything finite; W_2 = 0
    float[] logits = {1000f, -1000f, 999f, -1000f};
    System.arraycopy(logits, 0, params, layout.biasOffset(2), 4);
    float[] x = {0.3f, -0.7f, 1.0f, 2.0f, -5.0f, 0.0f, 0.1f, 0.1f};
    double[] targets = {0, 1, 2, 3};
    Workspace32 ws = new Workspace32(arch, 4);

    double loss = network.predict(params, x, 0, 4, targets, 0, ws);
    assertEquals(4002.2530467500729, loss, 1e-12 * loss);
    double e = Math.exp(-1.0);
    double[] p = network.outputs(ws);
    for (int j = 0; j < 4; j++) {
      assertEquals(1.0 / (1.0 + e), p[j * 4], 1e-15);
      assertEquals(0.0, p[j * 4 + 1], 0.0);
      assertEquals(e / (1.0 + e), p[j * 4 + 2], 1e-15);
      assertEquals(0.0, p[j * 4 + 3], 0.0);
    }
    float[] gradient = new float[layout.size()];
    assertEquals(loss, network.gradient(params, x, 0, targets, 0, 4, gradient, ws), 1e-12 * loss);
    for (float g : gradient) {
      assertTrue(Float.isFinite(g), "gradient entries are finite");
    }
    // db_2 = Σ_j (p − onehot(y_j)) = 4 p − (1, 1, 1, 1), to float precision
    assertEquals(4.0 / (1.0 + e) - 1.0, gradient[layout.biasOffset(2)], 1e-6);
    assertEquals(-1.0, gradient[layout.biasOffset(2) + 1], 1e-6);
  }

  // ---------------------------------------------------------------------------------------------
  // The float overloads of the activations, and narrowing.

  /** Values of every kind: ±0, tiny, ordinary, saturating (|z| > 20) and huge. */
  private static float[] probeValues(SplittableRandom random, int n) {
    float[] z = new float[n];
    float[] special = {0.0f, -0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 20f, -20f,
        90f, -90f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE};
    System.arraycopy(special, 0, z, 0, special.length);
    for (int i = special.length; i < n; i++) {
      z[i] = (float) (random.nextBoolean() ? random.nextDouble(-8.0, 8.0) : random.nextGaussian() * 30.0);
    }
    return z;
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  @DisplayName("float forward and backward equal the double rules rounded to float, bit for bit")
  void floatActivationIsTheDoubleRuleRounded(Activation f) {
    SplittableRandom random = new SplittableRandom(f.ordinal());
    int n = 1000;
    int off = 3;
    int len = n - 5;
    float[] z = probeValues(random, n);

    float[] a32 = z.clone();
    f.forward(a32, off, len);
    double[] a64 = widen(z);
    f.forward(a64, off, len);
    for (int i = 0; i < n; i++) {
      float expected = i >= off && i < off + len ? (float) a64[i] : z[i]; // outside: untouched
      assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(a32[i]), "forward at z = " + z[i]);
    }

    float[] delta32 = new float[n];
    for (int i = 0; i < n; i++) {
      delta32[i] = (float) random.nextDouble(-2.0, 2.0);
    }
    double[] delta64 = widen(delta32);
    float[] before = delta32.clone();
    f.backward(a32, delta32, off, len);
    f.backward(widen(a32), delta64, off, len);
    for (int i = 0; i < n; i++) {
      float expected = i >= off && i < off + len ? (float) delta64[i] : before[i];
      assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(delta32[i]), "backward at a = " + a32[i]);
    }
  }

  @Test
  @DisplayName("narrow rounds each entry to the nearest float, into a new or a given array")
  void narrowRoundsToNearest() {
    double[] params = {0.1, -1.0 / 3.0, 1e-50, 1e50, 0.0, -0.0, 16777217.0};
    float[] expected = {0.1f, -1.0f / 3.0f, 0.0f, Float.POSITIVE_INFINITY, 0.0f, -0.0f, 16777216.0f};
    assertArrayEquals(expected, Network32.narrow(params));
    float[] into = new float[params.length];
    assertTrue(Network32.narrow(params, into) == into);
    assertArrayEquals(expected, into);
    assertThrows(IllegalArgumentException.class, () -> Network32.narrow(params, new float[3]));
  }
}
