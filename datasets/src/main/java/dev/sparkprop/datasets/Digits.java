package dev.sparkprop.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The built-in default dataset: the test part of UCI "Optical Recognition of Handwritten Digits"
 * (CC BY 4.0; see DIGITS-ATTRIBUTION.md beside the resource), shipped so that the trainer runs
 * with nothing to download.
 *
 * <p>Format: {@code digits.csv.gz}, 1797 rows without header, 64 features (an 8×8 image, each value
 * the count of set pixels in a 4×4 block, 0..16) and then the class label 0..9.
 */
public final class Digits {
  /** The name by which users select this dataset and by which messages refer to it. */
  public static final String NAME = "digits";
  public static final int SIZE = 1797;
  public static final int FEATURES = 64;
  public static final int CLASSES = 10;

  private static final String RESOURCE = "dev/sparkprop/datasets/digits.csv.gz";

  private Digits() {
  }

  /**
   * The gzip-compressed CSV resource, to be closed by the caller. It is looked up through this
   * class's class loader so that it is found inside the application jar on Spark executors.
   *
   * @throws IllegalStateException when the resource is missing (a broken build)
   */
  public static InputStream open() {
    InputStream in = Digits.class.getClassLoader().getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
    }
    return in;
  }

  /** All 1797 examples, features 0..16 unscaled, labels 0..9. */
  public static DenseDataset load() {
    try (InputStream in = open()) {
      return CsvFormat.read(in, NAME, CsvFormat.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + RESOURCE, e);
    }
  }
}
