package dev.sparkprop.datasets;

import static dev.sparkprop.datasets.TestData.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.LabelStats.Task;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelStatsTest {

  private static LabelStats of(double... labels) {
    LabelStats stats = new LabelStats("train.csv");
    for (double label : labels) {
      stats.add(label);
    }
    return stats;
  }

  @Test
  void zeroAndOneIsBinary() {
    LabelStats stats = of(0, 1, 1, 0, 1);
    assertEquals(Task.BINARY, stats.inferTask());
    assertEquals(2, stats.classes());
    assertEquals(5, stats.count());
  }

  @Test
  void integersFromZeroAreMulticlassWithMaxPlusOneClasses() {
    assertEquals(Task.MULTICLASS, of(0, 1, 2, 9).inferTask());
    assertEquals(10, of(0, 1, 2, 9).classes());
    assertEquals(Task.MULTICLASS, of(1, 2).inferTask(), "classes 1 and 2 imply a class 0 that never occurs");
    assertEquals(3, of(1, 2).classes());
    assertEquals(1000, of(0, 999).classes());
  }

  @Test
  void anythingElseIsRegression() {
    assertEquals(Task.REGRESSION, of(0, 1, 2.5).inferTask());
    assertEquals(Task.REGRESSION, of(-1, 1).inferTask(), "negative labels");
    assertEquals(Task.REGRESSION, of(0, 1000).inferTask(), "more than 1000 classes");
    assertEquals(Task.REGRESSION, of(3.5, 3.5).inferTask(), "a constant target is still regression");
    assertEquals(0, of(0.1, 0.2).classes());
  }

  @Test
  void aSingleClassIsAnError() {
    assertProblem("train.csv", 0, "only one class (label 3) in the data", () -> of(3, 3, 3).inferTask());
    assertProblem("train.csv", 0, "only one class (label 0) in the data", () -> of(0).classes());
    assertProblem("train.csv", 0, "no labels", () -> of().inferTask());
  }

  @Test
  void minMaxIntegersAndDistinctValues() {
    LabelStats stats = of(2, -0.0, 0.0, 7, 2);
    assertEquals(0.0, stats.min());
    assertEquals(7.0, stats.max());
    assertTrue(stats.allIntegers());
    assertArrayEquals(new double[] {0, 2, 7}, stats.distinct().orElseThrow(), "-0 and 0 are one value");
    assertFalse(of(1, 1.5).allIntegers());
  }

  @Test
  void distinctValuesStopBeingTrackedPastAThousand() {
    LabelStats stats = new LabelStats("y");
    for (int i = 0; i < LabelStats.MAX_DISTINCT; i++) {
      stats.add(i * 0.5);
    }
    assertEquals(LabelStats.MAX_DISTINCT, stats.distinct().orElseThrow().length);
    stats.add(0.5);
    assertTrue(stats.distinct().isPresent(), "a repeated value adds nothing");
    stats.add(12345.25);
    assertTrue(stats.distinct().isEmpty());
    assertEquals(Task.REGRESSION, stats.inferTask());
  }

  @Test
  void mergingGivesTheSameAsAddingEverything() {
    SplittableRandom random = new SplittableRandom(2);
    double[] labels = random.ints(5000, 0, 7).asDoubleStream().toArray();
    LabelStats whole = of(labels);
    LabelStats a = new LabelStats("train.csv");
    LabelStats b = new LabelStats("train.csv");
    for (int i = 0; i < labels.length; i++) {
      (i % 3 == 0 ? a : b).add(labels[i]);
    }
    assertSame(a, a.merge(b));
    assertEquals(whole.count(), a.count());
    assertEquals(whole.min(), a.min());
    assertEquals(whole.max(), a.max());
    assertArrayEquals(whole.distinct().orElseThrow(), a.distinct().orElseThrow());
    assertEquals(whole.inferTask(), a.inferTask());
    assertEquals(7, a.classes());
  }

  @Test
  void mergingCarriesNonIntegersAndLostDistinctTracking() {
    LabelStats many = new LabelStats("y");
    for (int i = 0; i <= LabelStats.MAX_DISTINCT; i++) {
      many.add(i);
    }
    assertTrue(of(1, 2).merge(many).distinct().isEmpty());
    assertFalse(of(1, 2).merge(of(0.25)).allIntegers());
    assertEquals(Task.BINARY, of(0).merge(new LabelStats("y")).merge(of(1)).inferTask());
  }

  @Test
  void checkClassLabelsNamesTheOffendingLabel() {
    of(0, 1, 9).checkClassLabels(10);
    assertProblem("train.csv", 0, "label 10 is not a class index: expected an integer in 0..9",
        () -> of(0, 10).checkClassLabels(10));
    assertProblem("train.csv", 0, "label -1 is not a class index: expected an integer in 0..9",
        () -> of(-1, 3).checkClassLabels(10));
    assertProblem("train.csv", 0, "label 2.5 is not a class index: expected an integer in 0..9",
        () -> of(1, 2.5, 3.5).checkClassLabels(10));
    assertProblem("test.csv", 0, "label 3 is not a class index: expected an integer in 0..2",
        () -> of(3).checkClassLabels(3, "test.csv"));
  }

  @Test
  void aBadLabelIsReportedAtItsPositionTheEarliestAmongEqualsWhateverTheMergeOrder() {
    // Labels by position: 0 1 7 2 7 -1 0.5 -1 2.5; partitions take every third position.
    double[] labels = {0, 1, 7, 2, 7, -1, 0.5, -1, 2.5};
    LabelStats[] parts = {new LabelStats("y.csv"), new LabelStats("y.csv"), new LabelStats("y.csv")};
    for (int i = 0; i < labels.length; i++) {
      parts[i % 3].add(labels[i], i);
    }
    LabelStats.Locator lineOf = (position, problem) -> new DataFormatException("y.csv", position + 1, problem);
    for (LabelStats merged : new LabelStats[] {
        copy(parts[0]).merge(parts[1]).merge(parts[2]), copy(parts[2]).merge(parts[1]).merge(parts[0])}) {
      assertProblem("y.csv", 7, "label 0.5 is not a class index: expected an integer in 0..9",
          () -> merged.checkClassLabels(10, lineOf));
      assertProblem("y.csv", 3, "label 7 is too big", () -> { throw merged.greatest("is too big", lineOf); });
    }
    LabelStats integers = new LabelStats("y.csv");
    for (int i = 0; i < 6; i++) {
      integers.add(labels[i], i);
    }
    assertProblem("y.csv", 6, "label -1 is not a class index: expected an integer in 0..9",
        () -> integers.checkClassLabels(10, lineOf));
    integers.add(3, 6);
    assertProblem("y.csv", 6, "label -1 is not a class index: expected an integer in 0..9",
        () -> integers.checkClassLabels(10, lineOf));
    LabelStats nonNegative = of(0, 1, 2);
    nonNegative.add(9, 40);
    assertProblem("y.csv", 41, "label 9 is not a class index: expected an integer in 0..2",
        () -> nonNegative.checkClassLabels(3, lineOf));
  }

  private static LabelStats copy(LabelStats stats) {
    return TestData.roundTrip(stats);
  }

  @Test
  void nonFiniteLabelsAreRefused() {
    LabelStats stats = new LabelStats("y");
    assertThrows(IllegalArgumentException.class, () -> stats.add(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> stats.add(Double.POSITIVE_INFINITY));
  }

  @Test
  void survivesJavaSerialization() {
    LabelStats stats = of(0, 1, 2);
    LabelStats copy = TestData.roundTrip(stats);
    assertEquals("train.csv", copy.source());
    assertEquals(Task.MULTICLASS, copy.inferTask());
    assertArrayEquals(new double[] {0, 1, 2}, copy.distinct().orElseThrow());
  }
}
