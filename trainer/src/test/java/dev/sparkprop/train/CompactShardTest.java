package dev.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.FeatureStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Byte-valued data (images) is cached as bytes, a quarter of float32, and feeds the kernels the same numbers. */
class CompactShardTest {

  private static final int D = 12;
  private static final int N = 300;

  @Test
  @DisplayName("integer features 0..255 are cached as bytes and give bit-identical gradients and predictions")
  void bytesAreExact() {
    Random random = new Random(5);
    float[] x = new float[N * D];
    double[] y = new double[N];
    long[] index = new long[N];
    for (int i = 0; i < N; i++) {
      for (int k = 0; k < D; k++) {
        x[i * D + k] = random.nextInt(256);
      }
      y[i] = random.nextInt(3);
      index[i] = i;
    }
    Split split = new Split(3, N, 0, 0);
    FeatureStats stats = new FeatureStats(D);
    for (int i = 0; i < N; i++) {
      stats.add(x, i * D);
    }
    FeatureScaler scaler = FeatureScaler.fit(Scaling.STANDARDIZE, stats);

    Shard coded = ShardSet.of(new Shard(D, x, y, index), split, scaler).get(Role.TRAIN);
    assertTrue(coded.isCoded());
    assertEquals((long) N * D + 16L * N, coded.bytes(), "one byte per feature, plus target and index");

    // The same examples scaled to float32 the ordinary way, in the coded shard's order.
    float[] scaled = new float[N * D];
    double[] ys = new double[N];
    long[] roleIndex = new long[N];
    for (int i = 0; i < N; i++) {
      System.arraycopy(x, i * D, scaled, i * D, D);
      scaler.apply(scaled, i * D, D);
      ys[i] = y[i];
      roleIndex[i] = split.indexInRole(i);
    }
    Shard plain = new Shard(D, scaled, ys, roleIndex);
    assertFalse(plain.isCoded());

    Network network = new Network(new Architecture(new int[] {D, 7, 3}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY));
    double[] params = Initializer.initialize(network.architecture(), 9);
    Shard.Batching batching = new Shard.Batching(4, N, 64);
    for (int batch = 0; batch < batching.batches(); batch++) {
      GradientSum a = coded.gradient(network, params, batching, 1, batch);
      GradientSum b = plain.gradient(network, params, batching, 1, batch);
      assertArrayEquals(b.gradient(), a.gradient(), 0.0, "batch " + batch);
      assertEquals(b.loss(), a.loss(), 0.0);
    }
    assertArrayEquals(plain.predict(network, params), coded.predict(network, params), 0.0);
  }

  @Test
  @DisplayName("anything else stays float32: fractions, negatives, values above 255")
  void otherValuesStayFloat() {
    Split split = new Split(3, 2, 0, 0);
    FeatureScaler identity = FeatureScaler.identity(1);
    for (float v : new float[] {0.5f, -1f, 256f}) {
      Shard raw = new Shard(1, new float[] {1f, v}, new double[] {0, 1}, new long[] {0, 1});
      assertFalse(ShardSet.of(raw, split, identity).get(Role.TRAIN).isCoded(), "value " + v);
    }
  }

  @Test
  @DisplayName("a batch allocates its gradient and nothing per example, coded or not")
  void noAllocationPerExample() {
    int d = 200;
    int n = 512;
    Random random = new Random(6);
    float[] x = new float[n * d];
    double[] y = new double[n];
    long[] index = new long[n];
    FeatureStats stats = new FeatureStats(d);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        x[i * d + k] = random.nextInt(256);
      }
      stats.add(x, i * d);
      y[i] = random.nextInt(3);
      index[i] = i;
    }
    Shard plain = new Shard(d, x, y, index);
    Shard coded = ShardSet.of(plain, new Split(3, n, 0, 0), FeatureScaler.fit(Scaling.STANDARDIZE, stats))
        .get(Role.TRAIN);
    assertTrue(coded.isCoded());
    Network network = new Network(new Architecture(new int[] {d, 16, 3}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY));
    double[] params = Initializer.initialize(network.architecture(), 9);
    Shard.Batching batching = new Shard.Batching(4, n, n);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long gradientBytes = 8L * network.parameterCount();
    for (Shard shard : new Shard[] {plain, coded}) {
      // The least of a few calls: until the JIT has compiled the loops, the interpreter
      // allocates temporaries that compiled code keeps in registers.
      long allocated = Long.MAX_VALUE;
      for (int call = 0; call < 8; call++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        shard.gradient(network, params, batching, 0, 0);
        allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
      }
      // Copying the scaler's two arrays for every example, as decoding once did, is 1.7 MB here.
      assertTrue(allocated < gradientBytes + 64 * 1024, (shard.isCoded() ? "coded" : "float")
          + " shard allocated " + allocated + " bytes for a " + gradientBytes + "-byte gradient");
    }
  }
}
