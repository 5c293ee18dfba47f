package dev.sparkprop.train;

import dev.sparkprop.math.ArrayWire;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * Sums over some examples of one global batch: the gradient of the summed loss, the summed loss
 * and the number of examples. Sums combine by addition in any grouping, which is what lets
 * Spark's tree aggregation put them together; the driver divides once, by {@link #count()}.
 *
 * <p>A partition with no example in the batch contributes {@link #empty()}: no gradient array at
 * all, so it costs nothing to ship. Each sum also carries the longest time any partition spent
 * computing it, so the driver can tell arithmetic from coordination.
 *
 * <p>On the wire the gradient goes as doubles, or as floats when {@link #sendAsFloat32()} was
 * asked for: half the bytes, a relative rounding of 6e-8 per entry, and still summed in double
 * once received. Either way the values are written in bulk ({@link ArrayWire}), not element by
 * element as Java serialization would.
 */
public final class GradientSum implements Serializable {

  private static final long serialVersionUID = 3L;

  private transient double[] gradient; // null while count == 0
  private double loss;
  private long count;
  private long computeNanos;
  private boolean float32Wire;

  public GradientSum(double[] gradient, double loss, long count, long computeNanos) {
    if ((gradient == null) != (count == 0)) {
      throw new IllegalArgumentException("a sum has a gradient exactly when it has examples");
    }
    this.gradient = gradient;
    this.loss = loss;
    this.count = count;
    this.computeNanos = computeNanos;
  }

  public static GradientSum empty() {
    return new GradientSum(null, 0.0, 0, 0);
  }

  /** Adds {@code other} into this one (reusing this one's array) and returns this one. */
  public GradientSum merge(GradientSum other) {
    computeNanos = Math.max(computeNanos, other.computeNanos);
    float32Wire |= other.float32Wire;
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      gradient = other.gradient;
    } else {
      double[] g = gradient;
      double[] h = other.gradient;
      for (int i = 0; i < g.length; i++) {
        g[i] += h[i];
      }
    }
    loss += other.loss;
    count += other.count;
    return this;
  }

  /**
   * Rounds the gradient to float32 now, in place, and marks the sum to travel as floats: half
   * the bytes. Rounding here rather than on the wire means a sum that reaches the driver without
   * being serialized (local mode hands results over by reference) holds exactly the values one
   * that travelled would.
   */
  public GradientSum sendAsFloat32() {
    if (gradient != null) {
      double[] g = gradient;
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) g[i];
      }
    }
    float32Wire = true;
    return this;
  }

  /** The summed gradient, or null when there were no examples. */
  public double[] gradient() {
    return gradient;
  }

  public double loss() {
    return loss;
  }

  public long count() {
    return count;
  }

  /** The longest single partition's compute time among the merged sums. */
  public long computeNanos() {
    return computeNanos;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeBoolean(gradient != null);
    if (gradient == null) {
      return;
    }
    if (float32Wire) {
      ArrayWire.writeAsFloats(out, gradient);
    } else {
      ArrayWire.writeDoubles(out, gradient);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (!in.readBoolean()) {
      gradient = null;
    } else {
      gradient = float32Wire ? ArrayWire.readFloatsAsDoubles(in) : ArrayWire.readDoubles(in);
    }
  }
}
