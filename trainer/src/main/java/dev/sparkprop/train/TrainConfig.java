package dev.sparkprop.train;

import dev.sparkprop.optim.Optimizer;
import dev.sparkprop.optim.Warmup;

/**
 * What the training loop needs besides the network and the data. Validated here, once.
 *
 * @param l2 the L2 penalty λ: the loss gains λ/2 ‖W‖² over the weights (not the biases), so
 *     the mean gradient gains λ W
 */
public record TrainConfig(Optimizer optimizer, int batchSize, int epochs, long seed, double l2, Warmup warmup) {

  /** Without warm-up. */
  public TrainConfig(Optimizer optimizer, int batchSize, int epochs, long seed, double l2) {
    this(optimizer, batchSize, epochs, seed, l2, Warmup.NONE);
  }

  public TrainConfig {
    if (optimizer == null) {
      throw new IllegalArgumentException("an optimizer is required");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, not " + batchSize);
    }
    if (epochs <= 0) {
      throw new IllegalArgumentException("epochs must be positive, not " + epochs);
    }
    if (warmup == null) {
      throw new IllegalArgumentException("warm-up is required (Warmup.NONE for none)");
    }
    if (!(l2 >= 0.0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("L2 penalty must be zero or positive, not " + l2);
    }
  }
}
