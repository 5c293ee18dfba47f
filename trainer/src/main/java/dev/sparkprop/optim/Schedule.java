package dev.sparkprop.optim;

import java.util.Locale;

/**
 * A learning-rate schedule: the multiplier of the base rate at each 0-based optimizer step t.
 * The rate for step t is {@code baseRate * schedule.factor(t)}, with t the number of steps
 * already taken ({@link OptimizerState#steps()} before the step).
 *
 * <p>Linear warm-up goes in front of any schedule with {@link #withWarmup}; the schedule's own
 * clock then starts when the warm-up ends.
 */
public sealed interface Schedule {

  /** The multiplier of the base learning rate at step t ≥ 0. */
  double factor(long step);

  /**
   * This schedule after a linear warm-up of {@code warmup.steps()} = w steps: the factor is
   * {@code warmup.factor(t)} = (t + 1) / w for t < w, and {@code factor(t − w)} of this schedule
   * for t ≥ w. At the boundary the last warm-up step t = w − 1 has factor exactly 1, and step w
   * has this schedule's factor at its own step 0, which is 1 for every schedule here; so the full
   * rate holds for those two steps and decay starts from there, as if the run began at step w.
   * With no warm-up (w = 0) this schedule itself is returned.
   */
  default Schedule withWarmup(Warmup warmup) {
    if (warmup == null) {
      throw new IllegalArgumentException("warm-up is required (Warmup.NONE for none)");
    }
    return warmup.steps() == 0 ? this : new WarmedUp(warmup, this);
  }

  /** The base rate throughout. */
  record Constant() implements Schedule {

    @Override
    public double factor(long step) {
      checkStep(step);
      return 1.0;
    }
  }

  /** The one constant schedule. */
  Constant CONSTANT = new Constant();

  /**
   * Step decay: the rate is multiplied by {@code factor} every {@code everySteps} steps, so the
   * factor at step t is factor^⌊t / everySteps⌋. Step t = everySteps is the first at the lower
   * rate. (The record's {@code factor()} is this parameter; {@code factor(t)} is the schedule.)
   *
   * @param factor the multiplier per decay, in (0, 1]
   * @param everySteps the steps between decays, at least 1
   */
  record StepDecay(double factor, long everySteps) implements Schedule {

    public StepDecay {
      checkDecayFactor("step decay", factor);
      if (everySteps < 1) {
        throw new IllegalArgumentException("step decay: steps between decays must be at least 1, not " + everySteps);
      }
    }

    @Override
    public double factor(long step) {
      checkStep(step);
      return Math.pow(factor, step / everySteps);
    }
  }

  /**
   * Exponential decay: the factor at step t is rate^t, a smooth fall by {@code rate} per step.
   *
   * @param rate the multiplier per step, in (0, 1]
   */
  record ExponentialDecay(double rate) implements Schedule {

    public ExponentialDecay {
      checkDecayFactor("exponential decay", rate);
    }

    @Override
    public double factor(long step) {
      checkStep(step);
      return Math.pow(rate, step);
    }
  }

  /**
   * Cosine annealing without restarts (Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent
   * with Warm Restarts", ICLR 2017, eq. 5, with η_min = floor · η_max and T_i = totalSteps):
   * factor(t) = f + (1 − f) · (1 + cos(π t / T)) / 2 for t ≤ T and f after, where f is
   * {@code floorFraction} and T is {@code totalSteps}. It is 1 at t = 0, (1 + f) / 2 at t = T/2
   * and reaches f at t = T, the step after a T-step run's last. So the last step, t = T − 1, has
   * f + (1 − f)(1 − cos(π/T))/2, just above f, rather than being wasted at rate 0 when f = 0.
   *
   * @param totalSteps T, the steps over which the rate falls, at least 1
   * @param floorFraction f, the final fraction of the base rate, in [0, 1]
   */
  record Cosine(long totalSteps, double floorFraction) implements Schedule {

    public Cosine {
      if (totalSteps < 1) {
        throw new IllegalArgumentException("cosine: the decay must span at least 1 step, not " + totalSteps);
      }
      if (!(floorFraction >= 0.0 && floorFraction <= 1.0)) {
        throw new IllegalArgumentException("cosine: the floor must be a fraction of the base rate in [0, 1], not "
            + floorFraction);
      }
    }

    @Override
    public double factor(long step) {
      checkStep(step);
      double progress = (double) Math.min(step, totalSteps) / totalSteps;
      return floorFraction + (1.0 - floorFraction) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
  }

  /** {@code after} behind a linear warm-up; see {@link Schedule#withWarmup}. */
  record WarmedUp(Warmup warmup, Schedule after) implements Schedule {

    public WarmedUp {
      if (warmup == null || after == null) {
        throw new IllegalArgumentException("a warmed-up schedule needs both a warm-up and a schedule");
      }
    }

    @Override
    public double factor(long step) {
      checkStep(step);
      return step < warmup.steps() ? warmup.factor(step) : after.factor(step - warmup.steps());
    }
  }

  /** The spellings {@link #parse} accepts, for usage messages. */
  String SPECS = "constant, step:FACTOR:EPOCHS, exponential:FACTOR or cosine[:FLOOR]";

  /**
   * A schedule from its command-line spelling; names are case-insensitive and blanks around
   * parts are ignored:
   *
   * <ul>
   *   <li>{@code constant}: the base rate throughout;
   *   <li>{@code step:FACTOR:EPOCHS}: multiply the rate by FACTOR in (0, 1] every EPOCHS (a whole
   *       number ≥ 1) epochs, e.g. {@code step:0.5:10} halves it every 10 epochs;
   *   <li>{@code exponential:FACTOR}: multiply it by FACTOR in (0, 1] per epoch, spread smoothly
   *       over the epoch's steps (a per-step rate of FACTOR^(1 / stepsPerEpoch));
   *   <li>{@code cosine} or {@code cosine:FLOOR}: cosine annealing over {@code totalSteps} from the
   *       base rate to FLOOR times it (FLOOR in [0, 1], default 0).
   * </ul>
   *
   * Epochs are counted in steps of {@code stepsPerEpoch}. To put a warm-up in front, use
   * {@link #parse(String, long, long, Warmup)}, which also shortens the cosine to fit.
   *
   * @param stepsPerEpoch optimizer steps per epoch, at least 1
   * @param totalSteps the steps this schedule must span (used by {@code cosine}), at least 1
   * @throws IllegalArgumentException naming the accepted spellings when the spec is not one
   */
  static Schedule parse(String spec, long stepsPerEpoch, long totalSteps) {
    if (spec == null) {
      throw new IllegalArgumentException("a schedule is required; expected " + SPECS);
    }
    if (stepsPerEpoch < 1) {
      throw new IllegalArgumentException("steps per epoch must be at least 1, not " + stepsPerEpoch);
    }
    if (totalSteps < 1) {
      throw new IllegalArgumentException("total steps must be at least 1, not " + totalSteps);
    }
    String[] parts = spec.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].trim();
    }
    String kind = parts[0].toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "constant" -> {
        arity(spec, parts, 1, 1);
        yield CONSTANT;
      }
      case "step" -> {
        arity(spec, parts, 3, 3);
        double factor = number(spec, "FACTOR", parts[1]);
        long epochs;
        try {
          epochs = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
          throw bad(spec, "EPOCHS must be a whole number of epochs, not '" + parts[2] + "'");
        }
        if (epochs < 1) {
          throw bad(spec, "EPOCHS must be at least 1, not " + epochs);
        }
        try {
          yield new StepDecay(factor, Math.multiplyExact(epochs, stepsPerEpoch));
        } catch (ArithmeticException e) {
          throw bad(spec, epochs + " epochs of " + stepsPerEpoch + " steps is more steps than a long holds");
        } catch (IllegalArgumentException e) {
          throw bad(spec, e.getMessage());
        }
      }
      case "exponential" -> {
        arity(spec, parts, 2, 2);
        double perEpoch = number(spec, "FACTOR", parts[1]);
        try {
          checkDecayFactor("exponential decay", perEpoch);
        } catch (IllegalArgumentException e) {
          throw bad(spec, e.getMessage());
        }
        yield new ExponentialDecay(Math.pow(perEpoch, 1.0 / stepsPerEpoch));
      }
      case "cosine" -> {
        arity(spec, parts, 1, 2);
        double floor = parts.length == 2 ? number(spec, "FLOOR", parts[1]) : 0.0;
        try {
          yield new Cosine(totalSteps, floor);
        } catch (IllegalArgumentException e) {
          throw bad(spec, e.getMessage());
        }
      }
      default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + spec + "'; expected " + SPECS);
    };
  }

  /**
   * {@link #parse(String, long, long)} behind a warm-up: the schedule spans the
   * {@code totalSteps − warmup.steps()} steps left after it (at least 1), so a cosine still
   * reaches its floor at the end of the run.
   *
   * @param totalSteps the steps of the whole run, warm-up included, at least 1
   */
  static Schedule parse(String spec, long stepsPerEpoch, long totalSteps, Warmup warmup) {
    if (warmup == null) {
      throw new IllegalArgumentException("warm-up is required (Warmup.NONE for none)");
    }
    if (totalSteps < 1) {
      throw new IllegalArgumentException("total steps must be at least 1, not " + totalSteps);
    }
    // A warm-up as long as the run never reaches the schedule; span 1 step then, to stay valid.
    long after = Math.max(1, totalSteps - warmup.steps());
    return parse(spec, stepsPerEpoch, after).withWarmup(warmup);
  }

  private static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("a schedule's step must not be negative, not " + step);
    }
  }

  private static void checkDecayFactor(String what, double factor) {
    if (!(factor > 0.0 && factor <= 1.0)) {
      throw new IllegalArgumentException(what + ": the factor must be in (0, 1], not " + factor);
    }
  }

  private static void arity(String spec, String[] parts, int min, int max) {
    if (parts.length < min || parts.length > max) {
      throw new IllegalArgumentException("learning-rate schedule '" + spec + "' has "
          + (parts.length - 1) + " parameter(s); expected " + SPECS);
    }
  }

  private static double number(String spec, String what, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw bad(spec, what + " must be a number, not '" + text + "'");
    }
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("learning-rate schedule '" + spec + "': " + why);
  }
}
