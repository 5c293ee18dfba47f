package dev.sparkprop.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ArrayWireTest {

  /** Lengths around the chunk boundary, where an off-by-one would lose or repeat values. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 8191, 8192, 8193, 3 * 8192 + 5, 235_146})
  void doublesComeBackBitForBit(int length) throws IOException {
    double[] values = randomDoubles(length, length);
    byte[] bytes = write(out -> ArrayWire.writeDoubles(out, values));
    assertEquals(4 + 8L * length, bytes.length);
    double[] back = ArrayWire.readDoubles(in(bytes));
    assertArrayEquals(values, back); // assertArrayEquals compares doubles by their bits
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 8191, 8192, 8193, 3 * 8192 + 5})
  void floatsComeBackBitForBit(int length) throws IOException {
    double[] d = randomDoubles(length, 7 * length);
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (float) d[i];
    }
    byte[] bytes = write(out -> ArrayWire.writeFloats(out, values));
    assertEquals(4 + 4L * length, bytes.length);
    assertArrayEquals(values, ArrayWire.readFloats(in(bytes)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 8192, 8193, 20_000})
  void doublesSentAsFloatsArriveRoundedToFloat(int length) throws IOException {
    double[] values = randomDoubles(length, 3 * length + 1);
    byte[] bytes = write(out -> ArrayWire.writeAsFloats(out, values));
    assertEquals(4 + 4L * length, bytes.length);
    double[] back = ArrayWire.readFloatsAsDoubles(in(bytes));
    for (int i = 0; i < length; i++) {
      assertEquals((double) (float) values[i], back[i], 0.0, "entry " + i);
    }
    // The same bytes read as floats are exactly the rounded values.
    float[] asFloats = ArrayWire.readFloats(in(bytes));
    for (int i = 0; i < length; i++) {
      assertEquals((float) values[i], asFloats[i], 0.0f);
    }
  }

  @Test
  void specialValuesSurvive() throws IOException {
    double[] values = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, Double.MAX_VALUE, Double.longBitsToDouble(0x7ff8_0000_dead_beefL)};
    double[] back = ArrayWire.readDoubles(in(write(out -> ArrayWire.writeDoubles(out, values))));
    for (int i = 0; i < values.length; i++) {
      assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back[i]), "entry " + i);
    }
  }

  /** Little-endian whatever the machine: a driver and executors on different hardware agree. */
  @Test
  void layoutIsLengthThenLittleEndianValues() throws IOException {
    byte[] bytes = write(out -> ArrayWire.writeDoubles(out, new double[] {1.0}));
    assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f}, bytes);
    byte[] floats = write(out -> ArrayWire.writeFloats(out, new float[] {1.0f}));
    assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, (byte) 0x80, 0x3f}, floats);
  }

  @Test
  void aNegativeLengthIsACorruptStream() {
    byte[] bytes = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe};
    assertThrows(StreamCorruptedException.class, () -> ArrayWire.readDoubles(in(bytes)));
    assertThrows(StreamCorruptedException.class, () -> ArrayWire.readFloats(in(bytes)));
  }

  @Test
  void aCutOffStreamFails() throws IOException {
    byte[] bytes = write(out -> ArrayWire.writeDoubles(out, new double[100]));
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertThrows(EOFException.class, () -> ArrayWire.readDoubles(in(cut)));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    }
    return bytes.toByteArray();
  }

  private static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  private static double[] randomDoubles(int length, long seed) {
    Random random = new Random(seed);
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
    }
    return values;
  }
}
