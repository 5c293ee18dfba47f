package dev.sparkprop.cli;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.nn.Loss;

/** The learning task, inferred from the labels unless {@code --loss} says otherwise, and checked against them. */
record Task(Loss loss, int classes) {

  /** The task of the training labels, checked against the labels of separate validation and test sets. */
  static Task of(LabelStats labels, Loss forced, java.util.List<LabelStats> otherLabels) {
    Task task = forced != null ? forced(labels, forced) : inferred(labels);
    if (task.loss.isClassification()) {
      for (LabelStats other : otherLabels) {
        other.checkClassLabels(task.classes, other.source());
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

  private static Task forced(LabelStats labels, Loss loss) {
    if (!loss.isClassification()) {
      return new Task(loss, 0);
    }
    if (!labels.allIntegers()) {
      throw new DataFormatException(labels.source(), 0, "--loss " + loss.cliName()
          + " needs integer class labels 0..K-1, but the labels are real numbers (use squared-error for regression)");
    }
    int classes = Math.max(2, labels.classes());
    if (loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY && classes != 2) {
      throw new DataFormatException(labels.source(), 0, "--loss binary-cross-entropy needs labels 0 and 1, but there are "
          + classes + " classes; use softmax-cross-entropy");
    }
    labels.checkClassLabels(classes, labels.source());
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
