package dev.sparkprop.train;

import dev.sparkprop.nn.Loss;
import java.util.Locale;

/**
 * When to stop before the last epoch, and which epoch's parameters to keep.
 *
 * @param metric the validation metric early stopping watches
 * @param patience stop after this many epochs without an improvement of at least
 *     {@code minImprovement}; 0 turns early stopping off
 * @param minImprovement the smallest change of the metric that counts as better
 * @param targetLoss stop once an epoch's mean training loss is at most this (the "permissible
 *     error" of classic backpropagation); 0 for none
 * @param timeBudgetSeconds stop after the epoch during which this much time has passed; 0 for none
 */
public record Stopping(Metric metric, int patience, double minImprovement, double targetLoss, double timeBudgetSeconds) {

  public static final Stopping NONE = new Stopping(Metric.LOSS, 0, 0.0, 0.0, 0.0);

  /** After this many epochs of rising validation loss under falling training loss, the run warns of overfitting. */
  public static final int OVERFITTING_EPOCHS = 3;

  public Stopping {
    if (metric == null) {
      throw new IllegalArgumentException("a metric is required");
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must not be negative, not " + patience);
    }
    for (double v : new double[] {minImprovement, targetLoss, timeBudgetSeconds}) {
      if (!(v >= 0.0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("stopping thresholds must be zero or positive and finite, not " + v);
      }
    }
  }

  public boolean earlyStopping() {
    return patience > 0;
  }

  /** A validation metric and which way is better. */
  public enum Metric {
    LOSS(false),
    ACCURACY(true),
    RMSE(false);

    private final boolean higherIsBetter;

    Metric(boolean higherIsBetter) {
      this.higherIsBetter = higherIsBetter;
    }

    /** The metric's value in an evaluation. */
    public double of(Evaluation e) {
      return switch (this) {
        case LOSS -> e.meanLoss();
        case ACCURACY -> e.accuracy();
        case RMSE -> e.rmse();
      };
    }

    /**
     * Whether this metric says anything about a network trained with {@code loss}: accuracy
     * counts classes, RMSE measures numbers. The other would be constant (0), never improve,
     * and stop the run at its patience with the first epoch kept.
     */
    public boolean fits(Loss loss) {
      return switch (this) {
        case LOSS -> true;
        case ACCURACY -> loss.isClassification();
        case RMSE -> !loss.isClassification();
      };
    }

    /** Whether {@code candidate} beats {@code best} by at least {@code margin}. */
    public boolean improves(double candidate, double best, double margin) {
      return higherIsBetter ? candidate > best + margin : candidate < best - margin;
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Metric parse(String name) {
      for (Metric m : values()) {
        if (m.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown metric '" + name + "'; expected loss, accuracy or rmse");
    }
  }
}
