package dev.sparkprop.optim;

import java.util.Arrays;

/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019,
 * Algorithm 2): Adam's update, m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g²,
 * θ ← θ − η m̂ / (√v̂ + ε), plus weight decay applied to the parameters directly rather than
 * through the gradient: θ ← θ − η λ θ, with θ taken from before the step. Added to the gradient
 * instead (L2), the decay would be divided by √v̂ like the rest of it, so weights with large
 * gradients would decay less; decoupling is the paper's point.
 *
 * <p>The decay is scaled by the scheduled rate η, as in PyTorch's {@code AdamW}; the paper scales
 * it by the schedule multiplier alone, so its λ is this λ times the base rate.
 *
 * <p>Biases should not decay, and only the caller knows which entries are biases: pass a mask to
 * {@link #newState(int, boolean[])}. The mask lives in the state, not in this record, so the record
 * stays hyperparameters only, with value equality. {@link #newState(int)} decays every entry, as
 * the paper does.
 *
 * <p>Use it with no L2 term in the gradient, or the weights decay twice.
 */
public record AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
    implements Optimizer {

  public static final double DEFAULT_LEARNING_RATE = Adam.DEFAULT_LEARNING_RATE;
  public static final double DEFAULT_BETA1 = Adam.DEFAULT_BETA1;
  public static final double DEFAULT_BETA2 = Adam.DEFAULT_BETA2;
  public static final double DEFAULT_EPSILON = Adam.DEFAULT_EPSILON;
  /** PyTorch's default; the paper tunes λ per task. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.01;

  public AdamW {
    Optimizer.checkLearningRate(learningRate);
    Adam.checkMoments("AdamW", beta1, beta2, epsilon);
    if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("AdamW's weight decay must be zero or positive and finite, not " + weightDecay);
    }
  }

  public static AdamW defaults() {
    return new AdamW(DEFAULT_LEARNING_RATE, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, DEFAULT_WEIGHT_DECAY);
  }

  @Override
  public String name() {
    return "adamw";
  }

  @Override
  public AdamW withLearningRate(double learningRate) {
    return new AdamW(learningRate, beta1, beta2, epsilon, weightDecay);
  }

  /** State that decays every entry, biases included; prefer {@link #newState(int, boolean[])}. */
  @Override
  public OptimizerState newState(int size) {
    boolean[] all = new boolean[size];
    Arrays.fill(all, true);
    return newState(size, all);
  }

  /** State that decays entry i only where {@code decayMask[i]}; the mask is copied. */
  @Override
  public OptimizerState newState(int size, boolean[] decayMask) {
    Optimizer.checkDecayMask(size, decayMask);
    return new AdamState(size, beta1, beta2, epsilon, weightDecay, decayMask);
  }
}
