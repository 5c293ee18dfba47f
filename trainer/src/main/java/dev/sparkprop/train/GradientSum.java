package dev.sparkprop.train;

import java.io.Serializable;

/**
 * Sums over some examples of one global batch: the gradient of the summed loss, the summed loss
 * and the number of examples. Sums combine by addition in any grouping, which is what lets
 * Spark's tree aggregation put them together; the driver divides once, by {@link #count()}.
 *
 * <p>A partition with no example in the batch contributes {@link #empty()}: no gradient array at
 * all, so it costs nothing to ship.
 */
public final class GradientSum implements Serializable {

  private static final long serialVersionUID = 1L;

  private double[] gradient; // null while count == 0
  private double loss;
  private long count;

  public GradientSum(double[] gradient, double loss, long count) {
    if ((gradient == null) != (count == 0)) {
      throw new IllegalArgumentException("a sum has a gradient exactly when it has examples");
    }
    this.gradient = gradient;
    this.loss = loss;
    this.count = count;
  }

  public static GradientSum empty() {
    return new GradientSum(null, 0.0, 0);
  }

  /** Adds {@code other} into this one (reusing this one's array) and returns this one. */
  public GradientSum merge(GradientSum other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      gradient = other.gradient;
    } else {
      double[] g = gradient;
      double[] h = other.gradient;
      for (int i = 0; i < g.length; i++) {
        g[i] += h[i];
      }
    }
    loss += other.loss;
    count += other.count;
    return this;
  }

  /** The summed gradient, or null when there were no examples. */
  public double[] gradient() {
    return gradient;
  }

  public double loss() {
    return loss;
  }

  public long count() {
    return count;
  }
}
