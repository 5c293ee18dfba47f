package dev.sparkprop.datasets;

import java.util.Arrays;

/**
 * Examples held in memory: {@code n} examples of {@code d} features each, with one label apiece.
 *
 * <p>Layout (the project-wide batch convention): the features form a column-major
 * {@code d × n} matrix in one flat array, so example {@code i} occupies
 * {@code features[i*d .. i*d + d)} and feature {@code j} of example {@code i} is
 * {@code features[i*d + j]}. A label is a class index stored as a double, or a real target.
 *
 * <p>The arrays are taken over, not copied: datasets such as MNIST are hundreds of megabytes and a
 * defensive copy would double that. Whoever builds a dataset hands its arrays over and must not
 * change them afterwards; {@link #slice} does copy.
 */
public final class DenseDataset {
  private final int featureCount;
  private final float[] features;
  private final double[] labels;

  /**
   * @param featureCount {@code d}, at least 1
   * @param features     {@code d × n} values, column-major
   * @param labels       {@code n} labels
   */
  public DenseDataset(int featureCount, float[] features, double[] labels) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("featureCount must be >= 1, got " + featureCount);
    }
    if ((long) featureCount * labels.length != features.length) {
      throw new IllegalArgumentException("features has " + features.length + " values, but "
          + labels.length + " examples × " + featureCount + " features need "
          + (long) featureCount * labels.length);
    }
    this.featureCount = featureCount;
    this.features = features;
    this.labels = labels;
  }

  /** Number of examples {@code n}. */
  public int size() {
    return labels.length;
  }

  /**
   * Number of features {@code d} per example. (Not {@code features()}: that name is the array
   * accessor, and Java cannot overload on return type.)
   */
  public int featureCount() {
    return featureCount;
  }

  /** The {@code d × n} column-major feature matrix, shared, not copied. */
  public float[] features() {
    return features;
  }

  /** The {@code n} labels, shared, not copied. */
  public double[] labels() {
    return labels;
  }

  /** A copy of examples {@code [from, to)}. */
  public DenseDataset slice(int from, int to) {
    if (from < 0 || to > labels.length || from > to) {
      throw new IndexOutOfBoundsException(
          "slice [" + from + ", " + to + ") of a dataset of " + labels.length + " examples");
    }
    return new DenseDataset(featureCount,
        Arrays.copyOfRange(features, from * featureCount, to * featureCount),
        Arrays.copyOfRange(labels, from, to));
  }

  @Override
  public String toString() {
    return "DenseDataset[" + labels.length + " examples × " + featureCount + " features]";
  }
}
