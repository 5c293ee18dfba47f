package dev.sparkprop.nn;

import java.util.Locale;

/**
 * A loss fused with the output function it belongs to, so that a mismatched pair (softmax with
 * squared error, say) cannot be written, and so that each member computes the output layer's
 * delta dLoss/dz in closed form. For the canonical pairs (softmax with cross-entropy, sigmoid
 * with binary cross-entropy, identity with squared error) that delta is exactly
 * {@code output − target} (Bishop, Pattern Recognition and Machine Learning, §5.3 and §4.3.6).
 * {@link #HUBER} is the exception: its delta is {@code output − target} clipped to [−δ, δ].
 *
 * <p>Targets are one number per example: the class index for the two classification losses,
 * the real value for the two regression losses (squared error and Huber).
 */
public enum Loss {

  /**
   * Softmax output p = e^z / Σ e^z and cross-entropy −log p_y for class y. The loss is computed
   * as logsumexp(z) − z_y with the maximum subtracted first, so large logits cannot overflow.
   */
  SOFTMAX_CROSS_ENTROPY {
    @Override
    public void checkOutputs(int outputs) {
      if (outputs < 2) {
        throw new IllegalArgumentException(
            "softmax cross-entropy needs at least 2 outputs (one per class), not " + outputs);
      }
    }

    @Override
    public double lossAndDelta(double[] z, int outputs, int m, double[] targets, int tOff) {
      double loss = 0.0;
      for (int j = 0; j < m; j++) {
        int col = j * outputs;
        int y = classIndex(targets[tOff + j], outputs);
        double max = z[col];
        for (int i = 1; i < outputs; i++) {
          max = Math.max(max, z[col + i]);
        }
        // −log p_y = log Σ e^(z − max) − (z_y − max): both terms stay finite for any logits.
        double shiftedTarget = z[col + y] - max;
        double sum = 0.0;
        for (int i = 0; i < outputs; i++) {
          double e = Math.exp(z[col + i] - max);
          z[col + i] = e;
          sum += e;
        }
        loss += Math.log(sum) - shiftedTarget;
        double inv = 1.0 / sum;
        for (int i = 0; i < outputs; i++) {
          z[col + i] *= inv;
        }
        z[col + y] -= 1.0;
      }
      return loss;
    }

    @Override
    public void output(double[] z, int outputs, int m) {
      for (int j = 0; j < m; j++) {
        int col = j * outputs;
        double max = z[col];
        for (int i = 1; i < outputs; i++) {
          max = Math.max(max, z[col + i]);
        }
        double sum = 0.0;
        for (int i = 0; i < outputs; i++) {
          double e = Math.exp(z[col + i] - max);
          z[col + i] = e;
          sum += e;
        }
        double inv = 1.0 / sum;
        for (int i = 0; i < outputs; i++) {
          z[col + i] *= inv;
        }
      }
    }
  },

  /**
   * One sigmoid output p = σ(z) = P(y = 1) and binary cross-entropy
   * −[y log p + (1 − y) log(1 − p)], computed as max(z, 0) − y z + log(1 + e^−|z|), which is
   * exact for any z.
   */
  SIGMOID_BINARY_CROSS_ENTROPY {
    @Override
    public void checkOutputs(int outputs) {
      if (outputs != 1) {
        throw new IllegalArgumentException(
            "sigmoid binary cross-entropy has exactly 1 output, not " + outputs);
      }
    }

    @Override
    public double lossAndDelta(double[] z, int outputs, int m, double[] targets, int tOff) {
      double loss = 0.0;
      for (int j = 0; j < m; j++) {
        double y = classIndex(targets[tOff + j], 2);
        double v = z[j];
        loss += Math.max(v, 0.0) - y * v + Math.log1p(Math.exp(-Math.abs(v)));
        z[j] = sigmoid(v) - y;
      }
      return loss;
    }

    @Override
    public void output(double[] z, int outputs, int m) {
      for (int j = 0; j < m; j++) {
        z[j] = sigmoid(z[j]);
      }
    }
  },

  /** Identity output and squared error ½ (z − y)², the ½ making the delta exactly z − y. */
  SQUARED_ERROR {
    @Override
    public void checkOutputs(int outputs) {
      if (outputs != 1) {
        throw new IllegalArgumentException(
            "squared error (regression) has exactly 1 output, not " + outputs);
      }
    }

    @Override
    public double lossAndDelta(double[] z, int outputs, int m, double[] targets, int tOff) {
      double loss = 0.0;
      for (int j = 0; j < m; j++) {
        double r = z[j] - targets[tOff + j];
        loss += 0.5 * r * r;
        z[j] = r;
      }
      return loss;
    }

    @Override
    public void output(double[] z, int outputs, int m) {}
  },

  /**
   * Identity output and the Huber loss with δ = 1 (P. J. Huber, "Robust Estimation of a
   * Location Parameter", Annals of Mathematical Statistics 35(1), 1964): with r = z − y,
   * ½ r² for |r| ≤ δ and δ (|r| − ½ δ) beyond. It is squared error near the target and
   * absolute error far from it, so one outlier pulls on the weights with a force of at most δ.
   * The delta is dLoss/dz = clamp(r, −δ, δ) — not output − target once |r| > δ. The loss is
   * continuously differentiable; its second derivative jumps at |r| = δ.
   */
  HUBER {
    @Override
    public void checkOutputs(int outputs) {
      if (outputs != 1) {
        throw new IllegalArgumentException(
            "Huber loss (regression) has exactly 1 output, not " + outputs);
      }
    }

    @Override
    public double lossAndDelta(double[] z, int outputs, int m, double[] targets, int tOff) {
      double loss = 0.0;
      for (int j = 0; j < m; j++) {
        double r = z[j] - targets[tOff + j];
        double a = Math.abs(r);
        if (a <= HUBER_DELTA) {
          loss += 0.5 * r * r;
          z[j] = r;
        } else {
          loss += HUBER_DELTA * (a - 0.5 * HUBER_DELTA);
          z[j] = Math.copySign(HUBER_DELTA, r);
        }
      }
      return loss;
    }

    @Override
    public void output(double[] z, int outputs, int m) {}
  };

  /** Huber's δ: the residual beyond which the loss grows linearly rather than quadratically. */
  private static final double HUBER_DELTA = 1.0;

  /** Throws IllegalArgumentException when this loss cannot sit on an output layer of that width. */
  public abstract void checkOutputs(int outputs);

  /**
   * Given the output layer's pre-activations z (outputs × m, column-major), returns the loss
   * summed over the m examples and overwrites z with dLoss/dz: output − target, except for
   * {@link #HUBER}, where it is that clipped to [−δ, δ].
   */
  public abstract double lossAndDelta(double[] z, int outputs, int m, double[] targets, int tOff);

  /** Overwrites z (outputs × m) with the prediction: class probabilities or the regression value. */
  public abstract void output(double[] z, int outputs, int m);

  /** Whether predictions are classes (and accuracy is meaningful); false for regression. */
  public boolean isClassification() {
    return this == SOFTMAX_CROSS_ENTROPY || this == SIGMOID_BINARY_CROSS_ENTROPY;
  }

  /** The output width for a task with this many classes (ignored for regression). */
  public int outputsFor(int classes) {
    return this == SOFTMAX_CROSS_ENTROPY ? classes : 1;
  }

  /** The command-line spelling. */
  public String cliName() {
    return switch (this) {
      case SOFTMAX_CROSS_ENTROPY -> "softmax-cross-entropy";
      case SIGMOID_BINARY_CROSS_ENTROPY -> "binary-cross-entropy";
      case SQUARED_ERROR -> "squared-error";
      case HUBER -> "huber";
    };
  }

  /** Parses the command-line spelling, the enum name, and the usual short names. */
  public static Loss parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (key) {
      case "softmax-cross-entropy", "cross-entropy", "softmax" -> SOFTMAX_CROSS_ENTROPY;
      case "binary-cross-entropy", "sigmoid-binary-cross-entropy", "bce", "logistic" ->
          SIGMOID_BINARY_CROSS_ENTROPY;
      case "squared-error", "mse", "l2" -> SQUARED_ERROR;
      case "huber" -> HUBER;
      default -> throw new IllegalArgumentException("unknown loss '" + name
          + "'; expected one of softmax-cross-entropy, binary-cross-entropy, squared-error, huber");
    };
  }

  static double sigmoid(double z) {
    // Split by sign so that exp never overflows.
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  private static int classIndex(double target, int classes) {
    int y = (int) target;
    if (y != target || y < 0 || y >= classes) {
      throw new IllegalArgumentException("class label " + target + " is not in 0.." + (classes - 1));
    }
    return y;
  }
}
