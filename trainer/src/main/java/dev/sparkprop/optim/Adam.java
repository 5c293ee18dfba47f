package dev.sparkprop.optim;

/**
 * Adam (Kingma and Ba, 2015, Algorithm 1): m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g²,
 * θ ← θ − η m̂ / (√v̂ + ε) with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {

  public static final double DEFAULT_LEARNING_RATE = 0.001;
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.999;
  public static final double DEFAULT_EPSILON = 1e-8;

  public Adam {
    Optimizer.checkLearningRate(learningRate);
    checkMoments("Adam", beta1, beta2, epsilon);
  }

  /** The checks Adam and AdamW share; {@code who} names the optimizer in the message. */
  static void checkMoments(String who, double beta1, double beta2, double epsilon) {
    if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0)) {
      throw new IllegalArgumentException(who + "'s betas must be in [0, 1), not " + beta1 + " and " + beta2);
    }
    if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException(who + "'s epsilon must be positive and finite, not " + epsilon);
    }
  }

  public static Adam defaults() {
    return new Adam(DEFAULT_LEARNING_RATE, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public Adam withLearningRate(double learningRate) {
    return new Adam(learningRate, beta1, beta2, epsilon);
  }

  @Override
  public OptimizerState newState(int size) {
    return new AdamState(size, beta1, beta2, epsilon, 0.0, null);
  }
}
