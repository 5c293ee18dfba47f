package dev.sparkprop.optim;

/** Plain gradient descent: θ ← θ − η g. */
public record Sgd(double learningRate) implements Optimizer {

  public static final double DEFAULT_LEARNING_RATE = 0.05;

  public Sgd {
    Optimizer.checkLearningRate(learningRate);
  }

  public static Sgd defaults() {
    return new Sgd(DEFAULT_LEARNING_RATE);
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public Sgd withLearningRate(double learningRate) {
    return new Sgd(learningRate);
  }

  @Override
  public OptimizerState newState(int size) {
    return new VectorState(name()) {
      @Override
      void update(double[] params, double[] gradient, double eta, long t) {
        for (int i = 0; i < params.length; i++) {
          params[i] -= eta * gradient[i];
        }
      }
    };
  }
}
