package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Parameter layout, initialisation, architecture validation and names")
class LayoutAndInitTest {

  private static final Architecture MNIST_RELU =
      Architecture.of(784, new int[] {256, 128}, 10, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
  private static final Architecture MNIST_SIGMOID =
      Architecture.of(784, new int[] {256, 128}, 10, Activation.SIGMOID, Loss.SOFTMAX_CROSS_ENTROPY);

  private static IllegalArgumentException assertRejected(Executable e, String... mentions) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, e);
    for (String m : mentions) {
      assertTrue(thrown.getMessage().contains(m),
          () -> "the message should mention '" + m + "': " + thrown.getMessage());
    }
    return thrown;
  }

  @Nested
  @DisplayName("ParameterLayout: [W_1 | b_1 | W_2 | b_2 | …], W_l n_l × n_{l−1}")
  class Layout {

    @Test
    @DisplayName("784-256-128-10 has 235,146 parameters at the documented offsets")
    void mnistOffsets() {
      ParameterLayout layout = MNIST_RELU.layout();
      assertEquals(3, layout.layers());
      // 784·256 + 256 + 256·128 + 128 + 128·10 + 10 = 200,704 + 256 + 32,768 + 128 + 1,280 + 10
      assertEquals(235_146, layout.size());
      assertEquals(235_146, new Network(MNIST_RELU).parameterCount());

      assertEquals(0, layout.weightOffset(1));
      assertEquals(200_704, layout.weightCount(1));        // 784·256
      assertEquals(200_704, layout.biasOffset(1));         // right after W_1
      assertEquals(200_960, layout.weightOffset(2));       // 200,704 + 256
      assertEquals(32_768, layout.weightCount(2));         // 256·128
      assertEquals(233_728, layout.biasOffset(2));         // 200,960 + 32,768
      assertEquals(233_856, layout.weightOffset(3));       // 233,728 + 128
      assertEquals(1_280, layout.weightCount(3));          // 128·10
      assertEquals(235_136, layout.biasOffset(3));         // 233,856 + 1,280; + 10 = 235,146

      // rows = n_l (the leading dimension), columns = n_{l−1}
      assertEquals(256, layout.rows(1));
      assertEquals(784, layout.columns(1));
      assertEquals(128, layout.rows(2));
      assertEquals(256, layout.columns(2));
      assertEquals(10, layout.rows(3));
      assertEquals(128, layout.columns(3));
    }

    @Test
    @DisplayName("the blocks tile the vector: each starts where the previous one ends")
    void blocksAreContiguous() {
      ParameterLayout layout =
          Architecture.of(5, new int[] {7, 3, 6}, 4, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY).layout();
      int at = 0;
      for (int l = 1; l <= layout.layers(); l++) {
        assertEquals(at, layout.weightOffset(l), "W_" + l);
        assertEquals(layout.rows(l) * layout.columns(l), layout.weightCount(l));
        at += layout.weightCount(l);
        assertEquals(at, layout.biasOffset(l), "b_" + l);
        at += layout.rows(l);
      }
      assertEquals(at, layout.size());
      assertEquals(5 * 7 + 7 + 7 * 3 + 3 + 3 * 6 + 6 + 6 * 4 + 4, layout.size()); // 42 + 24 + 24 + 28 = 118
    }

    @Test
    @DisplayName("a network too large for one Java array is rejected")
    void tooLarge() {
      // 50,000 · 50,000 = 2.5e9 weights > Integer.MAX_VALUE
      assertRejected(() -> Architecture.of(50_000, new int[] {50_000}, 1, Activation.RELU,
          Loss.SQUARED_ERROR).layout(), "parameters");
    }
  }

  @Nested
  @DisplayName("Initializer")
  class Init {

    @Test
    @DisplayName("is deterministic per seed")
    void deterministic() {
      assertArrayEquals(Initializer.initialize(MNIST_RELU, 42), Initializer.initialize(MNIST_RELU, 42));
    }

    @Test
    @DisplayName("differs across seeds, in every layer and almost every weight")
    void differsAcrossSeeds() {
      double[] a = Initializer.initialize(MNIST_RELU, 42);
      double[] b = Initializer.initialize(MNIST_RELU, 43);
      ParameterLayout layout = MNIST_RELU.layout();
      for (int l = 1; l <= layout.layers(); l++) {
        int same = 0;
        for (int i = layout.weightOffset(l); i < layout.biasOffset(l); i++) {
          same += a[i] == b[i] ? 1 : 0;
        }
        assertEquals(0, same, "layer " + l + " weights equal under seeds 42 and 43");
      }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    @DisplayName("biases start at zero and weights are non-zero and finite")
    void biasesAreZero(Activation activation) {
      Architecture arch = Architecture.of(30, new int[] {20, 10}, 3, activation, Loss.SOFTMAX_CROSS_ENTROPY);
      double[] params = Initializer.initialize(arch, 7);
      ParameterLayout layout = arch.layout();
      assertEquals(layout.size(), params.length);
      for (int l = 1; l <= layout.layers(); l++) {
        for (int i = 0; i < layout.rows(l); i++) {
          assertEquals(0.0, params[layout.biasOffset(l) + i], 0.0, "b_" + l + "[" + i + "]");
        }
        for (int i = layout.weightOffset(l); i < layout.biasOffset(l); i++) {
          assertTrue(params[i] != 0.0 && Double.isFinite(params[i]), "weight " + i + " = " + params[i]);
        }
      }
    }

    @Test
    @DisplayName("rectifiers use He, everything else Glorot")
    void schemes() {
      assertSame(Activation.Init.HE, Activation.RELU.init());
      assertSame(Activation.Init.HE, Activation.LEAKY_RELU.init());
      assertSame(Activation.Init.GLOROT, Activation.SIGMOID.init());
      assertSame(Activation.Init.GLOROT, Activation.TANH.init());
      assertSame(Activation.Init.GLOROT, Activation.IDENTITY.init());
    }

    /**
     * He: N(0, 2/fan_in). On W_1 of 784-256 (n = 200,704 draws), the sample std's standard error
     * is σ/√(2n), 0.16 % of σ, so 1 % is a 6-sigma band; the kurtosis of a normal is 3, with
     * standard error √(24/n) = 0.011 (a uniform's would be 1.8).
     */
    @Test
    @DisplayName("He: std ≈ √(2/fan_in) = √(2/784) = 0.0505 on a 784 × 256 ReLU layer, and Gaussian")
    void heStatistics() {
      double[] params = Initializer.initialize(MNIST_RELU, 2024);
      ParameterLayout layout = MNIST_RELU.layout();
      Moments w1 = Moments.of(params, layout.weightOffset(1), layout.weightCount(1));
      assertEquals(0.0, w1.mean, 5 * 0.0505 / Math.sqrt(200_704), "mean");
      assertEquals(Math.sqrt(2.0 / 784), w1.std, 0.01 * Math.sqrt(2.0 / 784), "std");
      assertEquals(3.0, w1.kurtosis, 0.1, "kurtosis of a normal");
      // W_2, 256 → 128, n = 32,768: std √(2/256) = 0.0884, standard error 0.4 %
      Moments w2 = Moments.of(params, layout.weightOffset(2), layout.weightCount(2));
      assertEquals(Math.sqrt(2.0 / 256), w2.std, 0.02 * Math.sqrt(2.0 / 256), "W_2 std");
    }

    /**
     * Glorot: U(−r, r), r = √(6/(fan_in + fan_out)), so every |w| ≤ r, the largest of 200,704
     * draws comes within 1e-4·r of r, std = r/√3, kurtosis 1.8.
     */
    @Test
    @DisplayName("Glorot: |w| ≤ r = √(6/(784+256)) = 0.0760 on a 784 × 256 sigmoid layer, std ≈ r/√3")
    void glorotStatistics() {
      double[] params = Initializer.initialize(MNIST_SIGMOID, 2024);
      ParameterLayout layout = MNIST_SIGMOID.layout();
      double r = Math.sqrt(6.0 / (784 + 256));
      Moments w1 = Moments.of(params, layout.weightOffset(1), layout.weightCount(1));
      assertTrue(w1.maxAbs <= r, "max |w| " + w1.maxAbs + " > r " + r);
      assertTrue(w1.maxAbs > (1 - 1e-4) * r, "the bound is reached: max |w| " + w1.maxAbs);
      assertEquals(0.0, w1.mean, 5 * r / Math.sqrt(3 * 200_704), "mean");
      assertEquals(r / Math.sqrt(3), w1.std, 0.01 * r / Math.sqrt(3), "std");
      assertEquals(1.8, w1.kurtosis, 0.05, "kurtosis of a uniform");
    }

    @Test
    @DisplayName("the output layer uses Glorot even under ReLU: |w| ≤ √(6/(128+10)) on 784-256-128-10")
    void outputLayerIsGlorot() {
      double[] params = Initializer.initialize(MNIST_RELU, 5);
      ParameterLayout layout = MNIST_RELU.layout();
      double r = Math.sqrt(6.0 / (128 + 10)); // 0.2085; He would give std 0.125 and |w| > r often
      Moments w3 = Moments.of(params, layout.weightOffset(3), layout.weightCount(3));
      assertTrue(w3.maxAbs <= r, "max |w| " + w3.maxAbs + " > r " + r);
      assertTrue(w3.maxAbs > 0.95 * r, "max |w| " + w3.maxAbs);
      // n = 1,280: the variance's standard error is √(0.8/n) = 2.5 % for a uniform
      assertEquals(r * r / 3, w3.std * w3.std, 0.1 * r * r / 3, "variance r²/3");
    }

    @Test
    @DisplayName("each layer has its own stream: a layer's weights do not depend on the widths below it")
    void oneStreamPerLayer() {
      Architecture narrow = Architecture.of(10, new int[] {8, 6}, 3, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
      Architecture wide = Architecture.of(12, new int[] {8, 6}, 3, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
      double[] a = Initializer.initialize(narrow, 99);
      double[] b = Initializer.initialize(wide, 99);
      ParameterLayout la = narrow.layout();
      ParameterLayout lb = wide.layout();
      // W_2 (8 → 6) and W_3 (6 → 3) have the same fans in both: identical weights
      for (int l = 2; l <= 3; l++) {
        assertArrayEquals(
            Arrays.copyOfRange(a, la.weightOffset(l), la.biasOffset(l)),
            Arrays.copyOfRange(b, lb.weightOffset(l), lb.biasOffset(l)), "W_" + l);
      }
      // and W_1 differs in shape, so it differs
      assertNotEquals(a[0], b[0]);
    }

    @Test
    @DisplayName("layers of the same shape and scheme still get different weights (no shared stream)")
    void layersAreIndependent() {
      // 8-8-8-8 under tanh: W_1, W_2 and W_3 are all 8 × 8 with Glorot r = √(6/16)
      Architecture arch = Architecture.of(8, new int[] {8, 8}, 8, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
      double[] params = Initializer.initialize(arch, 11);
      ParameterLayout layout = arch.layout();
      for (int l = 1; l < 3; l++) {
        for (int l2 = l + 1; l2 <= 3; l2++) {
          int same = 0;
          for (int i = 0; i < 64; i++) {
            same += params[layout.weightOffset(l) + i] == params[layout.weightOffset(l2) + i] ? 1 : 0;
          }
          assertEquals(0, same, "W_" + l + " and W_" + l2 + " share weights");
        }
      }
    }
  }

  /** Sample moments of a block of weights. */
  record Moments(double mean, double std, double kurtosis, double maxAbs) {
    static Moments of(double[] values, int offset, int count) {
      double mean = 0.0;
      double maxAbs = 0.0;
      for (int i = offset; i < offset + count; i++) {
        mean += values[i];
        maxAbs = Math.max(maxAbs, Math.abs(values[i]));
      }
      mean /= count;
      double m2 = 0.0;
      double m4 = 0.0;
      for (int i = offset; i < offset + count; i++) {
        double d = values[i] - mean;
        m2 += d * d;
        m4 += d * d * d * d;
      }
      m2 /= count;
      m4 /= count;
      return new Moments(mean, Math.sqrt(m2), m4 / (m2 * m2), maxAbs);
    }
  }

  @Nested
  @DisplayName("Architecture validation")
  class Validation {

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    @DisplayName("a layer of size ≤ 0 is rejected, naming the layer and its size")
    void nonPositiveSizes(int size) {
      assertRejected(() -> new Architecture(new int[] {5, size, 3}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY),
          "layer 1", "size " + size, "positive");
      assertRejected(() -> new Architecture(new int[] {size, 4, 1}, Activation.RELU, Loss.SQUARED_ERROR),
          "layer 0");
      assertRejected(() -> Architecture.of(5, new int[] {7}, size, Activation.RELU, Loss.SQUARED_ERROR),
          "layer 2");
    }

    @Test
    @DisplayName("softmax cross-entropy needs at least 2 outputs")
    void softmaxWithOneOutput() {
      assertRejected(() -> Architecture.of(5, new int[] {4}, 1, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY),
          "softmax", "at least 2", "not 1");
      Architecture.of(5, new int[] {4}, 2, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY); // 2 is fine
    }

    @Test
    @DisplayName("binary cross-entropy has exactly 1 output")
    void binaryCrossEntropyWithTwoOutputs() {
      assertRejected(() -> Architecture.of(5, new int[] {4}, 2, Activation.TANH, Loss.SIGMOID_BINARY_CROSS_ENTROPY),
          "binary cross-entropy", "exactly 1", "not 2");
    }

    @Test
    @DisplayName("squared error has exactly 1 output")
    void squaredErrorWithTwoOutputs() {
      assertRejected(() -> Architecture.of(5, new int[] {4}, 2, Activation.TANH, Loss.SQUARED_ERROR),
          "squared error", "exactly 1", "not 2");
    }

    @Test
    @DisplayName("an input and an output layer, an activation and a loss are required")
    void missingParts() {
      assertRejected(() -> new Architecture(new int[] {5}, Activation.RELU, Loss.SQUARED_ERROR), "input", "output");
      assertRejected(() -> new Architecture(null, Activation.RELU, Loss.SQUARED_ERROR), "input", "output");
      assertRejected(() -> new Architecture(new int[] {5, 1}, null, Loss.SQUARED_ERROR), "activation");
      assertRejected(() -> new Architecture(new int[] {5, 1}, Activation.RELU, null), "loss");
    }

    @Test
    @DisplayName("no hidden layers is a valid (linear or logistic) model")
    void noHiddenLayers() {
      Architecture linear = Architecture.of(4, new int[0], 1, Activation.RELU, Loss.SQUARED_ERROR);
      assertEquals(1, linear.layers());
      assertEquals(5, linear.layout().size()); // 1·4 + 1
    }

    @Test
    @DisplayName("the sizes are copied in and out, so the architecture cannot be changed from outside")
    void defensiveCopies() {
      int[] sizes = {5, 7, 3};
      Architecture arch = new Architecture(sizes, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
      sizes[1] = 1000;
      arch.sizes()[1] = 1000;
      assertEquals(7, arch.width(1));
      assertEquals("5-7-3", arch.shape());
    }

    @Test
    @DisplayName("accessors, shape and value equality")
    void accessors() {
      assertEquals("784-256-128-10", MNIST_RELU.shape());
      assertEquals("784-256-128-10 relu softmax-cross-entropy", MNIST_RELU.toString());
      assertEquals(784, MNIST_RELU.inputs());
      assertEquals(10, MNIST_RELU.outputs());
      assertEquals(3, MNIST_RELU.layers());
      assertEquals(128, MNIST_RELU.width(2));
      Architecture same = new Architecture(new int[] {784, 256, 128, 10}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
      assertEquals(MNIST_RELU, same);
      assertEquals(MNIST_RELU.hashCode(), same.hashCode());
      assertNotEquals(MNIST_RELU, MNIST_SIGMOID);
    }

    @Test
    @DisplayName("Network and Workspace reject mismatched vectors and batches larger than the workspace")
    void networkChecksSizes() {
      Architecture arch = Architecture.of(3, new int[] {4}, 1, Activation.RELU, Loss.SQUARED_ERROR);
      Network network = new Network(arch); // 21 parameters: 4·3 + 4 + 1·4 + 1
      Workspace ws = new Workspace(arch, 2);
      assertEquals(2, ws.capacity());
      double[] x = new double[9];
      double[] t = new double[3];
      assertRejected(() -> network.gradient(new double[20], x, 0, t, 0, 2, new double[21], ws), "20", "21");
      assertRejected(() -> network.gradient(new double[21], x, 0, t, 0, 2, new double[22], ws), "22", "21");
      assertRejected(() -> network.gradient(new double[21], x, 0, t, 0, 3, new double[21], ws), "3", "capacity 2");
      assertRejected(() -> network.predict(new double[21], x, 0, 3, t, 0, ws), "capacity 2");
      assertRejected(() -> new Workspace(arch, 0), "capacity");
    }

    @Test
    @DisplayName("classification targets must be class indices")
    void badLabels() {
      Architecture arch = Architecture.of(2, new int[] {3}, 3, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
      Network network = new Network(arch);
      Workspace ws = new Workspace(arch, 1);
      double[] params = new double[network.parameterCount()];
      double[] x = {0.5, -0.5};
      for (double label : new double[] {3, -1, 0.5, Double.NaN}) {
        assertRejected(() -> network.predict(params, x, 0, 1, new double[] {label}, 0, ws), "label", "0..2");
      }
      Architecture binary = Architecture.of(2, new int[] {3}, 1, Activation.TANH, Loss.SIGMOID_BINARY_CROSS_ENTROPY);
      Network bce = new Network(binary);
      assertRejected(() -> bce.predict(new double[bce.parameterCount()], x, 0, 1, new double[] {2}, 0,
          new Workspace(binary, 1)), "label", "0..1");
    }
  }

  @Nested
  @DisplayName("Names")
  class Names {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    @DisplayName("Activation.parse reads back cliName() and name(), in any case and with spaces")
    void activationRoundTrip(Activation a) {
      assertSame(a, Activation.parse(a.cliName()));
      assertSame(a, Activation.parse(a.name()));
      assertSame(a, Activation.parse("  " + a.cliName().toUpperCase() + " "));
      assertFalse(a.cliName().contains("_"), "command-line names use dashes");
    }

    @Test
    @DisplayName("activation command-line names")
    void activationNames() {
      assertEquals("leaky-relu", Activation.LEAKY_RELU.cliName());
      assertSame(Activation.LEAKY_RELU, Activation.parse("leaky_relu"));
      assertEquals(0.01, Activation.LEAKY_SLOPE);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"softplus", "", "leakyrelu", "relu6"})
    @DisplayName("unknown activations are rejected with the list of known ones")
    void unknownActivation(String name) {
      assertRejected(() -> Activation.parse(name), "unknown activation", "sigmoid, tanh, relu, leaky-relu, identity");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Loss.class)
    @DisplayName("Loss.parse reads back cliName() and name()")
    void lossRoundTrip(Loss l) {
      assertSame(l, Loss.parse(l.cliName()));
      assertSame(l, Loss.parse(l.name()));
      assertSame(l, Loss.parse(" " + l.cliName().toUpperCase() + " "));
    }

    @Test
    @DisplayName("loss aliases, and what each loss implies")
    void lossAliases() {
      for (String s : new String[] {"softmax-cross-entropy", "cross-entropy", "softmax"}) {
        assertSame(Loss.SOFTMAX_CROSS_ENTROPY, Loss.parse(s), s);
      }
      for (String s : new String[] {"binary-cross-entropy", "sigmoid-binary-cross-entropy", "bce", "logistic"}) {
        assertSame(Loss.SIGMOID_BINARY_CROSS_ENTROPY, Loss.parse(s), s);
      }
      for (String s : new String[] {"squared-error", "mse", "l2", "MSE"}) {
        assertSame(Loss.SQUARED_ERROR, Loss.parse(s), s);
      }
      assertTrue(Loss.SOFTMAX_CROSS_ENTROPY.isClassification());
      assertTrue(Loss.SIGMOID_BINARY_CROSS_ENTROPY.isClassification());
      assertFalse(Loss.SQUARED_ERROR.isClassification());
      assertEquals(10, Loss.SOFTMAX_CROSS_ENTROPY.outputsFor(10));
      assertEquals(1, Loss.SIGMOID_BINARY_CROSS_ENTROPY.outputsFor(2));
      assertEquals(1, Loss.SQUARED_ERROR.outputsFor(0));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"hinge", "", "cross entropy", "mae"})
    @DisplayName("unknown losses are rejected with the list of known ones")
    void unknownLoss(String name) {
      assertRejected(() -> Loss.parse(name), "unknown loss",
          "softmax-cross-entropy, binary-cross-entropy, squared-error");
    }
  }
}
