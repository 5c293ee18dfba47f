package dev.sparkprop.optim;

/**
 * Gradient descent with momentum, in the form PyTorch and Sutskever et al. (2013) use:
 * v ← μ v + g, then θ ← θ − η v (classical) or θ ← θ − η (g + μ v) (Nesterov).
 */
public record Momentum(double learningRate, double momentum, boolean nesterov) implements Optimizer {

  public static final double DEFAULT_LEARNING_RATE = 0.01;
  public static final double DEFAULT_MOMENTUM = 0.9;

  public Momentum {
    Optimizer.checkLearningRate(learningRate);
    if (!(momentum >= 0.0 && momentum < 1.0)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), not " + momentum);
    }
  }

  public static Momentum defaults(boolean nesterov) {
    return new Momentum(DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM, nesterov);
  }

  @Override
  public String name() {
    return nesterov ? "nesterov" : "momentum";
  }

  @Override
  public Momentum withLearningRate(double learningRate) {
    return new Momentum(learningRate, momentum, nesterov);
  }

  @Override
  public OptimizerState newState(int size) {
    double mu = momentum;
    boolean lookAhead = nesterov;
    double[] velocity = new double[size];
    return new VectorState(name(), velocity) {
      @Override
      void update(double[] params, double[] gradient, double eta, long t) {
        for (int i = 0; i < params.length; i++) {
          double v = mu * velocity[i] + gradient[i];
          velocity[i] = v;
          params[i] -= eta * (lookAhead ? gradient[i] + mu * v : v);
        }
      }
    };
  }
}
