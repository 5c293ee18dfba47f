package dev.sparkprop.optim;

/**
 * RMSProp (Tieleman and Hinton, "Neural Networks for Machine Learning", Coursera, 2012,
 * lecture 6.5): divide the gradient by a running root mean square of its recent values,
 * v ← ρ v + (1 − ρ) g², θ ← θ − η g / (√v + ε). v starts at 0 with no bias correction (as in
 * the lecture and PyTorch), so the first steps are larger than η: the first is η / √(1 − ρ)
 * per coordinate, about 3.2 η at ρ = 0.9.
 */
public record RmsProp(double learningRate, double rho, double epsilon) implements Optimizer {

  public static final double DEFAULT_LEARNING_RATE = 0.001;
  public static final double DEFAULT_RHO = 0.9;
  public static final double DEFAULT_EPSILON = 1e-8;

  public RmsProp {
    Optimizer.checkLearningRate(learningRate);
    // ρ = 1 would keep v at 0 for ever and divide the gradient by ε alone.
    if (!(rho >= 0.0 && rho < 1.0)) {
      throw new IllegalArgumentException("RMSProp's rho must be in [0, 1), not " + rho);
    }
    if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("RMSProp's epsilon must be positive and finite, not " + epsilon);
    }
  }

  public static RmsProp defaults() {
    return new RmsProp(DEFAULT_LEARNING_RATE, DEFAULT_RHO, DEFAULT_EPSILON);
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public RmsProp withLearningRate(double learningRate) {
    return new RmsProp(learningRate, rho, epsilon);
  }

  @Override
  public OptimizerState newState(int size) {
    double r = rho;
    double eps = epsilon;
    double[] v = new double[size];
    return new VectorState(name(), v) {
      @Override
      void update(double[] params, double[] gradient, double eta, long t) {
        for (int i = 0; i < params.length; i++) {
          double g = gradient[i];
          v[i] = r * v[i] + (1.0 - r) * g * g;
          params[i] -= eta * g / (Math.sqrt(v[i]) + eps);
        }
      }
    };
  }
}
