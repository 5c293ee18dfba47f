package dev.sparkprop.ml;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Workspace;
import java.io.Serializable;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * The network's forward pass for one row, as the output columns' functions call it on the
 * executors. It holds only the architecture, the parameter array and the scaler, so that is all
 * a task ships.
 *
 * <p>Inputs go through the same arithmetic as in training: each feature is rounded to float32
 * (how shards hold them), scaled in float32 as {@link FeatureScaler#apply(float[], int, int)}
 * does, and widened to double for the kernels. A row therefore scores exactly as it would inside
 * the trainer. Rows the trainer would refuse (no features, a missing or non-finite value, a
 * value past float32's range) are refused here too, rather than scored as NaN.
 */
final class Scorer implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Architecture architecture;
  private final double[] parameters;
  private final FeatureScaler scaler;
  private final FeatureScaler targetScaler;

  Scorer(Architecture architecture, double[] parameters, FeatureScaler scaler, FeatureScaler targetScaler) {
    this.architecture = architecture;
    this.parameters = parameters.clone();
    this.scaler = scaler;
    this.targetScaler = targetScaler;
  }

  /**
   * z_L for {@code features}: a classifier's logits (Spark's raw prediction), or a regression's
   * prediction.
   */
  double[] logits(Vector features) {
    int d = architecture.inputs();
    if (features == null) {
      throw new DataFormatException("DataFrame", 0, "a row has no features (null); drop or fill such rows first");
    }
    if (features.size() != d) {
      throw new DataFormatException("DataFrame", 0,
          "a features vector has " + features.size() + " entries; the model takes " + d);
    }
    float[] x32 = new float[d];
    int[] at = features instanceof SparseVector sparse ? sparse.indices() : null;
    double[] values = features instanceof SparseVector sparse ? sparse.values() : features.toArray();
    for (int i = 0; i < values.length; i++) {
      int j = at == null ? i : at[i];
      x32[j] = (float) values[i];
      // Refused as in training: a missing value would come out as NaN scores, and a value past
      // float32's range as scores computed from infinity, with nothing to tell which rows.
      if (!Float.isFinite(x32[j])) {
        throw new DataFormatException("DataFrame", 0, "a features vector has entry " + j + " = " + values[i]
            + (Double.isFinite(values[i]) ? ", beyond float32's range (±3.4e38), in which the model takes features"
                : "; drop or impute such rows first (Imputer)"));
      }
    }
    scaler.apply(x32, 0, d);
    double[] x = new double[d];
    for (int j = 0; j < d; j++) {
      x[j] = x32[j];
    }
    // One row at a time, as Spark's own models score: a workspace for one example is a few
    // arrays as wide as the layers.
    Network network = new Network(architecture);
    Workspace ws = new Workspace(architecture, 1);
    network.logits(parameters, x, 0, 1, ws);
    double[] z = new double[architecture.outputs()];
    System.arraycopy(network.outputs(ws), 0, z, 0, z.length);
    return z;
  }

  /** The loss's output function applied to logits: class probabilities for a classifier. */
  double[] outputs(double[] logits) {
    double[] p = logits.clone();
    architecture.loss().output(p, p.length, 1);
    return p;
  }

  /** A regression's prediction in the label's units: the network's output with the label's scaling undone. */
  double value(Vector features) {
    return targetScaler.invert(0, outputs(logits(features))[0]);
  }

  /** The index of the greatest value, the first on ties (as Spark's {@code Vector.argmax}). */
  static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
