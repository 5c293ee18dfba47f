package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PermutationTest {
  private static final long[] SIZES = {1, 2, 3, 7, 100, 1000, 4097, 10007};
  private static final long[] SEEDS = {0, 1, 42, -7, Long.MAX_VALUE};

  private static long[] order(long seed, int n) {
    Permutation p = new Permutation(seed, n);
    long[] positions = new long[n];
    for (int i = 0; i < n; i++) {
      positions[i] = p.apply(i);
    }
    return positions;
  }

  @Test
  void isABijectionOnZeroToN() {
    for (long n : SIZES) {
      for (long seed : SEEDS) {
        boolean[] hit = new boolean[(int) n];
        for (long position : order(seed, (int) n)) {
          assertTrue(position >= 0 && position < n, "position " + position + " for n=" + n);
          assertFalse(hit[(int) position], "position " + position + " twice for n=" + n + ", seed=" + seed);
          hit[(int) position] = true;
        }
      }
    }
  }

  @Test
  void inverseUndoesApply() {
    for (long n : SIZES) {
      Permutation p = new Permutation(11, n);
      for (long i = 0; i < n; i++) {
        assertEquals(i, p.inverse(p.apply(i)));
      }
    }
  }

  @Test
  void worksForDomainsNeedingAllSixtyFourBits() {
    for (long n : new long[] {Long.MAX_VALUE, (1L << 62) + 1, 1L << 40}) {
      Permutation p = new Permutation(5, n);
      for (long i : new long[] {0, 1, 12345, n / 2, n - 1}) {
        long position = p.apply(i);
        assertTrue(position >= 0 && position < n);
        assertEquals(i, p.inverse(position));
      }
    }
  }

  @Test
  void isAPureFunctionOfSeedAndN() {
    assertEquals(Arrays.toString(order(3, 1000)), Arrays.toString(order(3, 1000)));
    Permutation p = new Permutation(3, 1000);
    assertEquals(order(3, 1000)[417], p.apply(417), "evaluating one element alone gives the same answer");
  }

  @Test
  void differentSeedsGiveDifferentOrders() {
    long[] first = order(1, 1000);
    for (long seed = 2; seed < 20; seed++) {
      long[] other = order(seed, 1000);
      int same = 0;
      for (int i = 0; i < 1000; i++) {
        if (first[i] == other[i]) {
          same++;
        }
      }
      assertTrue(same < 10, "seed " + seed + " agrees with seed 1 at " + same + " places");
    }
  }

  @Test
  void looksShuffled() {
    int n = 10_000;
    for (long seed : SEEDS) {
      long[] positions = order(seed, n);
      int descents = 0;
      int fixedPoints = 0;
      long displacement = 0;
      for (int i = 0; i < n; i++) {
        if (i + 1 < n && positions[i] > positions[i + 1]) {
          descents++;
        }
        if (positions[i] == i) {
          fixedPoints++;
        }
        displacement += Math.abs(positions[i] - i);
      }
      // A uniform permutation has (n-1)/2 descents (sd about 29), about 1 fixed point, and a
      // mean displacement of n/3.
      assertEquals(0.5, descents / (double) (n - 1), 0.02, "descents, seed " + seed);
      assertTrue(fixedPoints <= 8, fixedPoints + " fixed points, seed " + seed);
      assertEquals(n / 3.0, displacement / (double) n, n * 0.02, "displacement, seed " + seed);
    }
  }

  @Test
  void firstPositionsAreSpreadOverTheWholeRange() {
    // The first tenth of the positions should hold about a tenth of each block of indices.
    int n = 10_000;
    long[] positions = order(9, n);
    int[] perBlock = new int[10];
    for (int i = 0; i < n; i++) {
      if (positions[i] < n / 10) {
        perBlock[i / 1000]++;
      }
    }
    for (int count : perBlock) {
      assertEquals(100, count, 40);
    }
  }

  @Test
  void everyOrderOfASmallDomainOccursAboutEquallyOften() {
    for (int n : new int[] {3, 4}) {
      int orders = n == 3 ? 6 : 24;
      int seeds = orders * 400;
      Map<String, Integer> counts = new HashMap<>();
      for (long seed = 0; seed < seeds; seed++) {
        counts.merge(Arrays.toString(order(seed, n)), 1, Integer::sum);
      }
      assertEquals(orders, counts.size(), "orders of " + n + " elements reached");
      for (int count : counts.values()) {
        assertEquals(400, count, 100, "n=" + n + ": " + counts);
      }
    }
  }

  @Test
  void rejectsIndicesOutsideTheDomain() {
    Permutation p = new Permutation(1, 10);
    assertEquals(10, p.size());
    assertThrows(IndexOutOfBoundsException.class, () -> p.apply(10));
    assertThrows(IndexOutOfBoundsException.class, () -> p.apply(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> new Permutation(1, 0).apply(0));
    assertThrows(IllegalArgumentException.class, () -> new Permutation(1, -1));
  }

  @Test
  void survivesJavaSerialization() {
    Permutation p = new Permutation(77, 4097);
    Permutation copy = TestData.roundTrip(p);
    for (long i = 0; i < 4097; i += 13) {
      assertEquals(p.apply(i), copy.apply(i));
    }
  }
}
