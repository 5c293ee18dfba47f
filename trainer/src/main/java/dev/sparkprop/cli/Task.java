package dev.sparkprop.cli;

import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.spark.PreparedData;

/** The learning task, inferred from the labels unless {@code --loss} says otherwise, and checked against them. */
record Task(Loss loss, int classes) {

  /**
   * The task of the training labels, checked against the labels of separate validation and test
   * sets. A bad label is reported at its file and line (or record).
   */
  static Task of(PreparedData data, Loss forced) {
    LabelStats labels = data.labels();
    Task task = forced != null ? forced(labels, forced, data.locator(labels)) : inferred(labels);
    if (task.loss.isClassification()) {
      for (LabelStats other : data.separateLabels()) {
        other.checkClassLabels(task.classes, data.locator(other));
      }
    }
    return task;
  }

  private static Task inferred(LabelStats labels) {
    return switch (labels.inferTask()) {
      case BINARY -> new Task(Loss.SIGMOID_BINARY_CROSS_ENTROPY, 2);
      case MULTICLASS -> new Task(Loss.SOFTMAX_CROSS_ENTROPY, labels.classes());
      case REGRESSION -> new Task(Loss.SQUARED_ERROR, 0);
    };
  }

  private static Task forced(LabelStats labels, Loss loss, LabelStats.Locator locator) {
    if (!loss.isClassification()) {
      return new Task(loss, 0);
    }
    if (!labels.allIntegers()) {
      throw labels.notAnInteger("is not a class index: --loss " + loss.cliName()
          + " needs integer class labels 0..K-1 (use squared-error for regression)", locator);
    }
    // A negative label makes the labels look like regression, whose class count is 0; the
    // classes the user means still run up to the greatest label.
    int classes = labels.min() < 0 ? (int) Math.max(2, Math.min(labels.max() + 1, Integer.MAX_VALUE))
        : Math.max(2, labels.classes());
    if (loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY && classes != 2) {
      throw labels.greatest("is not 0 or 1: --loss binary-cross-entropy needs labels 0 and 1; for "
          + classes + " classes use softmax-cross-entropy", locator);
    }
    labels.checkClassLabels(classes, locator);
    return new Task(loss, classes);
  }

  String describe() {
    return switch (loss) {
      case SOFTMAX_CROSS_ENTROPY -> classes + " classes (softmax cross-entropy)";
      case SIGMOID_BINARY_CROSS_ENTROPY -> "2 classes (sigmoid binary cross-entropy)";
      case SQUARED_ERROR -> "regression (squared error)";
      case HUBER -> "regression (Huber loss)";
    };
  }
}
