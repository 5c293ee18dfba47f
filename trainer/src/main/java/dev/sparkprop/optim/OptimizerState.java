package dev.sparkprop.optim;

/** An optimizer's mutable state for one run (velocities, moment estimates, step count). */
public interface OptimizerState {

  /** Updates {@code params} in place from the batch's mean {@code gradient}. */
  void step(double[] params, double[] gradient, double learningRate);

  /** How many steps have been taken. */
  long steps();
}
