package dev.sparkprop.train;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.nn.Loss;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums from which every reported metric follows, mergeable across partitions like gradients:
 * the summed loss, and either a confusion matrix (classification) or the sums of errors and
 * targets (regression). A binary task also keeps two histograms of the predicted probability,
 * one for each true class, from which ROC AUC follows. All of these merge by addition: the
 * counts, and so accuracy, F1 and AUC, do not depend on how the examples were partitioned; the
 * sums of doubles only through rounding.
 */
public final class Evaluation implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Equal-width bins of the predicted probability on [0, 1], for {@link #auc()}. */
  static final int AUC_BINS = 1000;

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
  /**
   * Binary only (else null): positives[b] and negatives[b] count the examples of true class 1
   * and 0 whose predicted P(y = 1) falls in bin b = [b/AUC_BINS, (b+1)/AUC_BINS), 1 in the last.
   */
  private final long[] positives;
  private final long[] negatives;
  /**
   * The size of one target unit the network was trained in, in the target's own units: the
   * training targets' standard deviation when they were standardized, else 1. The error sums
   * are kept in training units; the regression metrics are reported multiplied back.
   */
  private double targetUnit = 1.0;

  public Evaluation(Loss loss, int classes) {
    this.loss = loss;
    this.classes = loss.isClassification() ? classes : 0;
    if (loss.isClassification() && classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, not " + classes);
    }
    this.confusion = loss.isClassification() ? new long[classes * classes] : null;
    boolean binary = loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY;
    this.positives = binary ? new long[AUC_BINS] : null;
    this.negatives = binary ? new long[AUC_BINS] : null;
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
          int truth = (int) targets[tOff + j];
          confusion[truth * classes + (outputs[j] >= 0.5 ? 1 : 0)]++;
          (truth == 1 ? positives : negatives)[aucBin(outputs[j])]++;
        }
      }
      case SQUARED_ERROR, HUBER -> {
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
    if (other.loss != loss || other.classes != classes || other.targetUnit != targetUnit) {
      throw new IllegalArgumentException("cannot merge evaluations of different tasks");
    }
    count += other.count;
    lossSum += other.lossSum;
    if (confusion != null) {
      for (int i = 0; i < confusion.length; i++) {
        confusion[i] += other.confusion[i];
      }
    }
    if (positives != null) {
      for (int b = 0; b < AUC_BINS; b++) {
        positives[b] += other.positives[b];
        negatives[b] += other.negatives[b];
      }
    }
    squaredError += other.squaredError;
    absoluteError += other.absoluteError;
    targetSum += other.targetSum;
    targetSquares += other.targetSquares;
    return this;
  }

  /**
   * Writes every sum, exactly (doubles as their bits), for a checkpoint's metrics history;
   * {@link #readFrom} gives back an evaluation equal in every field.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeUTF(loss.name());
    out.writeInt(classes);
    out.writeLong(count);
    out.writeDouble(lossSum);
    writeCounts(out, confusion);
    out.writeDouble(squaredError);
    out.writeDouble(absoluteError);
    out.writeDouble(targetSum);
    out.writeDouble(targetSquares);
    writeCounts(out, positives);
    writeCounts(out, negatives);
    out.writeDouble(targetUnit);
  }

  /**
   * Reads what {@link #writeTo} wrote. The array sizes follow from the loss and class count, which
   * are checked against the bytes left in {@code in} before anything is allocated, so a damaged
   * record fails instead of allocating gigabytes.
   *
   * @throws IOException if the record is not one {@link #writeTo} could have written
   */
  public static Evaluation readFrom(DataInputStream in) throws IOException {
    Loss loss;
    try {
      loss = Loss.valueOf(in.readUTF());
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown loss in an evaluation record");
    }
    int classes = in.readInt();
    if (loss.isClassification() && (classes < 2 || (long) classes * classes > in.available() / Long.BYTES)) {
      throw new IOException("an evaluation record with " + classes + " classes");
    }
    Evaluation e = new Evaluation(loss, classes);
    e.count = in.readLong();
    e.lossSum = in.readDouble();
    readCounts(in, e.confusion);
    e.squaredError = in.readDouble();
    e.absoluteError = in.readDouble();
    e.targetSum = in.readDouble();
    e.targetSquares = in.readDouble();
    readCounts(in, e.positives);
    readCounts(in, e.negatives);
    e.targetUnit = in.readDouble();
    return e;
  }

  private static void writeCounts(DataOutput out, long[] counts) throws IOException {
    out.writeInt(counts == null ? -1 : counts.length);
    if (counts != null) {
      for (long c : counts) {
        out.writeLong(c);
      }
    }
  }

  private static void readCounts(DataInputStream in, long[] into) throws IOException {
    int n = in.readInt();
    if (n != (into == null ? -1 : into.length)) {
      throw new IOException("an evaluation record's counts have length " + n + ", expected "
          + (into == null ? -1 : into.length));
    }
    for (int i = 0; i < n; i++) {
      into[i] = in.readLong();
    }
  }

  public long count() {
    return count;
  }

  /**
   * Reports MSE, RMSE and MAE in the targets' own units, for sums taken on targets rescaled by
   * {@code targetScaler} (one column). R² needs nothing: it is a ratio of two sums of squares
   * that scale alike. The loss stays the training objective, in training units.
   *
   * @return this
   */
  public Evaluation inTargetUnits(FeatureScaler targetScaler) {
    targetUnit = 1.0 / targetScaler.scale()[0];
    return this;
  }

  public boolean isClassification() {
    return confusion != null;
  }

  public int classes() {
    return classes;
  }

  /**
   * The mean loss per example: the log loss for classification, half the MSE for squared error,
   * the mean Huber loss for Huber.
   */
  public double meanLoss() {
    return lossSum / count;
  }

  /**
   * The log loss (cross-entropy) −(1/n) Σ log p(true class of example i), which for the two
   * classification losses is exactly {@link #meanLoss()}.
   *
   * @throws IllegalStateException for regression, where the loss is not a log loss
   */
  public double logLoss() {
    requireClassification("log loss");
    return meanLoss();
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

  /**
   * F1 of class c, the harmonic mean of its precision P and recall R: 2PR / (P + R)
   * = 2 TP / (2 TP + FP + FN) (van Rijsbergen, Information Retrieval, 1979), computed from the
   * counts; 0 when P and R are both 0, which includes a class that neither occurs nor is
   * predicted.
   */
  public double f1(int c) {
    requireClassification("F1");
    long truePositives = confusion[c * classes + c];
    long predicted = 0;
    long actual = 0;
    for (int k = 0; k < classes; k++) {
      predicted += confusion[k * classes + c];
      actual += confusion[c * classes + k];
    }
    // 2TP + FP + FN = predicted + actual
    long denominator = predicted + actual;
    return truePositives == 0 ? 0.0 : 2.0 * truePositives / denominator;
  }

  /**
   * Macro-averaged F1: (1/K) Σ_c F1(c) over all K classes, each class weighing the same
   * whatever its frequency (a class absent from the data counts as F1 = 0).
   */
  public double macroF1() {
    requireClassification("F1");
    double sum = 0.0;
    for (int c = 0; c < classes; c++) {
      sum += f1(c);
    }
    return sum / classes;
  }

  /**
   * ROC AUC of a binary task: the probability that a random positive is scored above a random
   * negative, ties counting ½ (the Mann–Whitney U statistic over n₊ n₋; Hanley and McNeil,
   * Radiology 143, 1982), equal to the trapezoidal area under the ROC curve. Computed from the
   * histograms, treating all scores in one bin as tied:
   *
   * <pre>
   *   AUC ≈ Σ_b pos[b] · (Σ_{b' < b} neg[b'] + ½ neg[b]) / (n₊ n₋)
   * </pre>
   *
   * <p>Approximation: a positive–negative pair in different bins is ordered exactly as by the
   * raw scores, so only pairs sharing a bin (width 1e-3) can be miscounted, each by ½. The error
   * is therefore at most ½ · Σ_b pos[b] neg[b] / (n₊ n₋), half the fraction of pairs that share
   * a bin; when the negatives' scores have a density of at most D on [0, 1], that is at most
   * ½ · D · 1e-3 (5e-4 for uniform scores). The bound is loose only where scores pile up in one
   * bin, as a saturated sigmoid puts many at p < 1e-3 or p ≥ 0.999: pairs within such a bin
   * count ½ whatever their order.
   *
   * @return the AUC, or NaN when either class is absent
   * @throws IllegalStateException unless the loss is {@link Loss#SIGMOID_BINARY_CROSS_ENTROPY}
   */
  public double auc() {
    requireBinary();
    double below = 0.0; // negatives in lower bins
    double sum = 0.0;
    for (int b = 0; b < AUC_BINS; b++) {
      sum += positives[b] * (below + 0.5 * negatives[b]);
      below += negatives[b];
    }
    return sum / (totalPositives() * below);
  }

  /**
   * The bound on |{@link #auc()} − exact AUC| that binning allows: half the fraction of
   * positive–negative pairs whose scores share a bin.
   */
  double aucBinningBound() {
    requireBinary();
    double shared = 0.0;
    double negativesTotal = 0.0;
    for (int b = 0; b < AUC_BINS; b++) {
      shared += (double) positives[b] * negatives[b];
      negativesTotal += negatives[b];
    }
    return 0.5 * shared / (totalPositives() * negativesTotal);
  }

  public double mse() {
    return squaredError / count * targetUnit * targetUnit;
  }

  public double rmse() {
    return Math.sqrt(mse());
  }

  public double mae() {
    return absoluteError / count * targetUnit;
  }

  /** R² = 1 − SSE / SST, with SST the sum of squares about the targets' mean. */
  public double r2() {
    double mean = targetSum / count;
    double sst = targetSquares - count * mean * mean;
    return sst <= 0 ? Double.NaN : 1.0 - squaredError / sst;
  }

  /**
   * The headline metrics by name: for classification accuracy, log_loss and macro_f1, and auc
   * for a binary task; for regression mse, rmse, mae and r2.
   */
  public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("examples", (double) count);
    m.put("loss", meanLoss());
    if (isClassification()) {
      m.put("accuracy", accuracy());
      m.put("log_loss", logLoss());
      m.put("macro_f1", macroF1());
      if (positives != null) {
        m.put("auc", auc());
      }
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

  /** The histogram bin of a predicted probability; NaN falls in bin 0, as it predicts class 0. */
  private static int aucBin(double p) {
    // p · AUC_BINS can round up to AUC_BINS for p just below 1, hence the min.
    return p > 0.0 ? Math.min((int) (p * AUC_BINS), AUC_BINS - 1) : 0;
  }

  private double totalPositives() {
    double n = 0.0;
    for (long v : positives) {
      n += v;
    }
    return n;
  }

  private void requireClassification(String metric) {
    if (!isClassification()) {
      throw new IllegalStateException(metric + " is defined for classification, not for "
          + loss.cliName() + " regression");
    }
  }

  private void requireBinary() {
    if (positives == null) {
      throw new IllegalStateException("AUC is computed for binary cross-entropy only, not for "
          + loss.cliName());
    }
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
