package dev.sparkprop.optim;

/**
 * Adagrad (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, 2011), diagonal form: G ← G + g², θ ← θ − η g / (√G + ε).
 * G only grows, so each coordinate's effective rate only falls: rarely active features keep
 * larger steps than frequent ones.
 */
public record Adagrad(double learningRate, double epsilon) implements Optimizer {

  public static final double DEFAULT_LEARNING_RATE = 0.01;
  public static final double DEFAULT_EPSILON = 1e-10;

  public Adagrad {
    Optimizer.checkLearningRate(learningRate);
    if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("Adagrad's epsilon must be positive and finite, not " + epsilon);
    }
  }

  public static Adagrad defaults() {
    return new Adagrad(DEFAULT_LEARNING_RATE, DEFAULT_EPSILON);
  }

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  public Adagrad withLearningRate(double learningRate) {
    return new Adagrad(learningRate, epsilon);
  }

  @Override
  public OptimizerState newState(int size) {
    double eps = epsilon;
    double[] sumOfSquares = new double[size];
    return new VectorState(name(), sumOfSquares) {
      @Override
      void update(double[] params, double[] gradient, double eta, long t) {
        for (int i = 0; i < params.length; i++) {
          double g = gradient[i];
          sumOfSquares[i] += g * g;
          params[i] -= eta * g / (Math.sqrt(sumOfSquares[i]) + eps);
        }
      }
    };
  }
}
