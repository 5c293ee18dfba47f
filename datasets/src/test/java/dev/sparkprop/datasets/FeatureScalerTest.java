package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FeatureScalerTest {
  /** Feature 0 takes 2, 4, 6; feature 1 is constant 7; feature 2 takes -1, 0, 1. */
  private static final float[] EXAMPLES = {2, 7, -1, 4, 7, 0, 6, 7, 1};

  private static FeatureStats stats() {
    FeatureStats stats = new FeatureStats(3);
    for (int i = 0; i < 3; i++) {
      stats.add(EXAMPLES, 3 * i);
    }
    return stats;
  }

  private static FeatureStats scaledStats(FeatureScaler scaler) {
    float[] copy = EXAMPLES.clone();
    FeatureStats after = new FeatureStats(3);
    for (int i = 0; i < 3; i++) {
      scaler.apply(copy, 3 * i, 3);
      after.add(copy, 3 * i);
    }
    return after;
  }

  @Test
  void standardizingGivesZeroMeanAndUnitStd() {
    FeatureScaler scaler = FeatureScaler.fit(Scaling.STANDARDIZE, stats());
    FeatureStats after = scaledStats(scaler);
    assertArrayEquals(new double[] {0, 0, 0}, after.mean(), 1e-6);
    assertArrayEquals(new double[] {1, 0, 1}, after.std(), 1e-6, "the constant feature stays constant");
  }

  @Test
  void minMaxMapsTheTrainingRangeToZeroOne() {
    FeatureScaler scaler = FeatureScaler.fit(Scaling.MINMAX, stats());
    FeatureStats after = scaledStats(scaler);
    assertArrayEquals(new double[] {0, 0, 0}, after.min(), 1e-7);
    assertArrayEquals(new double[] {1, 0, 1}, after.max(), 1e-7);
    assertEquals(1.5, scaler.apply(0, 8), 1e-12, "values beyond the training range go beyond 1");
  }

  @Test
  void constantFeaturesAreShiftedButNeverDividedByZero() {
    for (Scaling scaling : new Scaling[] {Scaling.STANDARDIZE, Scaling.MINMAX}) {
      FeatureScaler scaler = FeatureScaler.fit(scaling, stats());
      assertEquals(1.0, scaler.scale()[1], scaling.name());
      assertEquals(7.0, scaler.shift()[1], scaling.name());
      assertEquals(1.0, scaler.apply(1, 8), scaling.name());
    }
  }

  @Test
  void noneIsTheIdentity() {
    FeatureScaler none = FeatureScaler.fit(Scaling.NONE, stats());
    assertEquals(FeatureScaler.identity(3), none);
    float[] copy = EXAMPLES.clone();
    none.apply(copy, 3, 3);
    assertArrayEquals(EXAMPLES, copy);
    assertEquals(3, none.featureCount());
  }

  @Test
  void applyChangesOnlyTheGivenExample() {
    FeatureScaler scaler = new FeatureScaler(new double[] {1, 2}, new double[] {2, 0.5});
    float[] batch = {1, 2, 3, 4, 5, 6};
    scaler.apply(batch, 2, 2);
    assertArrayEquals(new float[] {1, 2, 4, 1, 5, 6}, batch);
    assertEquals(4.0, scaler.apply(0, 3));
    assertThrows(IllegalArgumentException.class, () -> scaler.apply(batch, 0, 3));
  }

  @Test
  void isImmutableAndValidated() {
    double[] shift = {1};
    FeatureScaler scaler = new FeatureScaler(shift, new double[] {2});
    shift[0] = 5;
    scaler.shift()[0] = 6;
    assertEquals(1.0, scaler.shift()[0]);
    assertThrows(IllegalArgumentException.class, () -> new FeatureScaler(new double[2], new double[1]));
    assertThrows(IllegalArgumentException.class, () -> new FeatureScaler(new double[] {0}, new double[] {Double.NaN}));
    assertEquals(scaler, TestData.roundTrip(scaler));
  }

  @Test
  void fittingNeedsExamples() {
    assertThrows(IllegalArgumentException.class, () -> FeatureScaler.fit(Scaling.STANDARDIZE, new FeatureStats(2)));
    assertEquals(FeatureScaler.identity(2), FeatureScaler.fit(Scaling.NONE, new FeatureStats(2)));
  }

  @Test
  void scalingParsesIgnoringCase() {
    assertEquals(Scaling.STANDARDIZE, Scaling.parse("standardize"));
    assertEquals(Scaling.MINMAX, Scaling.parse("MinMax"));
    assertEquals(Scaling.NONE, Scaling.parse("none"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scaling.parse("zscore"));
    assertEquals("unknown scaling 'zscore': expected one of none, standardize, minmax", e.getMessage());
  }
}
