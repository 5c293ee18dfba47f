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
    if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0)) {
      throw new IllegalArgumentException("Adam's betas must be in [0, 1), not " + beta1 + " and " + beta2);
    }
    if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("Adam's epsilon must be positive and finite, not " + epsilon);
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
    double b1 = beta1;
    double b2 = beta2;
    double eps = epsilon;
    double[] m = new double[size];
    double[] v = new double[size];
    return new OptimizerState() {
      private long steps;

      @Override
      public void step(double[] params, double[] gradient, double eta) {
        steps++;
        double c1 = 1.0 - Math.pow(b1, steps);
        double c2 = 1.0 - Math.pow(b2, steps);
        for (int i = 0; i < params.length; i++) {
          double g = gradient[i];
          m[i] = b1 * m[i] + (1.0 - b1) * g;
          v[i] = b2 * v[i] + (1.0 - b2) * g * g;
          params[i] -= eta * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
      }

      @Override
      public long steps() {
        return steps;
      }
    };
  }
}
