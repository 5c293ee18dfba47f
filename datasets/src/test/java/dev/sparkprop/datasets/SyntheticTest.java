package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.Synthetic.Kind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticTest {

  @Test
  void shapesOfTheProblems() {
    assertEquals(2, Kind.XOR.features());
    assertEquals(2, Kind.XOR.classes());
    assertEquals(2000, Kind.XOR.defaultSize());
    assertEquals(2, Kind.SPIRALS.features());
    assertEquals(2, Kind.SPIRALS.classes());
    assertEquals(2000, Kind.SPIRALS.defaultSize());
    assertEquals(2, Kind.BLOBS.features());
    assertEquals(4, Kind.BLOBS.classes());
    assertEquals(3000, Kind.BLOBS.defaultSize());
    assertEquals(10, Kind.FRIEDMAN1.features());
    assertEquals(0, Kind.FRIEDMAN1.classes(), "regression");
    assertEquals(2000, Kind.FRIEDMAN1.defaultSize());
  }

  @Test
  void eachExampleIsAPureFunctionOfSeedAndIndex() {
    for (Kind kind : Kind.values()) {
      float[] first = new float[kind.features()];
      float[] again = new float[kind.features()];
      double label = kind.example(11, 123, first, 0);
      // Other examples in between must not matter.
      kind.example(11, 5, new float[kind.features()], 0);
      assertEquals(label, kind.example(11, 123, again, 0));
      assertArrayEquals(first, again, kind.name());
    }
  }

  @Test
  void theExampleSeedIsDerivedFromTheMasterSeed() {
    assertEquals(Seeds.derive(5, "synthetic.xor", 17), Kind.XOR.exampleSeed(5, 17));
    assertEquals(Seeds.derive(5, "synthetic.blobs", 0), Kind.BLOBS.exampleSeed(5, 0));
    assertEquals(Seeds.derive(5, "synthetic.friedman1", 9), Kind.FRIEDMAN1.exampleSeed(5, 9));
  }

  @Test
  void aSliceIsTheSameAsTheSliceOfTheWhole() {
    for (Kind kind : Kind.values()) {
      DenseDataset whole = Synthetic.generate(kind, 3, 1000);
      DenseDataset part = Synthetic.generate(kind, 3, 400, 650);
      DenseDataset expected = whole.slice(400, 650);
      assertArrayEquals(expected.features(), part.features(), kind.name());
      assertArrayEquals(expected.labels(), part.labels(), kind.name());
    }
  }

  @Test
  void differentSeedsGiveDifferentData() {
    for (Kind kind : Kind.values()) {
      assertFalse(Arrays.equals(Synthetic.generate(kind, 1, 100).features(),
          Synthetic.generate(kind, 2, 100).features()), kind.name());
    }
  }

  @Test
  void xorLabelsAreOneWhenTheSignsDiffer() {
    DenseDataset data = Synthetic.generate(Kind.XOR, 8, 4000);
    float[] x = data.features();
    int agree = 0;
    int ones = 0;
    for (int i = 0; i < data.size(); i++) {
      assertTrue(Math.abs(x[2 * i]) < 1.3 && Math.abs(x[2 * i + 1]) < 1.3);
      boolean signsDiffer = (x[2 * i] > 0) != (x[2 * i + 1] > 0);
      if ((signsDiffer ? 1.0 : 0.0) == data.labels()[i]) {
        agree++;
      }
      ones += (int) data.labels()[i];
    }
    // Noise moves only points close to an axis across it.
    assertTrue(agree > 0.95 * data.size(), agree + " of " + data.size());
    assertTrue(agree < data.size(), "there is some noise");
    assertEquals(0.5, ones / (double) data.size(), 0.04);
  }

  @Test
  void spiralClassesAlternateAndStayInTheUnitDisc() {
    DenseDataset data = Synthetic.generate(Kind.SPIRALS, 8, 2000);
    float[] x = data.features();
    for (int i = 0; i < data.size(); i++) {
      assertEquals(i % 2, data.labels()[i]);
      double radius = Math.hypot(x[2 * i], x[2 * i + 1]);
      assertTrue(radius < 1.2, "radius " + radius);
    }
    // The arms are point reflections of each other: example (t, arm 1) sits opposite (t, arm 0),
    // so the two classes have the same mean radius.
    double[] meanRadius = new double[2];
    for (int i = 0; i < data.size(); i++) {
      meanRadius[i % 2] += Math.hypot(x[2 * i], x[2 * i + 1]) / 1000;
    }
    assertEquals(0.55, meanRadius[0], 0.03);
    assertEquals(0.55, meanRadius[1], 0.03);
  }

  @Test
  void blobsAreUnitGaussiansAroundFourCentres() {
    double[][] centres = {{0, 3}, {3, 0}, {0, -3}, {-3, 0}};
    DenseDataset data = Synthetic.generate(Kind.BLOBS, 8, 8000);
    float[] x = data.features();
    double[] sum = new double[4];
    double[] sumSquares = new double[4];
    int nearestIsOwn = 0;
    for (int i = 0; i < data.size(); i++) {
      int c = (int) data.labels()[i];
      assertEquals(i % 4, c);
      double dx = x[2 * i] - centres[c][0];
      double dy = x[2 * i + 1] - centres[c][1];
      sum[c] += dx + dy;
      sumSquares[c] += dx * dx + dy * dy;
      int nearest = 0;
      for (int k = 1; k < 4; k++) {
        if (Math.hypot(x[2 * i] - centres[k][0], x[2 * i + 1] - centres[k][1])
            < Math.hypot(x[2 * i] - centres[nearest][0], x[2 * i + 1] - centres[nearest][1])) {
          nearest = k;
        }
      }
      if (nearest == c) {
        nearestIsOwn++;
      }
    }
    for (int c = 0; c < 4; c++) {
      assertEquals(0, sum[c] / 4000, 0.06, "offset from centre " + c);
      assertEquals(1, sumSquares[c] / 4000, 0.08, "variance per coordinate, class " + c);
    }
    double error = 1 - nearestIsOwn / (double) data.size();
    assertTrue(error > 0.015 && error < 0.06, "nearest-centre error " + error);
  }

  @Test
  void friedman1FeaturesAreInTheUnitIntervalAndSpreadOverIt() {
    DenseDataset data = Synthetic.generate(Kind.FRIEDMAN1, 8, 4000);
    float[] x = data.features();
    double[] mean = new double[10];
    for (int i = 0; i < data.size(); i++) {
      for (int k = 0; k < 10; k++) {
        float v = x[10 * i + k];
        assertTrue(v >= 0f && v <= 1f, "feature " + k + " of example " + i + ": " + v);
        mean[k] += v / data.size();
      }
    }
    // U(0, 1) has mean ½ and standard deviation 1/√12 ≈ 0.29, so a mean of 4000 is ½ ± 0.005.
    for (int k = 0; k < 10; k++) {
      assertEquals(0.5, mean[k], 0.025, "mean of feature " + k);
    }
  }

  @Test
  void friedman1NoiselessPartByHand() {
    // sin(π · ½ · 1) = 1, (0.75 − 0.5)² = 1/16: 10 + 20/16 + 10·0.2 + 5·0.4 = 10 + 1.25 + 2 + 2.
    assertEquals(15.25, Synthetic.friedman1Mean(0.5, 1.0, 0.75, 0.2, 0.4), 1e-12);
    // sin(0) = 0 and (0 − 0.5)² = ¼: 0 + 5 + 0 + 0.
    assertEquals(5.0, Synthetic.friedman1Mean(0.0, 0.7, 0.0, 0.0, 0.0), 1e-12);
    // sin(π · 0.5 · 0.5) = sin(π/4) = √2/2; x3 = ½ contributes nothing: 5√2 + 10 + 5.
    assertEquals(5 * Math.sqrt(2) + 15, Synthetic.friedman1Mean(0.5, 0.5, 0.5, 1.0, 1.0), 1e-12);
  }

  @Test
  void friedman1TargetsAreTheFormulaPlusUnitNoise() {
    int n = 20000;
    DenseDataset data = Synthetic.generate(Kind.FRIEDMAN1, 8, n);
    float[] x = data.features();
    double[] y = data.labels();
    double sum = 0;
    double residualSum = 0;
    double residualSquares = 0;
    for (int i = 0; i < n; i++) {
      int at = 10 * i;
      double residual = y[i] - Synthetic.friedman1Mean(x[at], x[at + 1], x[at + 2], x[at + 3], x[at + 4]);
      residualSum += residual;
      residualSquares += residual * residual;
      sum += y[i];
    }
    double mean = sum / n;
    double variance = 0;
    for (int i = 0; i < n; i++) {
      variance += (y[i] - mean) * (y[i] - mean) / (n - 1);
    }
    // The noise is N(0, 1): its mean of 20000 is 0 ± 0.007 (σ), its mean square 1 ± 0.01.
    assertEquals(0.0, residualSum / n, 0.035, "mean noise");
    assertEquals(1.0, residualSquares / n, 0.05, "noise variance");
    // E y = 10 Cin(π)/π + 20/12 + 5 + 2.5 ≈ 14.41; Var y ≈ 23.8 (noiseless, by quadrature) + 1.
    // The sample variance of 20000 has a standard error of about 0.2.
    assertEquals(14.41, mean, 0.2, "mean target");
    assertTrue(variance > 23.8 && variance < 25.8, "target variance " + variance);
  }

  @Test
  void parseIgnoresCaseAndListsTheKindsOnFailure() {
    assertEquals(Kind.XOR, Synthetic.parse("xor"));
    assertEquals(Kind.SPIRALS, Synthetic.parse("Spirals"));
    assertEquals(Kind.BLOBS, Synthetic.parse("BLOBS"));
    assertEquals(Kind.FRIEDMAN1, Synthetic.parse("friedman1"));
    assertEquals(Kind.FRIEDMAN1, Synthetic.parse(" Friedman "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Synthetic.parse("moons"));
    assertEquals("unknown synthetic dataset 'moons': expected one of xor, spirals, blobs, friedman1",
        e.getMessage());
  }

  @Test
  void badRangesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Synthetic.generate(Kind.XOR, 1, 5, 4));
    assertThrows(IllegalArgumentException.class, () -> Synthetic.generate(Kind.XOR, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> Kind.XOR.example(1, -1, new float[2], 0));
  }
}
