package dev.sparkprop.nn;

import dev.sparkprop.math.Blas;

/**
 * Batched forward and backward passes of a fully connected network over a flat parameter
 * vector. Every layer is one GEMM forward and two backward; nothing is allocated per example or
 * per call (buffers come from a {@link Workspace}). Results are sums over the batch: the caller
 * divides once, after every partition's sums have been added up.
 *
 * <p>Inputs are column-major d × m (example j at {@code x[xOff + j·d …]}).
 */
public final class Network {

  private final Architecture architecture;
  private final ParameterLayout layout;

  public Network(Architecture architecture) {
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
   * Adds the gradient of the summed loss over the m examples to {@code gradient} and returns the
   * summed loss.
   *
   * @param targets one target per example (class index or real value), from {@code tOff}
   */
  public double gradient(double[] params, double[] x, int xOff, double[] targets, int tOff, int m,
      double[] gradient, Workspace ws) {
    if (m == 0) {
      return 0.0;
    }
    checkBatch(params, m, ws);
    if (gradient.length != layout.size()) {
      throw new IllegalArgumentException("gradient has " + gradient.length + " entries, the network " + layout.size());
    }
    int last = layout.layers();
    forward(params, x, xOff, m, ws);
    double[] delta = ws.activations[last];
    double loss = architecture.loss().lossAndDelta(delta, layout.rows(last), m, targets, tOff);
    Activation f = architecture.activation();
    for (int l = last; l >= 1; l--) {
      int n = layout.rows(l);
      int k = layout.columns(l);
      double[] below = l > 1 ? ws.activations[l - 1] : x;
      int belowOff = l > 1 ? 0 : xOff;
      // dW_l += delta_l · a_{l−1}ᵀ
      Blas.gemm(false, true, n, k, m, 1.0, delta, 0, n, below, belowOff, k,
          1.0, gradient, layout.weightOffset(l), n);
      // db_l += delta_l · 1
      int bOff = layout.biasOffset(l);
      for (int j = 0; j < m; j++) {
        int col = j * n;
        for (int i = 0; i < n; i++) {
          gradient[bOff + i] += delta[col + i];
        }
      }
      if (l > 1) {
        double[] next = delta == ws.deltaA ? ws.deltaB : ws.deltaA;
        // delta_{l−1} = (W_lᵀ · delta_l) ⊙ f'(z_{l−1})
        Blas.gemm(true, false, k, m, n, 1.0, params, layout.weightOffset(l), n, delta, 0, n,
            0.0, next, 0, k);
        f.backward(below, next, 0, k * m);
        delta = next;
      }
    }
    return loss;
  }

  /**
   * Runs the network forward and leaves the predictions (class probabilities, or the regression
   * value) in {@link #outputs(Workspace)}: n_L × m. When {@code targets} is given, returns the
   * summed loss; otherwise NaN.
   */
  public double predict(double[] params, double[] x, int xOff, int m, double[] targets, int tOff, Workspace ws) {
    if (m == 0) {
      return targets == null ? Double.NaN : 0.0;
    }
    checkBatch(params, m, ws);
    int last = layout.layers();
    int outputs = layout.rows(last);
    forward(params, x, xOff, m, ws);
    double[] z = ws.activations[last];
    double loss = Double.NaN;
    if (targets != null) {
      // The loss wants z itself (for its stable form); give it a copy and keep z for the outputs.
      System.arraycopy(z, 0, ws.deltaA, 0, outputs * m);
      loss = architecture.loss().lossAndDelta(ws.deltaA, outputs, m, targets, tOff);
    }
    architecture.loss().output(z, outputs, m);
    return loss;
  }

  /** The buffer holding the last {@link #predict} call's outputs, column-major n_L × m. */
  public double[] outputs(Workspace ws) {
    return ws.activations[layout.layers()];
  }

  /** Leaves a_1 … a_{L−1} and z_L in the workspace. */
  private void forward(double[] params, double[] x, int xOff, int m, Workspace ws) {
    int last = layout.layers();
    double[] in = x;
    int inOff = xOff;
    for (int l = 1; l <= last; l++) {
      int n = layout.rows(l);
      int k = layout.columns(l);
      double[] out = ws.activations[l];
      int bOff = layout.biasOffset(l);
      for (int j = 0; j < m; j++) {
        System.arraycopy(params, bOff, out, j * n, n);
      }
      // z_l = W_l · a_{l−1} + b_l (b_l already in every column, hence beta = 1)
      Blas.gemm(false, false, n, m, k, 1.0, params, layout.weightOffset(l), n, in, inOff, k,
          1.0, out, 0, n);
      if (l < last) {
        architecture.activation().forward(out, 0, n * m);
      }
      in = out;
      inOff = 0;
    }
  }

  private void checkBatch(double[] params, int m, Workspace ws) {
    if (params.length != layout.size()) {
      throw new IllegalArgumentException("parameter vector has " + params.length + " entries, the network " + layout.size());
    }
    if (m > ws.capacity) {
      throw new IllegalArgumentException("batch of " + m + " exceeds the workspace capacity " + ws.capacity);
    }
  }
}
