package dev.sparkprop.optim;

/**
 * Gradient clipping by global norm (Pascanu, Mikolov and Bengio, "On the difficulty of training
 * recurrent neural networks", ICML 2013, Algorithm 1): if ‖g‖ > c then g ← c g / ‖g‖. The
 * direction is kept and only the length is capped, so one bad batch cannot throw the parameters
 * far. "Global" means one norm over the whole parameter vector, not one per layer.
 */
public final class GradientClipping {

  private GradientClipping() {}

  /**
   * Scales {@code gradient} in place to Euclidean norm {@code maxNorm} when its norm exceeds it,
   * and leaves it untouched otherwise. A gradient with a NaN or infinite entry is left as it is
   * too, so that the caller's divergence check still sees it.
   *
   * @param maxNorm c, positive and finite
   * @return the norm before clipping (NaN or infinite when an entry is)
   */
  public static double clipByGlobalNorm(double[] gradient, double maxNorm) {
    if (!(maxNorm > 0.0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("the maximum gradient norm must be positive and finite, not " + maxNorm);
    }
    double norm = norm(gradient);
    if (norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / norm;
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= scale;
      }
    }
    return norm;
  }

  /** The Euclidean norm, without overflow or underflow in the sum of squares. */
  static double norm(double[] x) {
    double sum = 0.0;
    for (double v : x) {
      sum += v * v;
    }
    if (Double.isFinite(sum) && sum >= Double.MIN_NORMAL) {
      return Math.sqrt(sum);
    }
    // The sum overflowed, underflowed, or met a NaN or infinity: rescale by the largest entry,
    // as BLAS's nrm2 does, so finite gradients get a finite, accurate norm.
    double largest = 0.0;
    for (double v : x) {
      double a = Math.abs(v);
      if (Double.isNaN(a)) {
        return Double.NaN;
      }
      largest = Math.max(largest, a);
    }
    if (largest == 0.0 || Double.isInfinite(largest)) {
      return largest;
    }
    double scaled = 0.0;
    for (double v : x) {
      double r = v / largest;
      scaled += r * r;
    }
    return largest * Math.sqrt(scaled);
  }
}
