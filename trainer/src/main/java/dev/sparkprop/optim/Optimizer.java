package dev.sparkprop.optim;

import java.util.Locale;

/** A first-order optimizer's hyperparameters. Defaults live in each record's {@code defaults}. */
public sealed interface Optimizer permits Sgd, Momentum, Adam, AdamW, RmsProp, Adagrad {

  /** The base learning rate (schedules scale it per step). */
  double learningRate();

  /** Fresh state for a parameter vector of this size. */
  OptimizerState newState(int size);

  /**
   * Fresh state for a parameter vector of this size, where {@code decayMask[i]} says whether
   * entry i is a weight that decoupled weight decay may shrink (false for biases). Only
   * {@link AdamW} decays inside the optimizer; the others ignore the mask, since their weight
   * decay is the L2 term the caller adds to the gradient. Callers can therefore use this form
   * for every optimizer. The mask is copied.
   *
   * @throws IllegalArgumentException if the mask is null or its length is not {@code size}
   */
  default OptimizerState newState(int size, boolean[] decayMask) {
    checkDecayMask(size, decayMask);
    return newState(size);
  }

  /** The command-line name. */
  String name();

  /** The same optimizer with another learning rate. */
  Optimizer withLearningRate(double learningRate);

  /** The names {@link #parse} knows, in the order the usage message lists them. */
  String NAMES = "sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad";

  /** One of {@link #NAMES}, with its default hyperparameters. */
  static Optimizer parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "sgd" -> Sgd.defaults();
      case "momentum" -> Momentum.defaults(false);
      case "nesterov" -> Momentum.defaults(true);
      case "adam" -> Adam.defaults();
      case "adamw" -> AdamW.defaults();
      case "rmsprop" -> RmsProp.defaults();
      case "adagrad" -> Adagrad.defaults();
      default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of " + NAMES);
    };
  }

  static void checkLearningRate(double learningRate) {
    if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, not " + learningRate);
    }
  }

  static void checkDecayMask(int size, boolean[] decayMask) {
    if (decayMask == null) {
      throw new IllegalArgumentException("a decay mask is required (all false for no decay)");
    }
    if (decayMask.length != size) {
      throw new IllegalArgumentException("the decay mask has " + decayMask.length + " entries for " + size + " parameters");
    }
  }
}
