package dev.sparkprop.datasets;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A per-feature affine rescaling {@code x'_j = (x_j − shift_j) · scale_j}.
 *
 * <p>From {@link FeatureStats} of the training split: {@link Scaling#STANDARDIZE} takes
 * {@code shift = mean, scale = 1/std}; {@link Scaling#MINMAX} takes
 * {@code shift = min, scale = 1/(max − min)}; {@link Scaling#NONE} the identity. A feature that is
 * constant on the training data (std 0, or max = min) gets scale 1, i.e. it is only shifted: there
 * is nothing to divide by, and an infinite scale would turn every other value into ±∞.
 *
 * <p>The arrays are copied in and out, so a scaler is immutable.
 */
public record FeatureScaler(double[] shift, double[] scale) implements Serializable {
  public FeatureScaler {
    if (shift.length != scale.length) {
      throw new IllegalArgumentException(shift.length + " shifts but " + scale.length + " scales");
    }
    shift = shift.clone();
    scale = scale.clone();
    for (int j = 0; j < shift.length; j++) {
      if (!Double.isFinite(shift[j]) || !Double.isFinite(scale[j])) {
        throw new IllegalArgumentException("feature " + j + ": shift " + shift[j] + " and scale "
            + scale[j] + " must be finite");
      }
    }
  }

  /** The scaler that changes nothing. */
  public static FeatureScaler identity(int d) {
    double[] ones = new double[d];
    Arrays.fill(ones, 1.0);
    return new FeatureScaler(new double[d], ones);
  }

  /**
   * Fits {@code scaling} to statistics of the training data.
   *
   * @throws IllegalArgumentException when the statistics hold no example and scaling is not NONE
   */
  public static FeatureScaler fit(Scaling scaling, FeatureStats stats) {
    int d = stats.featureCount();
    if (scaling == Scaling.NONE) {
      return identity(d);
    }
    if (stats.count() == 0) {
      throw new IllegalArgumentException("cannot fit " + scaling + " scaling on no examples");
    }
    double[] shift;
    double[] spread;
    if (scaling == Scaling.STANDARDIZE) {
      shift = stats.mean();
      spread = stats.std();
    } else {
      shift = stats.min();
      double[] max = stats.max();
      spread = new double[d];
      for (int j = 0; j < d; j++) {
        spread[j] = max[j] - shift[j];
      }
    }
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double inverse = 1.0 / spread[j];
      scale[j] = spread[j] > 0 && Double.isFinite(inverse) ? inverse : 1.0;
    }
    return new FeatureScaler(shift, scale);
  }

  @Override
  public double[] shift() {
    return shift.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  /** Number of features. */
  public int featureCount() {
    return shift.length;
  }

  /**
   * Rescales in place the example whose {@code d} features are at
   * {@code features[offset .. offset + d)}.
   *
   * @throws IllegalArgumentException when {@code d} is not this scaler's feature count
   */
  public void apply(float[] features, int offset, int d) {
    if (d != shift.length) {
      throw new IllegalArgumentException("scaler fitted on " + shift.length + " features, applied to " + d);
    }
    for (int j = 0; j < d; j++) {
      features[offset + j] = (float) ((features[offset + j] - shift[j]) * scale[j]);
    }
  }

  /** The rescaled value of feature {@code j}. */
  public double apply(int j, double x) {
    return (x - shift[j]) * scale[j];
  }

  /** The inverse of {@link #apply(int, double)}: a rescaled value of feature {@code j} in its original units. */
  public double invert(int j, double scaled) {
    return scaled / scale[j] + shift[j];
  }

  /** Whether this scaler changes nothing. */
  public boolean isIdentity() {
    for (int j = 0; j < shift.length; j++) {
      if (shift[j] != 0.0 || scale[j] != 1.0) {
        return false;
      }
    }
    return true;
  }

  /** Equal when the shifts and scales are (the record default would compare array identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaler f && Arrays.equals(f.shift, shift) && Arrays.equals(f.scale, scale);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shift) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "FeatureScaler[shift=" + Arrays.toString(shift) + ", scale=" + Arrays.toString(scale) + "]";
  }
}
