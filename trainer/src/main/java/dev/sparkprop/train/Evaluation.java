package dev.sparkprop.train;

import dev.sparkprop.nn.Loss;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums from which every reported metric follows, mergeable across partitions like gradients:
 * the summed loss, and either a confusion matrix (classification) or the sums of errors and
 * targets (regression).
 */
public final class Evaluation implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Loss loss;
  private final int classes;
  private long count;
  private double lossSum;
  /** confusion[truth * classes + predicted]; null for regression. */
  private final long[] confusion;
  private double squaredError;
  private double absoluteError;
  private double targetSum;
  private double targetSquares;

  public Evaluation(Loss loss, int classes) {
    this.loss = loss;
    this.classes = loss.isClassification() ? classes : 0;
    if (loss.isClassification() && classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, not " + classes);
    }
    this.confusion = loss.isClassification() ? new long[classes * classes] : null;
  }

  /**
   * Adds m examples: the network's outputs (outputs × m), their targets from {@code tOff}, and
   * their summed loss.
   */
  public void add(double[] outputs, int width, int m, double[] targets, int tOff, double summedLoss) {
    count += m;
    lossSum += summedLoss;
    switch (loss) {
      case SOFTMAX_CROSS_ENTROPY -> {
        for (int j = 0; j < m; j++) {
          confusion[(int) targets[tOff + j] * classes + argmax(outputs, j * width, width)]++;
        }
      }
      case SIGMOID_BINARY_CROSS_ENTROPY -> {
        for (int j = 0; j < m; j++) {
          confusion[(int) targets[tOff + j] * classes + (outputs[j] >= 0.5 ? 1 : 0)]++;
        }
      }
      case SQUARED_ERROR -> {
        for (int j = 0; j < m; j++) {
          double t = targets[tOff + j];
          double r = outputs[j] - t;
          squaredError += r * r;
          absoluteError += Math.abs(r);
          targetSum += t;
          targetSquares += t * t;
        }
      }
    }
  }

  public Evaluation merge(Evaluation other) {
    if (other.loss != loss || other.classes != classes) {
      throw new IllegalArgumentException("cannot merge evaluations of different tasks");
    }
    count += other.count;
    lossSum += other.lossSum;
    if (confusion != null) {
      for (int i = 0; i < confusion.length; i++) {
        confusion[i] += other.confusion[i];
      }
    }
    squaredError += other.squaredError;
    absoluteError += other.absoluteError;
    targetSum += other.targetSum;
    targetSquares += other.targetSquares;
    return this;
  }

  public long count() {
    return count;
  }

  public boolean isClassification() {
    return confusion != null;
  }

  public int classes() {
    return classes;
  }

  /** The mean loss per example (the log loss for classification, half the MSE for regression). */
  public double meanLoss() {
    return lossSum / count;
  }

  public double accuracy() {
    long right = 0;
    for (int c = 0; c < classes; c++) {
      right += confusion[c * classes + c];
    }
    return (double) right / count;
  }

  /** Row = true class, column = predicted class. */
  public long[][] confusionMatrix() {
    long[][] m = new long[classes][classes];
    for (int t = 0; t < classes; t++) {
      System.arraycopy(confusion, t * classes, m[t], 0, classes);
    }
    return m;
  }

  /** Of the examples predicted as c, the fraction that are c (0 when none was predicted c). */
  public double precision(int c) {
    long predicted = 0;
    for (int t = 0; t < classes; t++) {
      predicted += confusion[t * classes + c];
    }
    return predicted == 0 ? 0.0 : (double) confusion[c * classes + c] / predicted;
  }

  /** Of the examples that are c, the fraction predicted c (0 when there are none). */
  public double recall(int c) {
    long actual = 0;
    for (int p = 0; p < classes; p++) {
      actual += confusion[c * classes + p];
    }
    return actual == 0 ? 0.0 : (double) confusion[c * classes + c] / actual;
  }

  public double mse() {
    return squaredError / count;
  }

  public double rmse() {
    return Math.sqrt(mse());
  }

  public double mae() {
    return absoluteError / count;
  }

  /** R² = 1 − SSE / SST, with SST the sum of squares about the targets' mean. */
  public double r2() {
    double mean = targetSum / count;
    double sst = targetSquares - count * mean * mean;
    return sst <= 0 ? Double.NaN : 1.0 - squaredError / sst;
  }

  /** The headline metrics by name (accuracy and log loss, or MSE, RMSE, MAE and R²). */
  public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("examples", (double) count);
    m.put("loss", meanLoss());
    if (isClassification()) {
      m.put("accuracy", accuracy());
    } else {
      m.put("mse", mse());
      m.put("rmse", rmse());
      m.put("mae", mae());
      m.put("r2", r2());
    }
    return m;
  }

  /** A short summary for progress lines: "acc 0.9712" or "rmse 0.412". */
  public String headline() {
    return isClassification()
        ? String.format("accuracy %.4f", accuracy())
        : String.format("rmse %.4f", rmse());
  }

  private static int argmax(double[] v, int off, int len) {
    int best = 0;
    for (int i = 1; i < len; i++) {
      if (v[off + i] > v[off + best]) {
        best = i;
      }
    }
    return best;
  }
}
