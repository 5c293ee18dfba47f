package dev.sparkprop.optim;

import java.util.Locale;

/** A first-order optimizer's hyperparameters. Defaults live in each record's {@code defaults}. */
public sealed interface Optimizer permits Sgd, Momentum, Adam {

  /** The base learning rate (schedules scale it per step). */
  double learningRate();

  /** Fresh state for a parameter vector of this size. */
  OptimizerState newState(int size);

  /** The command-line name. */
  String name();

  /** The same optimizer with another learning rate. */
  Optimizer withLearningRate(double learningRate);

  /** {@code sgd}, {@code momentum}, {@code nesterov} or {@code adam}, with its default hyperparameters. */
  static Optimizer parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "sgd" -> Sgd.defaults();
      case "momentum" -> Momentum.defaults(false);
      case "nesterov" -> Momentum.defaults(true);
      case "adam" -> Adam.defaults();
      default -> throw new IllegalArgumentException(
          "unknown optimizer '" + name + "'; expected one of sgd, momentum, nesterov, adam");
    };
  }

  static void checkLearningRate(double learningRate) {
    if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, not " + learningRate);
    }
  }
}
