package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class DigitsTest {

  @Test
  void loadsAll1797ExamplesOf64FeaturesAndTenClasses() {
    DenseDataset digits = Digits.load();
    assertEquals(Digits.SIZE, digits.size());
    assertEquals(1797, digits.size());
    assertEquals(Digits.FEATURES, digits.featureCount());
    assertEquals(64, digits.featureCount());

    int[] perClass = new int[Digits.CLASSES];
    for (double label : digits.labels()) {
      assertTrue(label >= 0 && label <= 9 && label == Math.rint(label), "label " + label);
      perClass[(int) label]++;
    }
    int total = 0;
    for (int count : perClass) {
      assertTrue(count > 150, "every digit is well represented: " + count);
      total += count;
    }
    assertEquals(1797, total);
  }

  @Test
  void featuresArePixelCountsFrom0To16() {
    float max = 0;
    for (float v : Digits.load().features()) {
      assertTrue(v >= 0 && v <= 16 && v == Math.rint(v), "feature " + v);
      max = Math.max(max, v);
    }
    assertEquals(16f, max);
  }

  @Test
  void theResourceIsTheCompressedCsv() throws IOException {
    try (InputStream in = Digits.open()) {
      assertEquals(0x1f, in.read());
      assertEquals(0x8b, in.read());
    }
    assertEquals("digits", Digits.NAME);
  }

  @Test
  void theFirstRowMatchesTheFile() {
    DenseDataset digits = Digits.load();
    // The file's first line starts 0,0,5,13,9,1,0,0 and ends with label 0.
    float[] expectedStart = {0, 0, 5, 13, 9, 1, 0, 0};
    for (int j = 0; j < expectedStart.length; j++) {
      assertEquals(expectedStart[j], digits.features()[j]);
    }
    assertEquals(0.0, digits.labels()[0]);
    // The second row is a 1: its first features follow the first row's 64.
    assertEquals(12f, digits.features()[64 + 3]);
    assertEquals(1.0, digits.labels()[1]);
  }
}
