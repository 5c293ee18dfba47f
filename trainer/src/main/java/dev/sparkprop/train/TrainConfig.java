package dev.sparkprop.train;

import dev.sparkprop.optim.Optimizer;
import dev.sparkprop.optim.Schedule;

/**
 * What the training loop needs besides the network and the data. Validated here, once.
 *
 * @param l1 the L1 penalty: the loss gains λ₁ ‖W‖₁ over the weights (not the biases), so the
 *     mean gradient gains λ₁ sign(W)
 * @param l2 the L2 penalty: the loss gains λ₂/2 ‖W‖² over the weights, so the mean gradient
 *     gains λ₂ W
 * @param schedule the learning rate's factor per optimizer step (warm-up included)
 * @param clipNorm the largest global norm a mean gradient may have before it is scaled down;
 *     0 for no clipping
 * @param dropout the inverted-dropout rate on the hidden layers during training, in [0, 1);
 *     0 for none
 */
public record TrainConfig(Optimizer optimizer, int batchSize, int epochs, long seed, double l1, double l2,
    Schedule schedule, double clipNorm, double dropout) {

  /** Plain training: no L1, a constant learning rate, no clipping, no dropout. */
  public TrainConfig(Optimizer optimizer, int batchSize, int epochs, long seed, double l2) {
    this(optimizer, batchSize, epochs, seed, 0.0, l2, Schedule.CONSTANT, 0.0, 0.0);
  }

  /** Without dropout. */
  public TrainConfig(Optimizer optimizer, int batchSize, int epochs, long seed, double l1, double l2,
      Schedule schedule, double clipNorm) {
    this(optimizer, batchSize, epochs, seed, l1, l2, schedule, clipNorm, 0.0);
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
    if (schedule == null) {
      throw new IllegalArgumentException("a schedule is required (Schedule.CONSTANT for none)");
    }
    checkNonNegative("L1 penalty", l1);
    checkNonNegative("L2 penalty", l2);
    checkNonNegative("gradient clipping norm", clipNorm);
    if (!(dropout >= 0.0 && dropout < 1.0)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + dropout);
    }
  }

  private static void checkNonNegative(String what, double value) {
    if (!(value >= 0.0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be zero or positive, not " + value);
    }
  }
}
