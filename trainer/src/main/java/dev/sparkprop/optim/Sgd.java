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
    return new OptimizerState() {
      private long steps;

      @Override
      public void step(double[] params, double[] gradient, double eta) {
        for (int i = 0; i < params.length; i++) {
          params[i] -= eta * gradient[i];
        }
        steps++;
      }

      @Override
      public long steps() {
        return steps;
      }

      @Override
      public Snapshot snapshot() {
        return Snapshot.of(steps);
      }

      @Override
      public void restore(Snapshot snapshot) {
        snapshot.copyInto("sgd");
        steps = snapshot.steps();
      }
    };
  }
}
