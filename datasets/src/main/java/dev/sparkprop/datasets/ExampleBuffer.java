package dev.sparkprop.datasets;

import java.util.Arrays;

/**
 * Growable storage for examples read one at a time, laid out as {@link DenseDataset} wants, so
 * that a reader writes each example's features straight into their final place.
 */
final class ExampleBuffer {
  /** The largest array length every JVM allocates. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final int featureCount;
  private final String source;
  private float[] features;
  private double[] labels;
  private int size;

  ExampleBuffer(int featureCount, String source) {
    this.featureCount = featureCount;
    this.source = source;
    int initial = Math.max(1, Math.min(1024, MAX_ARRAY / featureCount));
    this.features = new float[initial * featureCount];
    this.labels = new double[initial];
  }

  /**
   * Makes room for one more example and returns the offset of its features in
   * {@link #features()}; call {@code features()} after this, as the array may have moved.
   */
  int reserve(long lineNumber) {
    if (size == labels.length) {
      long wanted = (long) size + (size >> 1) + 1;
      long limit = MAX_ARRAY / featureCount;
      if (size >= limit) {
        throw new DataFormatException(source, lineNumber, "too large for one in-memory dataset: "
            + size + " examples × " + featureCount + " features already fill a Java array");
      }
      int capacity = (int) Math.min(wanted, limit);
      labels = Arrays.copyOf(labels, capacity);
      features = Arrays.copyOf(features, capacity * featureCount);
    }
    return size * featureCount;
  }

  float[] features() {
    return features;
  }

  /** Records the label of the example whose features were written at the reserved offset. */
  void commit(double label) {
    labels[size++] = label;
  }

  int size() {
    return size;
  }

  DenseDataset build() {
    // Trim only when needed: a copy of a large dataset would briefly double its memory.
    int values = size * featureCount;
    float[] f = features.length == values ? features : Arrays.copyOf(features, values);
    double[] l = labels.length == size ? labels : Arrays.copyOf(labels, size);
    return new DenseDataset(featureCount, f, l);
  }
}
