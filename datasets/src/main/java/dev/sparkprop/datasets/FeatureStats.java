package dev.sparkprop.datasets;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-feature count, mean, population standard deviation, minimum and maximum, accumulated one
 * example at a time and mergeable, so that each Spark partition summarises its share of the
 * training split and the driver combines the summaries.
 *
 * <p>Formulas. Adding {@code x} (Welford): {@code n += 1; δ = x − mean; mean += δ/n;
 * M2 += δ·(x − mean)}. Merging A and B (Chan, Golub and LeVeque): {@code n = nA + nB;
 * δ = meanB − meanA; mean = meanA + δ·nB/n; M2 = M2A + M2B + δ²·nA·nB/n}. The standard deviation
 * is {@code sqrt(M2/n)}. Both avoid the cancellation of the naive sum-of-squares formula, so the
 * result does not depend noticeably on how the data were partitioned.
 *
 * <p>Values are expected to be finite, as the readers guarantee. With no examples the mean and
 * standard deviation are NaN, the minimum +∞ and the maximum −∞.
 */
public final class FeatureStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int d;
  private long count;
  private final double[] mean;
  private final double[] m2;
  private final double[] min;
  private final double[] max;

  /** Empty statistics for examples of {@code d} features. */
  public FeatureStats(int d) {
    if (d < 1) {
      throw new IllegalArgumentException("d must be >= 1, got " + d);
    }
    this.d = d;
    this.mean = new double[d];
    this.m2 = new double[d];
    this.min = new double[d];
    this.max = new double[d];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** Adds the example whose features are {@code x[offset .. offset + d)}. */
  public void add(float[] x, int offset) {
    count++;
    for (int j = 0; j < d; j++) {
      accumulate(j, x[offset + j]);
    }
  }

  /** As {@link #add(float[], int)}, for values held in double precision (regression targets). */
  public void add(double[] x, int offset) {
    count++;
    for (int j = 0; j < d; j++) {
      accumulate(j, x[offset + j]);
    }
  }

  /** Welford's step for feature {@code j}; {@link #count} already includes the new example. */
  private void accumulate(int j, double v) {
    double delta = v - mean[j];
    mean[j] += delta / count;
    m2[j] += delta * (v - mean[j]);
    if (v < min[j]) {
      min[j] = v;
    }
    if (v > max[j]) {
      max[j] = v;
    }
  }

  /** Folds {@code other} into this and returns this; {@code other} is unchanged. */
  public FeatureStats merge(FeatureStats other) {
    if (other.d != d) {
      throw new IllegalArgumentException("cannot merge statistics of " + other.d + " features into " + d);
    }
    if (other.count == 0) {
      return this;
    }
    double na = count;
    double nb = other.count;
    double n = na + nb;
    for (int j = 0; j < d; j++) {
      double delta = other.mean[j] - mean[j];
      mean[j] += delta * (nb / n);
      m2[j] += other.m2[j] + delta * delta * (na * nb / n);
      min[j] = Math.min(min[j], other.min[j]);
      max[j] = Math.max(max[j], other.max[j]);
    }
    count += other.count;
    return this;
  }

  public int featureCount() {
    return d;
  }

  public long count() {
    return count;
  }

  public double[] mean() {
    if (count == 0) {
      return nans();
    }
    return mean.clone();
  }

  /** Population standard deviation, {@code sqrt(M2/n)}. */
  public double[] std() {
    if (count == 0) {
      return nans();
    }
    double[] std = new double[d];
    for (int j = 0; j < d; j++) {
      std[j] = Math.sqrt(m2[j] / count);
    }
    return std;
  }

  public double[] min() {
    return min.clone();
  }

  public double[] max() {
    return max.clone();
  }

  private double[] nans() {
    double[] values = new double[d];
    Arrays.fill(values, Double.NaN);
    return values;
  }
}
