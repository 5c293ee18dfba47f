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
    return gradient(params, x, xOff, targets, tOff, m, gradient, ws, null, null, 0);
  }

  /**
   * As {@link #gradient(double[], double[], int, double[], int, int, double[], Workspace)}, with
   * inverted dropout on every hidden layer: the loss and gradient are those of the thinned
   * network that {@code dropout}'s masks for these examples define. The mask of example j is
   * decided by its id {@code ids[idOff + j]} (its index in its role), never by its place in the
   * batch. A null or zero-rate {@code dropout} is the plain pass, bit for bit.
   */
  public double gradient(double[] params, double[] x, int xOff, double[] targets, int tOff, int m,
      double[] gradient, Workspace ws, Dropout dropout, long[] ids, int idOff) {
    if (m == 0) {
      return 0.0;
    }
    checkBatch(params, m, ws);
    if (gradient.length != layout.size()) {
      throw new IllegalArgumentException("gradient has " + gradient.length + " entries, the network " + layout.size());
    }
    boolean drop = dropout != null && dropout.active();
    if (drop) {
      if (ids == null || idOff < 0 || ids.length - idOff < m) {
        throw new IllegalArgumentException("dropout needs an id for each of the " + m + " examples");
      }
      ws.ensureDropoutBuffers();
    }
    int last = layout.layers();
    forward(params, x, xOff, m, ws, drop ? dropout : null, ids, idOff);
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
        if (drop) {
          // a_{l−1} entered the layer above as f(z)·s with s = 0 or 1/(1 − p), so the delta
          // gains the same s, and f' is read from the kept pre-dropout activation.
          double[] s = ws.dropScale[l - 1];
          for (int i = 0, end = k * m; i < end; i++) {
            next[i] *= s[i];
          }
          f.backward(ws.undropped[l - 1], next, 0, k * m);
        } else {
          f.backward(below, next, 0, k * m);
        }
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
    // Inference never drops: inverted dropout already scaled the kept units during training.
    forward(params, x, xOff, m, ws, null, null, 0);
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

  /**
   * Runs the network forward and leaves z_L, the output layer before the loss's output function
   * (a classifier's logits; for the regression losses, the prediction itself), in
   * {@link #outputs(Workspace)}: n_L × m. Spark ML reports these as a classifier's raw prediction.
   */
  public void logits(double[] params, double[] x, int xOff, int m, Workspace ws) {
    if (m == 0) {
      return;
    }
    checkBatch(params, m, ws);
    forward(params, x, xOff, m, ws, null, null, 0);
  }

  /** The buffer holding the last {@link #predict} or {@link #logits} call's outputs, column-major n_L × m. */
  public double[] outputs(Workspace ws) {
    return ws.activations[layout.layers()];
  }

  /**
   * Leaves a_1 … a_{L−1} and z_L in the workspace; with {@code dropout}, a_l is the thinned
   * activation and the pre-dropout one and the mask's factors are kept beside it.
   */
  private void forward(double[] params, double[] x, int xOff, int m, Workspace ws, Dropout dropout,
      long[] ids, int idOff) {
    long epochKey = dropout != null ? dropout.epochKey() : 0L;
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
        if (dropout != null) {
          drop(dropout, epochKey, l, n, m, ids, idOff, ws);
        }
      }
      in = out;
      inOff = 0;
    }
  }

  /**
   * Applies layer l's masks. The factors are stored rather than recomputed in backward: a
   * decision costs a full {@code Seeds.mix} (two splitmix64 finalisers), as much as a narrow
   * layer's GEMM spends per unit, so storing avoids paying it twice, for n_l × capacity extra
   * doubles per hidden layer.
   */
  private static void drop(Dropout dropout, long epochKey, int l, int n, int m, long[] ids, int idOff,
      Workspace ws) {
    double[] a = ws.activations[l];
    double[] undropped = ws.undropped[l];
    double[] factors = ws.dropScale[l];
    double scale = dropout.scale();
    System.arraycopy(a, 0, undropped, 0, n * m);
    for (int j = 0; j < m; j++) {
      long key = Dropout.exampleKey(epochKey, ids[idOff + j], l);
      int col = j * n;
      for (int i = 0; i < n; i++) {
        double factor = dropout.keeps(key, i) ? scale : 0.0;
        factors[col + i] = factor;
        a[col + i] *= factor;
      }
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
