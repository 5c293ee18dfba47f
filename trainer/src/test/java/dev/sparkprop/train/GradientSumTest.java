package dev.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A gradient sum is what each Spark task sends back: it must arrive exactly as it left. */
class GradientSumTest {

  private static final int N = 10_000;

  @Test
  void travelsBitForBitAsDoubles() throws Exception {
    double[] g = gaussian(N, 1);
    GradientSum back = roundTrip(new GradientSum(g.clone(), 12.5, 64, 777));
    assertArrayEquals(g, back.gradient());
    assertEquals(12.5, back.loss());
    assertEquals(64, back.count());
    assertEquals(777, back.computeNanos());
  }

  @Test
  void asFloat32EachEntryArrivesRoundedToFloatInHalfTheBytes() throws Exception {
    double[] g = gaussian(N, 2);
    byte[] doubles = serialize(new GradientSum(g.clone(), 1.0, 3, 0));
    byte[] floats = serialize(new GradientSum(g.clone(), 1.0, 3, 0).sendAsFloat32());
    GradientSum back = deserialize(floats);
    for (int i = 0; i < N; i++) {
      assertEquals((double) (float) g[i], back.gradient()[i], 0.0, "entry " + i);
    }
    assertTrue(floats.length < doubles.length / 2 + 1000, floats.length + " bytes against " + doubles.length);
    // Each value costs its own width; the stream's framing adds about 1%.
    assertTrue(doubles.length < 8.1 * N, doubles.length + " bytes for " + N + " doubles");
  }

  @Test
  void asFloat32TheSumIsRoundedBeforeItLeavesSoAnUnsentOneHoldsTheSameValues() throws Exception {
    double[] g = gaussian(N, 3);
    GradientSum kept = new GradientSum(g.clone(), 1.0, 3, 0).sendAsFloat32();
    GradientSum sent = roundTrip(new GradientSum(g.clone(), 1.0, 3, 0).sendAsFloat32());
    assertArrayEquals(sent.gradient(), kept.gradient());
    assertEquals((double) (float) g[0], kept.gradient()[0], 0.0);
  }

  @Test
  void anEmptySumTravelsWithoutAnArray() throws Exception {
    GradientSum back = roundTrip(GradientSum.empty());
    assertNull(back.gradient());
    assertEquals(0, back.count());
    GradientSum some = new GradientSum(new double[] {1, 2}, 0.5, 1, 0);
    assertArrayEquals(new double[] {1, 2}, roundTrip(GradientSum.empty()).merge(some).gradient());
  }

  private static GradientSum roundTrip(GradientSum sum) throws Exception {
    return deserialize(serialize(sum));
  }

  private static byte[] serialize(GradientSum sum) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(sum);
    }
    return bytes.toByteArray();
  }

  private static GradientSum deserialize(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (GradientSum) in.readObject();
    }
  }

  private static double[] gaussian(int n, long seed) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }
}
