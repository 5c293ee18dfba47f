package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureStatsTest {

  private static FeatureStats of(int d, float[] examples, int from, int to) {
    FeatureStats stats = new FeatureStats(d);
    for (int i = from; i < to; i++) {
      stats.add(examples, i * d);
    }
    return stats;
  }

  private static void assertClose(double[] expected, double[] actual) {
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], actual[j], 1e-12 * Math.max(1, Math.abs(expected[j])), "feature " + j);
    }
  }

  @Test
  void meanPopulationStdMinAndMax() {
    // Feature 0: 1, 3, 5 (mean 3, variance 8/3); feature 1: constant 2.
    float[] examples = {1, 2, 3, 2, 5, 2};
    FeatureStats stats = of(2, examples, 0, 3);
    assertEquals(3, stats.count());
    assertEquals(2, stats.featureCount());
    assertArrayEquals(new double[] {3, 2}, stats.mean(), 1e-15);
    assertArrayEquals(new double[] {Math.sqrt(8.0 / 3), 0}, stats.std(), 1e-15);
    assertArrayEquals(new double[] {1, 2}, stats.min());
    assertArrayEquals(new double[] {5, 2}, stats.max());
  }

  @Test
  void doubleValuesAreTakenAtFullPrecision() {
    // 5,000,000.1 has no float of its own (the nearest is 5,000,000.0): targets in double stay exact.
    FeatureStats stats = new FeatureStats(1);
    double[] targets = {5_000_000.1, 5_000_000.3};
    stats.add(targets, 0);
    stats.add(targets, 1);
    assertEquals(5_000_000.2, stats.mean()[0], 1e-9);
    assertEquals(0.1, stats.std()[0], 1e-9);
    assertEquals(5_000_000.1, stats.min()[0], 0.0);
    assertEquals(5_000_000.3, stats.max()[0], 0.0);
  }

  @Test
  void mergingAnySplitGivesTheStatsOfTheWhole() {
    SplittableRandom random = new SplittableRandom(4);
    int d = 5;
    int n = 3000;
    float[] examples = new float[n * d];
    for (int i = 0; i < examples.length; i++) {
      // Different scales and offsets per feature, as real data have.
      int j = i % d;
      examples[i] = (float) (Math.pow(10, j - 2) * random.nextGaussian() + 100 * j);
    }
    FeatureStats whole = of(d, examples, 0, n);
    for (int trial = 0; trial < 20; trial++) {
      int parts = 1 + random.nextInt(12);
      int[] cuts = random.ints(parts - 1, 0, n + 1).sorted().toArray();
      FeatureStats merged = new FeatureStats(d);
      int from = 0;
      for (int k = 0; k <= cuts.length; k++) {
        int to = k < cuts.length ? cuts[k] : n;
        merged.merge(of(d, examples, from, to));
        from = to;
      }
      assertEquals(whole.count(), merged.count());
      assertClose(whole.mean(), merged.mean());
      assertClose(whole.std(), merged.std());
      assertArrayEquals(whole.min(), merged.min());
      assertArrayEquals(whole.max(), merged.max());
    }
  }

  @Test
  void mergeIsSoundForALargeOffsetAndSmallSpread() {
    // The naive E[x²] − E[x]² loses every digit here; the parallel update keeps them.
    int n = 2000;
    float[] examples = new float[n];
    for (int i = 0; i < n; i++) {
      examples[i] = 1e6f + (i % 2 == 0 ? 0.5f : -0.5f);
    }
    FeatureStats merged = of(1, examples, 0, 1000).merge(of(1, examples, 1000, 2000));
    assertEquals(0.5, merged.std()[0], 1e-9);
    assertEquals(1e6, merged.mean()[0], 1e-9);
  }

  @Test
  void mergeReturnsThisAndLeavesTheOtherUnchanged() {
    FeatureStats a = of(1, new float[] {1, 2}, 0, 2);
    FeatureStats b = of(1, new float[] {10}, 0, 1);
    assertSame(a, a.merge(b));
    assertEquals(3, a.count());
    assertEquals(1, b.count());
    assertArrayEquals(new double[] {10}, b.mean());
    assertSame(a, a.merge(new FeatureStats(1)));
    assertEquals(3, a.count());
    FeatureStats empty = new FeatureStats(1).merge(a);
    assertArrayEquals(a.mean(), empty.mean());
    assertArrayEquals(a.std(), empty.std());
  }

  @Test
  void noExamplesMeansNoStatistics() {
    FeatureStats empty = new FeatureStats(2);
    assertEquals(0, empty.count());
    assertTrue(Double.isNaN(empty.mean()[0]));
    assertTrue(Double.isNaN(empty.std()[1]));
    assertEquals(Double.POSITIVE_INFINITY, empty.min()[0]);
    assertEquals(Double.NEGATIVE_INFINITY, empty.max()[0]);
  }

  @Test
  void accessorsReturnCopies() {
    FeatureStats stats = of(1, new float[] {4}, 0, 1);
    stats.mean()[0] = 99;
    stats.min()[0] = 99;
    assertEquals(4, stats.mean()[0]);
    assertEquals(4, stats.min()[0]);
  }

  @Test
  void dimensionsMustAgree() {
    assertThrows(IllegalArgumentException.class, () -> new FeatureStats(2).merge(new FeatureStats(3)));
    assertThrows(IllegalArgumentException.class, () -> new FeatureStats(0));
  }

  @Test
  void survivesJavaSerialization() {
    FeatureStats stats = of(2, new float[] {1, 2, 3, 4}, 0, 2);
    FeatureStats copy = TestData.roundTrip(stats);
    assertArrayEquals(stats.mean(), copy.mean());
    assertArrayEquals(stats.std(), copy.std());
    assertEquals(stats.count(), copy.count());
  }
}
