package dev.sparkprop.math;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Primitive arrays written to and read from Java serialization streams (any {@link DataOutput})
 * in bulk.
 *
 * <p>{@code ObjectOutputStream} writes a {@code double[]} one element at a time. The
 * parameter-sized vectors of the Spark step travel in every iteration: the parameters out, one
 * gradient back from each partition. For 235,146 doubles that element-by-element path took
 * about 1 ms each way, and this one about a third of that (benchmarks/run wire). Here the
 * values go through a byte view of a small scratch array, which copies at memory speed.
 *
 * <p>The bytes are little-endian on every machine, so a driver and its executors agree whatever
 * hardware each runs on. Each array is written as its length, then its values.
 */
public final class ArrayWire {

  /** Values per chunk: 64 KiB of scratch, small enough to stay in cache. */
  private static final int CHUNK = 8192;

  private ArrayWire() {}

  public static void writeDoubles(DataOutput out, double[] values) throws IOException {
    out.writeInt(values.length);
    byte[] scratch = new byte[Double.BYTES * Math.min(CHUNK, values.length)];
    DoubleBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
    for (int at = 0; at < values.length; at += CHUNK) {
      int n = Math.min(CHUNK, values.length - at);
      view.clear();
      view.put(values, at, n);
      out.write(scratch, 0, Double.BYTES * n);
    }
  }

  public static double[] readDoubles(DataInput in) throws IOException {
    double[] values = new double[readLength(in)];
    byte[] scratch = new byte[Double.BYTES * Math.min(CHUNK, values.length)];
    DoubleBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
    for (int at = 0; at < values.length; at += CHUNK) {
      int n = Math.min(CHUNK, values.length - at);
      in.readFully(scratch, 0, Double.BYTES * n);
      view.clear();
      view.get(values, at, n);
    }
    return values;
  }

  public static void writeFloats(DataOutput out, float[] values) throws IOException {
    out.writeInt(values.length);
    byte[] scratch = new byte[Float.BYTES * Math.min(CHUNK, values.length)];
    FloatBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int at = 0; at < values.length; at += CHUNK) {
      int n = Math.min(CHUNK, values.length - at);
      view.clear();
      view.put(values, at, n);
      out.write(scratch, 0, Float.BYTES * n);
    }
  }

  /** Writes doubles rounded to float: half the bytes, read back by {@link #readFloatsAsDoubles}. */
  public static void writeAsFloats(DataOutput out, double[] values) throws IOException {
    out.writeInt(values.length);
    int size = Math.min(CHUNK, values.length);
    float[] rounded = new float[size];
    byte[] scratch = new byte[Float.BYTES * size];
    FloatBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int at = 0; at < values.length; at += CHUNK) {
      int n = Math.min(CHUNK, values.length - at);
      for (int i = 0; i < n; i++) {
        rounded[i] = (float) values[at + i];
      }
      view.clear();
      view.put(rounded, 0, n);
      out.write(scratch, 0, Float.BYTES * n);
    }
  }

  public static float[] readFloats(DataInput in) throws IOException {
    float[] values = new float[readLength(in)];
    byte[] scratch = new byte[Float.BYTES * Math.min(CHUNK, values.length)];
    FloatBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int at = 0; at < values.length; at += CHUNK) {
      int n = Math.min(CHUNK, values.length - at);
      in.readFully(scratch, 0, Float.BYTES * n);
      view.clear();
      view.get(values, at, n);
    }
    return values;
  }

  /** Reads what {@link #writeFloats} or {@link #writeAsFloats} wrote, widened to double (exactly). */
  public static double[] readFloatsAsDoubles(DataInput in) throws IOException {
    double[] values = new double[readLength(in)];
    int size = Math.min(CHUNK, values.length);
    float[] floats = new float[size];
    byte[] scratch = new byte[Float.BYTES * size];
    FloatBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int at = 0; at < values.length; at += CHUNK) {
      int n = Math.min(CHUNK, values.length - at);
      in.readFully(scratch, 0, Float.BYTES * n);
      view.clear();
      view.get(floats, 0, n);
      for (int i = 0; i < n; i++) {
        values[at + i] = floats[i];
      }
    }
    return values;
  }

  private static int readLength(DataInput in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      throw new StreamCorruptedException("array length " + length);
    }
    return length;
  }
}
