package dev.sparkprop.optim;

/**
 * Linear warm-up of the learning rate: over the first {@code steps} optimizer steps the rate
 * climbs linearly to its full value, then stays there. Large batches paired with the linearly
 * scaled rates they need diverge early without it (Goyal et al., "Accurate, Large Minibatch
 * SGD", 2017, §2.2).
 *
 * @param steps the length of the warm-up; 0 for none
 */
public record Warmup(long steps) {

  public static final Warmup NONE = new Warmup(0);

  public Warmup {
    if (steps < 0) {
      throw new IllegalArgumentException("warm-up steps must not be negative, not " + steps);
    }
  }

  /** The factor for step t = 0, 1, …: (t + 1) / steps during the warm-up, 1 after it. */
  public double factor(long step) {
    return step >= steps ? 1.0 : (step + 1.0) / steps;
  }

  /**
   * The linear scaling rule of the same paper: a learning rate tuned for {@code reference}
   * examples per batch, scaled for {@code batchSize}.
   */
  public static double scaleLinearly(double learningRate, int batchSize, int reference) {
    return learningRate * batchSize / reference;
  }
}
