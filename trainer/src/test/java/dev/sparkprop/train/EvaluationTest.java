package dev.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.FeatureStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Loss;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Evaluation: F1, log loss, binned ROC AUC, merging, and regression sums")
class EvaluationTest {

  /**
   * Adds one example per entry of a hand-made confusion matrix (rows: true class, columns:
   * predicted), each with probability 0.7 on the predicted class and 0.1 on the three others.
   */
  @Test
  @DisplayName("a hand-made 4-class confusion gives the expected precision, recall, F1 and log loss")
  void handMadeConfusion() {
    long[][] confusion = {
        {5, 1, 0, 0},
        {2, 3, 1, 0},
        {0, 2, 2, 0},
        {0, 0, 0, 0}, // class 3 neither occurs nor is predicted
    };
    Evaluation e = new Evaluation(Loss.SOFTMAX_CROSS_ENTROPY, 4);
    double logLossSum = 0.0;
    for (int t = 0; t < 4; t++) {
      for (int p = 0; p < 4; p++) {
        for (long k = 0; k < confusion[t][p]; k++) {
          double[] out = {0.1, 0.1, 0.1, 0.1};
          out[p] = 0.7;
          double loss = -Math.log(out[t]);
          logLossSum += loss;
          e.add(out, 4, 1, new double[] {t}, 0, loss);
        }
      }
    }
    assertArrayEquals(confusion, e.confusionMatrix());
    assertEquals(16, e.count());
    assertEquals(10.0 / 16, e.accuracy(), 1e-15);

    // Class 0: TP 5, predicted 7, actual 6.   Class 1: TP 3, predicted 6, actual 6.
    // Class 2: TP 2, predicted 3, actual 4.   Class 3: nothing, so P = R = F1 = 0.
    double[] precision = {5.0 / 7, 3.0 / 6, 2.0 / 3, 0.0};
    double[] recall = {5.0 / 6, 3.0 / 6, 2.0 / 4, 0.0};
    double[] f1 = {10.0 / 13, 0.5, 4.0 / 7, 0.0}; // 2 TP / (predicted + actual)
    for (int c = 0; c < 4; c++) {
      assertEquals(precision[c], e.precision(c), 1e-15, "precision of " + c);
      assertEquals(recall[c], e.recall(c), 1e-15, "recall of " + c);
      assertEquals(f1[c], e.f1(c), 1e-15, "F1 of " + c);
      if (c < 3) {
        double harmonic = 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        assertEquals(harmonic, e.f1(c), 1e-15, "F1 of " + c + " is the harmonic mean");
      }
    }
    double macro = (10.0 / 13 + 0.5 + 4.0 / 7 + 0.0) / 4;
    assertEquals(macro, e.macroF1(), 1e-15);
    assertEquals(logLossSum / 16, e.logLoss(), 1e-15);
    // 10 right at −log 0.7, 6 wrong at −log 0.1
    assertEquals((10 * -Math.log(0.7) + 6 * -Math.log(0.1)) / 16, e.logLoss(), 1e-14);

    Map<String, Double> m = e.metrics();
    assertEquals(List.of("examples", "loss", "accuracy", "log_loss", "macro_f1"), List.copyOf(m.keySet()));
    assertEquals(macro, m.get("macro_f1"), 1e-15);
    assertEquals(e.logLoss(), m.get("log_loss"), 0.0);
    assertThrows(IllegalStateException.class, e::auc, "AUC is for the binary task only");
  }

  @Test
  @DisplayName("binary F1 for each class, and the metrics include auc")
  void binaryF1AndMetricKeys() {
    Evaluation e = new Evaluation(Loss.SIGMOID_BINARY_CROSS_ENTROPY, 2);
    // truth 1 predicted 1 (p ≥ 0.5) three times, truth 1 predicted 0 once, truth 0 predicted 1 twice,
    // truth 0 predicted 0 four times.
    double[] p = {0.9, 0.8, 0.6, 0.2, 0.7, 0.55, 0.1, 0.3, 0.4, 0.05};
    double[] y = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    e.add(p, 1, p.length, y, 0, 1.0);
    // Class 1: TP 3, FP 2, FN 1 → 6 / 9.  Class 0: TP 4, FP 1, FN 2 → 8 / 11.
    assertEquals(6.0 / 9, e.f1(1), 1e-15);
    assertEquals(8.0 / 11, e.f1(0), 1e-15);
    assertEquals((6.0 / 9 + 8.0 / 11) / 2, e.macroF1(), 1e-15);
    assertEquals(exactAuc(p, y), e.auc(), 0.0, "no two scores share a bin here");
    assertEquals(List.of("examples", "loss", "accuracy", "log_loss", "macro_f1", "auc"),
        List.copyOf(e.metrics().keySet()));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  @DisplayName("binned AUC equals the exact Mann–Whitney AUC of the raw scores within 1e-3")
  void aucMatchesMannWhitney(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = 3000;
    double[] p = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextDouble() < 0.4 ? 1 : 0;
      // Negatives uniform, positives √U: P(√U₁ > U₂) = E √U = 2/3.
      double u = random.nextDouble();
      p[i] = y[i] == 1 ? Math.sqrt(u) : u;
    }
    Evaluation e = new Evaluation(Loss.SIGMOID_BINARY_CROSS_ENTROPY, 2);
    for (int from = 0; from < n; from += 128) {
      e.add(copy(p, from, Math.min(n, from + 128)), 1, Math.min(128, n - from), y, from, 0.0);
    }
    double exact = exactAuc(p, y);
    assertEquals(2.0 / 3, exact, 0.03, "the test's own scores");
    assertEquals(exact, e.auc(), 1e-3);
    assertTrue(Math.abs(e.auc() - exact) <= e.aucBinningBound() + 1e-15,
        "within the documented bound " + e.aucBinningBound());
    assertTrue(e.aucBinningBound() < 1e-3, "uniform-ish scores: ½ · D · 1e-3 with D ≤ 2");
  }

  @Test
  @DisplayName("AUC is 1 for perfectly separated scores, 0 reversed, ½ when every score is the same")
  void aucExtremes() {
    SplittableRandom random = new SplittableRandom(9);
    int n = 500;
    double[] separated = new double[n];
    double[] reversed = new double[n];
    double[] same = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3 == 0 ? 1 : 0;
      double u = random.nextDouble();
      // Positives in [0.55, 1], negatives in [0, 0.45]: no bin holds both. Include the ends.
      separated[i] = y[i] == 1 ? (i == 0 ? 1.0 : 0.55 + 0.45 * u) : (i == 1 ? 0.0 : 0.45 * u);
      reversed[i] = 1.0 - separated[i];
      same[i] = 0.3;
    }
    assertEquals(1.0, binary(separated, y).auc(), 0.0);
    assertEquals(0.0, binary(reversed, y).auc(), 0.0);
    assertEquals(0.5, binary(same, y).auc(), 0.0);
    assertEquals(0.5, exactAuc(same, y), 0.0, "ties count ½ in the exact statistic too");
  }

  @Test
  @DisplayName("AUC is NaN when one class is absent")
  void aucWithOneClass() {
    assertTrue(Double.isNaN(binary(new double[] {0.2, 0.9}, new double[] {1, 1}).auc()));
    assertTrue(Double.isNaN(binary(new double[] {0.2, 0.9}, new double[] {0, 0}).auc()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Loss.class)
  @DisplayName("merging two halves gives what evaluating everything at once gives")
  void mergingHalvesEqualsTheWhole(Loss loss) {
    int classes = switch (loss) {
      case SOFTMAX_CROSS_ENTROPY -> 5;
      case SIGMOID_BINARY_CROSS_ENTROPY -> 2;
      default -> 0;
    };
    int width = loss.outputsFor(classes);
    int n = 2001;
    SplittableRandom random = new SplittableRandom(17);
    double[] z = new double[width * n];
    double[] y = new double[n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < width; i++) {
        z[j * width + i] = random.nextDouble(-3.0, 3.0);
      }
      y[j] = loss.isClassification() ? random.nextInt(classes) : random.nextDouble(-3.0, 3.0);
    }
    Evaluation whole = evaluate(loss, classes, z, y, 0, n);
    Evaluation first = evaluate(loss, classes, z, y, 0, 777);
    Evaluation second = evaluate(loss, classes, z, y, 777, n);
    Evaluation merged = first.merge(second);

    assertEquals(whole.count(), merged.count());
    Map<String, Double> expected = whole.metrics();
    Map<String, Double> actual = merged.metrics();
    assertEquals(expected.keySet(), actual.keySet());
    for (String key : expected.keySet()) {
      assertEquals(expected.get(key), actual.get(key), 1e-12, key);
    }
    if (loss.isClassification()) {
      assertArrayEquals(whole.confusionMatrix(), merged.confusionMatrix());
      for (int c = 0; c < classes; c++) {
        assertEquals(whole.f1(c), merged.f1(c), 0.0, "F1 of " + c + " (from counts: exact)");
      }
    }
    if (loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY) {
      assertEquals(whole.auc(), merged.auc(), 0.0, "the histograms merge exactly");
    }
  }

  @Test
  @DisplayName("for the same outputs, Huber's regression sums are squared error's; only the loss differs")
  void huberKeepsTheRegressionSums() {
    SplittableRandom random = new SplittableRandom(23);
    int n = 300;
    double[] z = new double[n];
    double[] y = new double[n];
    for (int j = 0; j < n; j++) {
      z[j] = random.nextDouble(-4.0, 4.0); // residuals on both sides of δ = 1
      y[j] = random.nextDouble(-2.0, 2.0);
    }
    Evaluation squared = evaluate(Loss.SQUARED_ERROR, 0, z, y, 0, n);
    Evaluation huber = evaluate(Loss.HUBER, 0, z, y, 0, n);
    assertEquals(squared.mse(), huber.mse(), 0.0);
    assertEquals(squared.rmse(), huber.rmse(), 0.0);
    assertEquals(squared.mae(), huber.mae(), 0.0);
    assertEquals(squared.r2(), huber.r2(), 0.0);
    assertNotEquals(squared.meanLoss(), huber.meanLoss());
    assertTrue(huber.meanLoss() < squared.meanLoss(), "Huber ≤ ½ r², strictly for |r| > 1");
    assertEquals(List.of("examples", "loss", "mse", "rmse", "mae", "r2"), List.copyOf(huber.metrics().keySet()));
    assertEquals(squared.headline(), huber.headline());
    assertThrows(IllegalStateException.class, huber::logLoss);
    assertThrows(IllegalStateException.class, huber::auc);
    assertThrows(IllegalStateException.class, () -> huber.f1(0));
  }

  @Test
  @DisplayName("errors summed on standardized targets, reported in target units, equal errors summed in target units")
  void standardizedTargetsReportInTargetUnits() {
    SplittableRandom random = new SplittableRandom(29);
    int n = 500;
    double[] target = new double[n];
    double[] predicted = new double[n];
    FeatureStats stats = new FeatureStats(1);
    for (int j = 0; j < n; j++) {
      target[j] = random.nextDouble(200.0, 900.0);
      predicted[j] = target[j] + random.nextDouble(-40.0, 40.0);
      stats.add(target, j);
    }
    FeatureScaler scaler = FeatureScaler.fit(Scaling.STANDARDIZE, stats);
    double[] scaledTarget = new double[n];
    double[] scaledPrediction = new double[n];
    for (int j = 0; j < n; j++) {
      scaledTarget[j] = scaler.apply(0, target[j]);
      scaledPrediction[j] = scaler.apply(0, predicted[j]);
    }

    Evaluation direct = new Evaluation(Loss.SQUARED_ERROR, 0);
    direct.add(predicted, 1, n, target, 0, 0.0);
    Evaluation scaled = new Evaluation(Loss.SQUARED_ERROR, 0);
    scaled.add(scaledPrediction, 1, n, scaledTarget, 0, 0.0);
    double rmseInTrainingUnits = scaled.rmse();
    scaled.inTargetUnits(scaler);

    assertTrue(direct.rmse() > 10 * rmseInTrainingUnits, "the two units differ by the targets' spread, about 200");
    assertEquals(direct.mse(), scaled.mse(), 1e-9 * direct.mse());
    assertEquals(direct.rmse(), scaled.rmse(), 1e-9 * direct.rmse());
    assertEquals(direct.mae(), scaled.mae(), 1e-9 * direct.mae());
    assertEquals(direct.r2(), scaled.r2(), 1e-12);
  }

  /** Evaluates examples [from, to) as the engines do: loss from z, then outputs, in batches of 64. */
  private static Evaluation evaluate(Loss loss, int classes, double[] z, double[] y, int from, int to) {
    int width = loss.outputsFor(classes);
    Evaluation e = new Evaluation(loss, classes);
    for (int start = from; start < to; start += 64) {
      int m = Math.min(64, to - start);
      double[] delta = copy(z, start * width, (start + m) * width);
      double summed = loss.lossAndDelta(delta, width, m, y, start);
      double[] out = copy(z, start * width, (start + m) * width);
      loss.output(out, width, m);
      e.add(out, width, m, y, start, summed);
    }
    return e;
  }

  private static Evaluation binary(double[] p, double[] y) {
    Evaluation e = new Evaluation(Loss.SIGMOID_BINARY_CROSS_ENTROPY, 2);
    e.add(p, 1, p.length, y, 0, 0.0);
    return e;
  }

  /** Mann–Whitney: the fraction of (positive, negative) pairs ranked right, ties counting ½. */
  private static double exactAuc(double[] p, double[] y) {
    double wins = 0.0;
    long pairs = 0;
    for (int i = 0; i < p.length; i++) {
      if (y[i] != 1) {
        continue;
      }
      for (int j = 0; j < p.length; j++) {
        if (y[j] != 0) {
          continue;
        }
        pairs++;
        wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
      }
    }
    return wins / pairs;
  }

  private static double[] copy(double[] a, int from, int to) {
    double[] c = new double[to - from];
    System.arraycopy(a, from, c, 0, to - from);
    return c;
  }
}
