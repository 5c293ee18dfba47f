package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Loss.HUBER against values worked out by hand, with δ = 1 and r = z − y:
 *
 * <pre>
 *   r      loss                      delta = clamp(r, −1, 1)
 *   −3     1 · (3 − ½)   = 2.5       −1
 *   −0.5   ½ · 0.25      = 0.125     −0.5
 *    0     0                          0
 *    0.5   ½ · 0.25      = 0.125      0.5
 *    3     1 · (3 − ½)   = 2.5        1
 * </pre>
 *
 * Every value is exact in binary, so the comparisons are exact.
 */
@DisplayName("Huber loss (δ = 1): loss and delta by hand")
class HuberLossTest {

  private static final double[] R = {-3.0, -0.5, 0.0, 0.5, 3.0};
  private static final double[] LOSS = {2.5, 0.125, 0.0, 0.125, 2.5};
  private static final double[] DELTA = {-1.0, -0.5, 0.0, 0.5, 1.0};
  /** A target away from 0, so that the residual and the output differ. */
  private static final double Y = 1.5;

  @Test
  @DisplayName("each residual alone: the loss, and z overwritten with the clipped residual")
  void eachResidual() {
    for (int i = 0; i < R.length; i++) {
      double[] z = {Y + R[i]};
      double loss = Loss.HUBER.lossAndDelta(z, 1, 1, new double[] {Y}, 0);
      assertEquals(LOSS[i], loss, 0.0, "loss at r = " + R[i]);
      assertEquals(DELTA[i], z[0], 0.0, "delta at r = " + R[i]);
    }
  }

  @Test
  @DisplayName("a batch: the summed loss, each delta, and targets read from the offset")
  void batchSumsTheLosses() {
    double[] z = new double[R.length];
    double[] targets = new double[R.length + 2];
    targets[0] = Double.NaN; // before the offset: must not be read
    targets[1] = Double.NaN;
    for (int i = 0; i < R.length; i++) {
      targets[i + 2] = Y;
      z[i] = Y + R[i];
    }
    double loss = Loss.HUBER.lossAndDelta(z, 1, R.length, targets, 2);
    assertEquals(5.25, loss, 0.0, "2.5 + 0.125 + 0 + 0.125 + 2.5");
    assertArrayEquals(DELTA, z, 0.0);
  }

  @Test
  @DisplayName("continuous at |r| = δ, where the two pieces meet with value ½ and slope ±1")
  void piecesMeetAtDelta() {
    for (double r : new double[] {-1.0, 1.0}) {
      double[] z = {Y + r};
      assertEquals(0.5, Loss.HUBER.lossAndDelta(z, 1, 1, new double[] {Y}, 0), 0.0);
      assertEquals(r, z[0], 0.0);
      // Just beyond δ the linear piece gives δ (|r| − ½ δ): 1.25 − 0.5 = 0.75, slope still ±1.
      double[] beyond = {Y + 1.25 * r};
      assertEquals(0.75, Loss.HUBER.lossAndDelta(beyond, 1, 1, new double[] {Y}, 0), 0.0);
      assertEquals(r, beyond[0], 0.0);
    }
  }

  @Test
  @DisplayName("identity output, one output, regression, named huber")
  void identityOutputAndNames() {
    double[] z = {-3.0, 0.25, 7.0};
    Loss.HUBER.output(z, 1, 3);
    assertArrayEquals(new double[] {-3.0, 0.25, 7.0}, z, 0.0);
    Loss.HUBER.checkOutputs(1);
    assertThrows(IllegalArgumentException.class, () -> Loss.HUBER.checkOutputs(2));
    assertFalse(Loss.HUBER.isClassification());
    assertEquals(1, Loss.HUBER.outputsFor(0));
    assertEquals("huber", Loss.HUBER.cliName());
    assertSame(Loss.HUBER, Loss.parse("huber"));
    assertSame(Loss.HUBER, Loss.parse(" HUBER "));
  }
}
