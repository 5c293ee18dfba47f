package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.Split.Role;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {

  @Test
  void rolesHaveExactlyTheRequestedSizes() {
    Split split = new Split(42, 1797, 360, 144);
    Map<Role, Integer> counts = new EnumMap<>(Role.class);
    for (long i = 0; i < 1797; i++) {
      counts.merge(split.roleOf(i), 1, Integer::sum);
    }
    assertEquals(360, counts.get(Role.TEST));
    assertEquals(144, counts.get(Role.VALIDATION));
    assertEquals(1293, counts.get(Role.TRAIN));
    assertEquals(360, split.testCount());
    assertEquals(144, split.validationCount());
    assertEquals(1293, split.trainCount());
    assertEquals(1797, split.size());
    for (Role role : Role.values()) {
      assertEquals((long) counts.get(role), split.count(role));
    }
  }

  @Test
  void positionsWithinEachRoleAreDenseAndDistinct() {
    Split split = new Split(7, 1000, 150, 50);
    Map<Role, boolean[]> seen = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      seen.put(role, new boolean[(int) split.count(role)]);
    }
    for (long i = 0; i < 1000; i++) {
      boolean[] taken = seen.get(split.roleOf(i));
      int position = (int) split.indexInRole(i);
      assertFalse(taken[position], "position " + position + " twice");
      taken[position] = true;
    }
    // Every slot was filled, since counts match and no slot was taken twice.
    for (boolean[] taken : seen.values()) {
      for (boolean t : taken) {
        assertTrue(t);
      }
    }
  }

  @Test
  void followsThePermutationRule() {
    Split split = new Split(3, 500, 100, 40);
    Permutation p = new Permutation(Seeds.derive(3, "split"), 500);
    for (long i = 0; i < 500; i++) {
      long pos = p.apply(i);
      Role expected = pos < 100 ? Role.TEST : pos < 140 ? Role.VALIDATION : Role.TRAIN;
      long expectedIndex = pos < 100 ? pos : pos < 140 ? pos - 100 : pos - 140;
      assertEquals(expected, split.roleOf(i));
      assertEquals(expectedIndex, split.indexInRole(i));
    }
  }

  @Test
  void isReproducibleAndDependsOnTheSeed() {
    Split a = new Split(1, 1000, 200, 0);
    Split b = new Split(1, 1000, 200, 0);
    Split c = new Split(2, 1000, 200, 0);
    int differences = 0;
    for (long i = 0; i < 1000; i++) {
      assertEquals(a.roleOf(i), b.roleOf(i));
      if (a.roleOf(i) != c.roleOf(i)) {
        differences++;
      }
    }
    assertTrue(differences > 100, "a different seed moves many examples: " + differences);
  }

  @Test
  void heldOutExamplesComeFromThroughoutTheFile() {
    // A file sorted by class must not send one class to the test set.
    Split split = new Split(5, 10_000, 2000, 0);
    int[] perBlock = new int[10];
    for (long i = 0; i < 10_000; i++) {
      if (split.roleOf(i) == Role.TEST) {
        perBlock[(int) (i / 1000)]++;
      }
    }
    for (int count : perBlock) {
      assertEquals(200, count, 60);
    }
  }

  @Test
  void edgeSizesWork() {
    Split none = new Split(1, 10, 0, 0);
    for (long i = 0; i < 10; i++) {
      assertEquals(Role.TRAIN, none.roleOf(i));
    }
    Split allHeldOut = new Split(1, 10, 6, 4);
    assertEquals(0, allHeldOut.trainCount());
    assertNotEquals(Role.TRAIN, allHeldOut.roleOf(9));
  }

  @Test
  void impossibleSizesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Split(1, 10, 8, 3));
    assertThrows(IllegalArgumentException.class, () -> new Split(1, 10, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Split(1, 10, 11, 0));
    assertThrows(IllegalArgumentException.class, () -> new Split(1, -1, 0, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> new Split(1, 10, 2, 2).roleOf(10));
  }

  @Test
  void countForRoundsTheFraction() {
    assertEquals(359, Split.countFor(1797, 0.2), "359.4 rounds down");
    assertEquals(0, Split.countFor(1797, 0));
    assertEquals(1, Split.countFor(10, 0.12));
    assertEquals(3, Split.countFor(10, 0.25), "halves round up");
    assertThrows(IllegalArgumentException.class, () -> Split.countFor(10, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Split.countFor(10, -0.1));
    assertThrows(IllegalArgumentException.class, () -> Split.countFor(10, Double.NaN));
  }

  @Test
  void survivesJavaSerialization() {
    Split split = new Split(9, 333, 33, 30);
    Split copy = TestData.roundTrip(split);
    for (long i = 0; i < 333; i++) {
      assertEquals(split.roleOf(i), copy.roleOf(i));
      assertEquals(split.indexInRole(i), copy.indexInRole(i));
    }
  }
}
