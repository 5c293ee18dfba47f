package dev.sparkprop.nn;

import dev.sparkprop.math.Blas;

/**
 * The batched forward and backward passes of {@link Network} in single precision: the same
 * parameter layout, the same chain rule and the same one SGEMM per layer forward and two
 * backward, but with float32 parameters, inputs, activations, deltas and gradient sums. That
 * halves the memory traffic of every GEMM operand and doubles the lanes per SIMD instruction.
 * Shards already hold their features as float32, so a batch reaches the kernel without widening.
 *
 * <p>Double precision is kept only at the output layer, which is small (n_L × m) next to the
 * hidden layers: z_L is widened to double, {@link Loss#lossAndDelta} computes the loss and
 * delta_L = output − target there, and the delta is narrowed back to float for the backward
 * GEMMs. Reusing the double loss keeps each loss's numerically careful formula (logsumexp with
 * the maximum subtracted, the exact form of binary cross-entropy) in one place, and the summed
 * loss is accumulated in double. Predictions are likewise computed in double from the widened
 * z_L by {@link Loss#output}.
 *
 * <p>Accuracy: every GEMM entry is a sum of k float products, so its rounding error is about
 * √k · 2^−24 relative to the size of its terms (k · 2^−24 at worst); gradients agree with the
 * double kernel to about 1e-6 of the largest entry in practice, far below the noise of a
 * mini-batch.
 *
 * <p>Results are sums over the batch, as in {@link Network}. Inputs are column-major d × m
 * (example j at {@code x[xOff + j·d …]}).
 */
public final class Network32 {

  private final Architecture architecture;
  private final ParameterLayout layout;

  public Network32(Architecture architecture) {
    this.architecture = architecture;
    this.layout = architecture.layout();
  }

  public Architecture architecture() {
    return architecture;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public int parameterCount() {
    return layout.size();
  }

  /**
   * The parameters rounded to float32, for callers that keep double master parameters (so that
   * small updates are not lost to float rounding) and hand the kernel a float copy per step.
   */
  public static float[] narrow(double[] params) {
    return narrow(params, new float[params.length]);
  }

  /** Rounds {@code params} to float32 into {@code into}, of the same length, and returns it. */
  public static float[] narrow(double[] params, float[] into) {
    if (into.length != params.length) {
      throw new IllegalArgumentException("cannot narrow " + params.length + " entries into " + into.length);
    }
    for (int i = 0; i < params.length; i++) {
      into[i] = (float) params[i];
    }
    return into;
  }

  /**
   * Adds the gradient of the summed loss over the m examples to {@code gradient} (in float32)
   * and returns the summed loss, computed in double from the float32 z_L.
   *
   * @param targets one target per example (class index or real value), from {@code tOff}
   */
  public double gradient(float[] params, float[] x, int xOff, double[] targets, int tOff, int m,
      float[] gradient, Workspace32 ws) {
    if (m == 0) {
      return 0.0;
    }
    checkBatch(params, m, ws);
    if (gradient.length != layout.size()) {
      throw new IllegalArgumentException("gradient has " + gradient.length + " entries, the network " + layout.size());
    }
    int last = layout.layers();
    forward(params, x, xOff, m, ws);
    float[] delta = ws.activations[last];
    int size = layout.rows(last) * m;
    double[] wide = ws.wide;
    for (int i = 0; i < size; i++) {
      wide[i] = delta[i];
    }
    double loss = architecture.loss().lossAndDelta(wide, layout.rows(last), m, targets, tOff);
    for (int i = 0; i < size; i++) {
      delta[i] = (float) wide[i];
    }
    Activation f = architecture.activation();
    for (int l = last; l >= 1; l--) {
      int n = layout.rows(l);
      int k = layout.columns(l);
      float[] below = l > 1 ? ws.activations[l - 1] : x;
      int belowOff = l > 1 ? 0 : xOff;
      // dW_l += delta_l · a_{l−1}ᵀ
      Blas.sgemm(false, true, n, k, m, 1.0f, delta, 0, n, below, belowOff, k,
          1.0f, gradient, layout.weightOffset(l), n);
      // db_l += delta_l · 1, summed in float like dW_l's entries (over the same m terms)
      int bOff = layout.biasOffset(l);
      for (int j = 0; j < m; j++) {
        int col = j * n;
        for (int i = 0; i < n; i++) {
          gradient[bOff + i] += delta[col + i];
        }
      }
      if (l > 1) {
        float[] next = delta == ws.deltaA ? ws.deltaB : ws.deltaA;
        // delta_{l−1} = (W_lᵀ · delta_l) ⊙ f'(z_{l−1})
        Blas.sgemm(true, false, k, m, n, 1.0f, params, layout.weightOffset(l), n, delta, 0, n,
            0.0f, next, 0, k);
        f.backward(below, next, 0, k * m);
        delta = next;
      }
    }
    return loss;
  }

  /**
   * Runs the network forward and leaves the predictions (class probabilities, or the regression
   * value) in {@link #outputs(Workspace32)}: n_L × m, in double. When {@code targets} is given,
   * returns the summed loss; otherwise NaN.
   */
  public double predict(float[] params, float[] x, int xOff, int m, double[] targets, int tOff, Workspace32 ws) {
    if (m == 0) {
      return targets == null ? Double.NaN : 0.0;
    }
    checkBatch(params, m, ws);
    int last = layout.layers();
    int outputs = layout.rows(last);
    forward(params, x, xOff, m, ws);
    float[] z = ws.activations[last];
    double[] out = ws.outputs;
    int size = outputs * m;
    for (int i = 0; i < size; i++) {
      out[i] = z[i];
    }
    double loss = Double.NaN;
    if (targets != null) {
      // The loss overwrites its argument with the delta; keep z for the outputs.
      System.arraycopy(out, 0, ws.wide, 0, size);
      loss = architecture.loss().lossAndDelta(ws.wide, outputs, m, targets, tOff);
    }
    architecture.loss().output(out, outputs, m);
    return loss;
  }

  /** The buffer holding the last {@link #predict} call's outputs, column-major n_L × m, in double. */
  public double[] outputs(Workspace32 ws) {
    return ws.outputs;
  }

  /** Leaves a_1 … a_{L−1} and z_L in the workspace. */
  private void forward(float[] params, float[] x, int xOff, int m, Workspace32 ws) {
    int last = layout.layers();
    float[] in = x;
    int inOff = xOff;
    for (int l = 1; l <= last; l++) {
      int n = layout.rows(l);
      int k = layout.columns(l);
      float[] out = ws.activations[l];
      int bOff = layout.biasOffset(l);
      for (int j = 0; j < m; j++) {
        System.arraycopy(params, bOff, out, j * n, n);
      }
      // z_l = W_l · a_{l−1} + b_l (b_l already in every column, hence beta = 1)
      Blas.sgemm(false, false, n, m, k, 1.0f, params, layout.weightOffset(l), n, in, inOff, k,
          1.0f, out, 0, n);
      if (l < last) {
        architecture.activation().forward(out, 0, n * m);
      }
      in = out;
      inOff = 0;
    }
  }

  private void checkBatch(float[] params, int m, Workspace32 ws) {
    if (params.length != layout.size()) {
      throw new IllegalArgumentException("parameter vector has " + params.length + " entries, the network " + layout.size());
    }
    if (m > ws.capacity) {
      throw new IllegalArgumentException("batch of " + m + " exceeds the workspace capacity " + ws.capacity);
    }
  }
}
