package dev.sparkprop.spark;

import dev.sparkprop.math.ArrayWire;
import dev.sparkprop.nn.Network32;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The parameter vector as it is broadcast each iteration: doubles, or floats when the float32
 * kernels would round them anyway (half the bytes). It is written in bulk ({@link ArrayWire}),
 * where a bare {@code double[]} would go through Java serialization element by element. That
 * serialization runs for every broadcast, even in local mode, where executors then read the
 * object itself.
 */
final class BroadcastParameters implements Serializable {

  private static final long serialVersionUID = 1L;

  private transient double[] doubles; // exactly one of the two is set
  private transient float[] floats;

  private BroadcastParameters(double[] doubles, float[] floats) {
    this.doubles = doubles;
    this.floats = floats;
  }

  static BroadcastParameters of(double[] params) {
    return new BroadcastParameters(params, null);
  }

  static BroadcastParameters narrowed(double[] params) {
    return new BroadcastParameters(null, Network32.narrow(params));
  }

  /** The parameters as doubles, or null when they were narrowed. */
  double[] doubles() {
    return doubles;
  }

  /** The parameters as floats, or null when they were not narrowed. */
  float[] floats() {
    return floats;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeBoolean(floats != null);
    if (floats != null) {
      ArrayWire.writeFloats(out, floats);
    } else {
      ArrayWire.writeDoubles(out, doubles);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (in.readBoolean()) {
      floats = ArrayWire.readFloats(in);
    } else {
      doubles = ArrayWire.readDoubles(in);
    }
  }
}
