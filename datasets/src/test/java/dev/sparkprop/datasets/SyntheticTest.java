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
  }

  @Test
  void eachExampleIsAPureFunctionOfSeedAndIndex() {
    for (Kind kind : Kind.values()) {
      float[] first = new float[2];
      float[] again = new float[2];
      double label = kind.example(11, 123, first, 0);
      // Other examples in between must not matter.
      kind.example(11, 5, new float[2], 0);
      assertEquals(label, kind.example(11, 123, again, 0));
      assertArrayEquals(first, again, kind.name());
    }
  }

  @Test
  void theExampleSeedIsDerivedFromTheMasterSeed() {
    assertEquals(Seeds.derive(5, "synthetic.xor", 17), Kind.XOR.exampleSeed(5, 17));
    assertEquals(Seeds.derive(5, "synthetic.blobs", 0), Kind.BLOBS.exampleSeed(5, 0));
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
  void parseIgnoresCaseAndListsTheKindsOnFailure() {
    assertEquals(Kind.XOR, Synthetic.parse("xor"));
    assertEquals(Kind.SPIRALS, Synthetic.parse("Spirals"));
    assertEquals(Kind.BLOBS, Synthetic.parse("BLOBS"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Synthetic.parse("moons"));
    assertEquals("unknown synthetic dataset 'moons': expected one of xor, spirals, blobs", e.getMessage());
  }

  @Test
  void badRangesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Synthetic.generate(Kind.XOR, 1, 5, 4));
    assertThrows(IllegalArgumentException.class, () -> Synthetic.generate(Kind.XOR, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> Kind.XOR.example(1, -1, new float[2], 0));
  }
}
