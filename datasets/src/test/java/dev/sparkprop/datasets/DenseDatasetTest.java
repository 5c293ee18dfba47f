package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DenseDatasetTest {
  /** Three examples of two features: (1,2) → 0, (3,4) → 1, (5,6) → 2. */
  private final DenseDataset data = new DenseDataset(2, new float[] {1, 2, 3, 4, 5, 6}, new double[] {0, 1, 2});

  @Test
  void exampleIOccupiesFeaturesIdTimesDToIdPlusD() {
    assertEquals(3, data.size());
    assertEquals(2, data.featureCount());
    int i = 1;
    int d = data.featureCount();
    assertEquals(3f, data.features()[i * d]);
    assertEquals(4f, data.features()[i * d + 1]);
    assertEquals(1.0, data.labels()[i]);
  }

  @Test
  void sliceCopiesWholeExamples() {
    DenseDataset middle = data.slice(1, 3);
    assertEquals(2, middle.size());
    assertArrayEquals(new float[] {3, 4, 5, 6}, middle.features());
    assertArrayEquals(new double[] {1, 2}, middle.labels());
    middle.features()[0] = 99;
    assertEquals(3f, data.features()[2], "a slice does not share the original's arrays");
    assertEquals(0, data.slice(2, 2).size());
  }

  @Test
  void sliceBoundsAreChecked() {
    assertThrows(IndexOutOfBoundsException.class, () -> data.slice(-1, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> data.slice(2, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> data.slice(0, 4));
  }

  @Test
  void lengthsMustAgree() {
    assertThrows(IllegalArgumentException.class, () -> new DenseDataset(2, new float[5], new double[3]));
    assertThrows(IllegalArgumentException.class, () -> new DenseDataset(0, new float[0], new double[3]));
    assertEquals(0, new DenseDataset(4, new float[0], new double[0]).size());
  }
}
