package dev.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Clipping by global norm: if ‖g‖ > c then g ← c g / ‖g‖, returning ‖g‖ from before. */
@DisplayName("Gradient clipping by global norm")
class GradientClippingTest {

  @Test
  @DisplayName("a gradient longer than the maximum is scaled to exactly that length")
  void clipsExactly() {
    double[] g = {3.0, 4.0};
    // ‖g‖ = 5, c = 2.5, so the scale is 1/2, exact in binary
    assertEquals(5.0, GradientClipping.clipByGlobalNorm(g, 2.5));
    assertArrayEquals(new double[] {1.5, 2.0}, g, 0.0);
    assertEquals(2.5, GradientClipping.norm(g));
  }

  @Test
  @DisplayName("a long random gradient ends at the maximum norm, in the same direction")
  void clipsKeepingDirection() {
    Random random = new Random(7);
    double[] g = new double[10_000];
    for (int i = 0; i < g.length; i++) {
      g[i] = random.nextGaussian();
    }
    double[] before = g.clone();
    double norm = GradientClipping.clipByGlobalNorm(g, 1.0);
    assertEquals(GradientClipping.norm(before), norm, 0.0, "returns the norm before clipping");
    assertEquals(100.0, norm, 5.0, "about √10,000");
    assertEquals(1.0, GradientClipping.norm(g), 1e-14);
    for (int i = 0; i < g.length; i++) {
      assertEquals(before[i] / norm, g[i], 1e-16, "entry " + i);
    }
  }

  @Test
  @DisplayName("a gradient within the maximum, or exactly at it, is untouched")
  void leavesSmallGradients() {
    double[] small = {0.3, -0.4};
    assertEquals(0.5, GradientClipping.clipByGlobalNorm(small, 1.0), 1e-16);
    assertArrayEquals(new double[] {0.3, -0.4}, small, 0.0);
    double[] atLimit = {3.0, 4.0};
    assertEquals(5.0, GradientClipping.clipByGlobalNorm(atLimit, 5.0));
    assertArrayEquals(new double[] {3.0, 4.0}, atLimit, 0.0);
    double[] zero = {0.0, 0.0, 0.0};
    assertEquals(0.0, GradientClipping.clipByGlobalNorm(zero, 1.0));
    assertArrayEquals(new double[3], zero, 0.0);
    assertEquals(0.0, GradientClipping.clipByGlobalNorm(new double[0], 1.0));
  }

  @Test
  @DisplayName("norms whose squares overflow or underflow are still right")
  void extremeScales() {
    double[] huge = {3e200, -4e200};  // the squares overflow to ∞
    assertEquals(5e200, GradientClipping.clipByGlobalNorm(huge, 1.0), 5e200 * 1e-15);
    assertArrayEquals(new double[] {0.6, -0.8}, huge, 1e-15);
    double[] tiny = {3e-200, 4e-200};  // the squares underflow to 0
    assertEquals(5e-200, GradientClipping.clipByGlobalNorm(tiny, 1.0), 5e-200 * 1e-15);
    assertArrayEquals(new double[] {3e-200, 4e-200}, tiny, 0.0);
  }

  @Test
  @DisplayName("a NaN or infinite gradient is left for the divergence check to see")
  void nonFinite() {
    double[] nan = {1e3, Double.NaN};
    assertEquals(Double.NaN, GradientClipping.clipByGlobalNorm(nan, 1.0));
    assertEquals(1e3, nan[0]);
    double[] inf = {1e3, Double.NEGATIVE_INFINITY};
    assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(inf, 1.0));
    assertEquals(1e3, inf[0]);
  }

  @ParameterizedTest(name = "max norm {0}")
  @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
  @DisplayName("the maximum norm must be positive and finite")
  void badMaxNorm(double maxNorm) {
    assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(new double[] {1.0}, maxNorm));
  }
}
