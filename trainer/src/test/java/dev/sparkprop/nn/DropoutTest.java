package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inverted dropout in {@link Network#gradient}: the masks are a pure function of (seed, epoch,
 * example id, layer, unit), the gradient is that of the thinned network, and inference never
 * drops.
 */
@DisplayName("Dropout: deterministic masks, exact gradients of the thinned network, none at inference")
class DropoutTest {

  private static final int BATCH = 6;
  private static final long[] IDS = {17, 3, 40_000_000_000L, 0, 5, 123_456};

  @ParameterizedTest(name = "{0} hidden, {1}")
  @CsvSource({"TANH, SOFTMAX_CROSS_ENTROPY", "SIGMOID, SOFTMAX_CROSS_ENTROPY", "TANH, SQUARED_ERROR",
      "SIGMOID, SIGMOID_BINARY_CROSS_ENTROPY", "IDENTITY, HUBER"})
  @DisplayName("with a fixed mask, every derivative equals central differences to 1e-6 relative")
  void gradientOfTheThinnedNetwork(Activation activation, Loss loss) {
    // Smooth activations only: a mask changes which pre-activations sit near a rectifier's kink,
    // and the plain gradient check already covers the kinks without dropout.
    GradientCheckTest.Problem p = GradientCheckTest.Problem.random(activation, loss, 77L + activation.ordinal());
    Network net = p.network();
    Workspace ws = new Workspace(net.architecture(), BATCH);
    Dropout dropout = new Dropout(0.3, 9, 2);
    int n = p.params().length;
    double[] analytic = new double[n];
    net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, analytic, ws, dropout, IDS, 0);

    double[] scratch = new double[n];
    double[] theta = p.params().clone();
    double[] numeric = new double[n];
    double h = 3e-5;
    for (int i = 0; i < n; i++) {
      double saved = theta[i];
      theta[i] = saved + h;
      double plus = net.gradient(theta, p.x(), 0, p.targets(), 0, BATCH, scratch, ws, dropout, IDS, 0);
      theta[i] = saved - h;
      double minus = net.gradient(theta, p.x(), 0, p.targets(), 0, BATCH, scratch, ws, dropout, IDS, 0);
      theta[i] = saved;
      numeric[i] = (plus - minus) / (2.0 * h);
    }
    double[] worst = GradientCheckTest.worst(analytic, numeric);
    int at = (int) worst[0];
    assertTrue(worst[1] <= 1e-6, () -> String.format("parameter %d: analytic %.17g, numeric %.17g, relative error %.3e",
        at, analytic[at], numeric[at], worst[1]));

    // Not vacuous: the mask really changed the gradient, and dropped something in every hidden layer.
    double[] plain = new double[n];
    net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, plain, ws);
    assertTrue(GradientCheckTest.worst(plain, analytic)[1] > 1e-3, "dropout changed the gradient");
    ParameterLayout layout = net.layout();
    for (int l = 1; l < layout.layers(); l++) {
      int dropped = 0;
      for (int j = 0; j < BATCH; j++) {
        for (int u = 0; u < layout.rows(l); u++) {
          dropped += dropout.keeps(IDS[j], l, u) ? 0 : 1;
        }
      }
      assertTrue(dropped > 0, "layer " + l + " drops some unit");
    }
  }

  @Test
  @DisplayName("the kernel applies exactly Dropout.keeps's decisions, scaled by 1/(1 − p)")
  void kernelUsesTheDecisions() {
    GradientCheckTest.Problem p = GradientCheckTest.Problem.random(Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY, 3);
    Network net = p.network();
    Workspace ws = new Workspace(net.architecture(), BATCH);
    Dropout dropout = new Dropout(0.4, 21, 5);
    net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, new double[p.params().length], ws, dropout, IDS, 0);
    ParameterLayout layout = net.layout();
    for (int l = 1; l < layout.layers(); l++) {
      int rows = layout.rows(l);
      for (int j = 0; j < BATCH; j++) {
        for (int u = 0; u < rows; u++) {
          int k = j * rows + u;
          double expected = dropout.keeps(IDS[j], l, u) ? 1.0 / 0.6 : 0.0;
          assertEquals(expected, ws.dropScale[l][k], 0.0);
          assertEquals(ws.undropped[l][k] * expected, ws.activations[l][k], 0.0);
        }
      }
    }
  }

  @Test
  @DisplayName("an example's mask follows its id, not its place in the batch")
  void masksFollowTheIdNotThePosition() {
    GradientCheckTest.Problem p = GradientCheckTest.Problem.random(Activation.TANH, Loss.SQUARED_ERROR, 4);
    Network net = p.network();
    Workspace ws = new Workspace(net.architecture(), BATCH);
    Dropout dropout = new Dropout(0.5, 1, 0);
    int d = net.architecture().inputs();
    double[] forward = new double[p.params().length];
    double lossForward = net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, forward, ws, dropout, IDS, 0);
    // The same examples, reversed, with their ids; and one at a time, from an offset.
    double[] x = new double[p.x().length];
    double[] t = new double[BATCH];
    long[] ids = new long[BATCH + 2];
    for (int j = 0; j < BATCH; j++) {
      System.arraycopy(p.x(), j * d, x, (BATCH - 1 - j) * d, d);
      t[BATCH - 1 - j] = p.targets()[j];
      ids[2 + BATCH - 1 - j] = IDS[j];
    }
    double[] reversed = new double[forward.length];
    double lossReversed = net.gradient(p.params(), x, 0, t, 0, BATCH, reversed, ws, dropout, ids, 2);
    double[] single = new double[forward.length];
    double lossSingle = 0.0;
    for (int j = 0; j < BATCH; j++) {
      lossSingle += net.gradient(p.params(), p.x(), j * d, p.targets(), j, 1, single, ws, dropout, IDS, j);
    }
    assertEquals(lossForward, lossReversed, 1e-13 * lossForward);
    assertEquals(lossForward, lossSingle, 1e-13 * lossForward);
    assertTrue(GradientCheckTest.worst(forward, reversed)[1] < 1e-12);
    assertTrue(GradientCheckTest.worst(forward, single)[1] < 1e-12);
  }

  @Test
  @DisplayName("decisions repeat for the same (seed, epoch, id, layer, unit), change with the epoch, and keep ≈ 1 − p")
  void decisionsAreDeterministicAndCalibrated() {
    double rate = 0.3;
    Dropout a = new Dropout(rate, 42, 3);
    Dropout again = new Dropout(rate, 42, 3);
    Dropout nextEpoch = new Dropout(rate, 42, 4);
    Dropout otherSeed = new Dropout(rate, 43, 3);
    long decisions = 0;
    long kept = 0;
    long epochDiffers = 0;
    long seedDiffers = 0;
    for (long id = 0; id < 2_000; id++) {
      for (int layer = 1; layer <= 2; layer++) {
        for (int unit = 0; unit < 50; unit++) {
          boolean k = a.keeps(id, layer, unit);
          assertEquals(k, again.keeps(id, layer, unit));
          decisions++;
          kept += k ? 1 : 0;
          epochDiffers += k != nextEpoch.keeps(id, layer, unit) ? 1 : 0;
          seedDiffers += k != otherSeed.keeps(id, layer, unit) ? 1 : 0;
        }
      }
    }
    // 200,000 decisions: the kept fraction's standard deviation is about 0.001.
    assertEquals(1.0 - rate, (double) kept / decisions, 0.005);
    // Independent masks disagree with probability 2p(1 − p) = 0.42.
    assertEquals(2 * rate * (1 - rate), (double) epochDiffers / decisions, 0.01);
    assertEquals(2 * rate * (1 - rate), (double) seedDiffers / decisions, 0.01);
  }

  @Test
  @DisplayName("predict never drops: its outputs and loss are the same before and after dropout training passes")
  void inferenceIsUnaffected() {
    GradientCheckTest.Problem p = GradientCheckTest.Problem.random(Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY, 8);
    Network net = p.network();
    Workspace fresh = new Workspace(net.architecture(), BATCH);
    double loss = net.predict(p.params(), p.x(), 0, BATCH, p.targets(), 0, fresh);
    double[] outputs = Arrays.copyOf(net.outputs(fresh), net.architecture().outputs() * BATCH);

    Workspace used = new Workspace(net.architecture(), BATCH);
    net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, new double[p.params().length], used,
        new Dropout(0.6, 5, 1), IDS, 0);
    double lossAfter = net.predict(p.params(), p.x(), 0, BATCH, p.targets(), 0, used);
    assertEquals(loss, lossAfter, 0.0);
    assertArrayEquals(outputs, Arrays.copyOf(net.outputs(used), outputs.length));
  }

  @Test
  @DisplayName("rate 0 (or no dropout at all) is the plain pass, bit for bit")
  void zeroRateIsThePlainPass() {
    GradientCheckTest.Problem p = GradientCheckTest.Problem.random(Activation.LEAKY_RELU, Loss.HUBER, 12);
    Network net = p.network();
    Workspace ws = new Workspace(net.architecture(), BATCH);
    double[] plain = new double[p.params().length];
    double lossPlain = net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, plain, ws);
    double[] zero = new double[plain.length];
    double lossZero = net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, zero, ws, new Dropout(0.0, 7, 3), IDS, 0);
    double[] none = new double[plain.length];
    double lossNone = net.gradient(p.params(), p.x(), 0, p.targets(), 0, BATCH, none, ws, null, null, 0);
    assertArrayEquals(plain, zero);
    assertArrayEquals(plain, none);
    assertEquals(lossPlain, lossZero, 0.0);
    assertEquals(lossPlain, lossNone, 0.0);
  }

  @Test
  @DisplayName("the rate must be in [0, 1), and an active dropout needs an id per example")
  void validation() {
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, 0, 0));
    GradientCheckTest.Problem p = GradientCheckTest.Problem.random(Activation.TANH, Loss.SQUARED_ERROR, 2);
    Workspace ws = new Workspace(p.network().architecture(), BATCH);
    assertThrows(IllegalArgumentException.class, () -> p.network().gradient(p.params(), p.x(), 0, p.targets(), 0,
        BATCH, new double[p.params().length], ws, new Dropout(0.5, 0, 0), new long[BATCH - 1], 0));
  }
}
