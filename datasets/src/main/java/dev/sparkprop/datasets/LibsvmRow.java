package dev.sparkprop.datasets;

/**
 * One parsed LIBSVM line: a label and its non-zero features, with 0-based, strictly ascending
 * {@code indices} and the matching {@code values}. The arrays are owned by the row.
 */
public record LibsvmRow(double label, int[] indices, float[] values) {
  public LibsvmRow {
    if (indices.length != values.length) {
      throw new IllegalArgumentException(
          indices.length + " indices but " + values.length + " values");
    }
  }

  /** Number of stored (non-zero) features. */
  public int nonZeros() {
    return indices.length;
  }
}
