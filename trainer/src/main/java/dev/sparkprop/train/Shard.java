package dev.sparkprop.train;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.Permutation;
import dev.sparkprop.datasets.Seeds;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Network32;
import dev.sparkprop.nn.Workspace;
import dev.sparkprop.nn.Workspace32;
import java.io.Serializable;

/**
 * One partition's examples of one role (training, validation or test), as one contiguous block:
 * features column-major d × n, one target per example, and each example's index in its role.
 *
 * <p>Features are held as float32 (half the memory of doubles; the kernels widen a batch at a
 * time), or, when every raw value is an integer 0..255 as in images, as those bytes plus the
 * feature scaler, a quarter of that again. A coded value is decoded with the very arithmetic
 * that scales a float one, {@code (float) ((v − shift) · scale)}, so both layouts feed the
 * kernels identical numbers.
 *
 * <p>The role index is what decides batches: in epoch e the role's N examples are put in the
 * order of a seeded permutation of 0..N−1, and global batch i is positions [iB, (i+1)B). Each
 * shard works out locally which of its examples fall in batch i, so the batches, and hence the
 * sequence of updates, are the same for any number of partitions.
 */
public final class Shard implements Serializable {

  private static final long serialVersionUID = 2L;

  /** The most examples pushed through the kernels at once; larger local batches go in chunks. */
  public static final int CHUNK = 256;

  private final int features;
  private final float[] x; // null when coded
  private final byte[] codes; // null unless coded
  // The scaler's arrays, copied out once: its accessors copy on every call, far too often for
  // the decoding loop, which runs once per example of every batch.
  private final double[] shift; // null unless coded
  private final double[] scale; // null unless coded
  private final double[] y;
  private final long[] index;
  /** The last epoch's batch order, memoised on the executor: every task of the epoch reuses it. */
  private transient volatile EpochOrder order;

  public Shard(int features, float[] x, double[] y, long[] index) {
    this(features, x, null, null, y, index);
  }

  private Shard(int features, float[] x, byte[] codes, FeatureScaler scaler, double[] y, long[] index) {
    int values = x != null ? x.length : codes.length;
    if (features <= 0 || values != (long) features * y.length || index.length != y.length) {
      throw new IllegalArgumentException("inconsistent shard: " + features + " features, "
          + values + " values, " + y.length + " targets, " + index.length + " indices");
    }
    this.features = features;
    this.x = x;
    this.codes = codes;
    this.shift = scaler == null ? null : scaler.shift();
    this.scale = scaler == null ? null : scaler.scale();
    this.y = y;
    this.index = index;
  }

  /** A shard holding raw byte values 0..255 and the scaler that maps them to the network's inputs. */
  public static Shard coded(int features, byte[] codes, FeatureScaler scaler, double[] y, long[] index) {
    if (scaler.shift().length != features) {
      throw new IllegalArgumentException("scaler for " + scaler.shift().length + " features, shard has " + features);
    }
    return new Shard(features, null, codes, scaler, y, index);
  }

  public int size() {
    return y.length;
  }

  public int features() {
    return features;
  }

  /** The features, column-major (read-only by convention); raw shards always hold floats. */
  public float[] x() {
    if (x == null) {
      throw new IllegalStateException("this shard holds coded bytes; read it through the kernels");
    }
    return x;
  }

  /** Whether the features are held as bytes plus a scaler. */
  public boolean isCoded() {
    return codes != null;
  }

  public double[] y() {
    return y;
  }

  public long[] index() {
    return index;
  }

  /** Bytes held by the arrays, for reporting the cached size. */
  public long bytes() {
    long features = x != null ? 4L * x.length : codes.length;
    return features + 8L * y.length + 8L * index.length;
  }

  /**
   * The summed gradient, loss and count over this shard's examples in global batch {@code batch}
   * of {@code epoch}.
   */
  public GradientSum gradient(Network network, double[] params, Batching batching, int epoch, int batch) {
    return gradient(network, params, batching, epoch, batch, null);
  }

  /**
   * As {@link #gradient(Network, double[], Batching, int, int)}, with inverted dropout on the
   * hidden layers (null or rate 0: none). Each example's masks follow from its role index, so
   * they do not depend on which shard holds it or where it falls in a chunk.
   */
  public GradientSum gradient(Network network, double[] params, Batching batching, int epoch, int batch,
      Dropout dropout) {
    EpochOrder o = order(batching, epoch);
    int from = o.start[batch];
    int to = o.start[batch + 1];
    if (from == to) {
      return GradientSum.empty();
    }
    long start = System.nanoTime();
    Buffers b = Buffers.get(network.architecture(), features);
    Workspace ws = b.workspace();
    double[] gradient = new double[network.parameterCount()];
    double loss = 0.0;
    for (int at = from; at < to; at += CHUNK) {
      int m = Math.min(CHUNK, to - at);
      gather(o.order, at, m, b);
      loss += network.gradient(params, b.x, 0, b.y, 0, m, gradient, ws, dropout, b.ids, 0);
    }
    return new GradientSum(gradient, loss, to - from, System.nanoTime() - start);
  }

  /**
   * As {@link #gradient(Network, double[], Batching, int, int)}, computed in float32 from
   * parameters already rounded to float; the sum comes back in double.
   */
  public GradientSum gradient(Network32 network, float[] params, Batching batching, int epoch, int batch) {
    EpochOrder o = order(batching, epoch);
    int from = o.start[batch];
    int to = o.start[batch + 1];
    if (from == to) {
      return GradientSum.empty();
    }
    long start = System.nanoTime();
    Buffers b = Buffers.get(network.architecture(), features);
    Workspace32 ws = b.workspace32();
    float[] sum = new float[network.parameterCount()];
    double loss = 0.0;
    for (int at = from; at < to; at += CHUNK) {
      int m = Math.min(CHUNK, to - at);
      for (int j = 0; j < m; j++) {
        int i = o.order[at + j];
        copyExample(i, b.x32, j * features);
        b.y[j] = y[i];
      }
      loss += network.gradient(params, b.x32, 0, b.y, 0, m, sum, ws);
    }
    double[] gradient = new double[sum.length];
    for (int k = 0; k < sum.length; k++) {
      gradient[k] = sum[k];
    }
    return new GradientSum(gradient, loss, to - from, System.nanoTime() - start);
  }

  /** Adds this shard's predictions to {@code evaluation}. */
  public void evaluate(Network network, double[] params, Evaluation evaluation) {
    Buffers b = Buffers.get(network.architecture(), features);
    Workspace ws = b.workspace();
    int outputs = network.architecture().outputs();
    for (int at = 0; at < y.length; at += CHUNK) {
      int m = Math.min(CHUNK, y.length - at);
      widen(at, m, b.x);
      double loss = network.predict(params, b.x, 0, m, y, at, ws);
      evaluation.add(network.outputs(ws), outputs, m, y, at, loss);
    }
  }

  /**
   * Predictions for every example of the shard, outputs × n column-major.
   */
  public double[] predict(Network network, double[] params) {
    Buffers b = Buffers.get(network.architecture(), features);
    Workspace ws = b.workspace();
    int outputs = network.architecture().outputs();
    double[] out = new double[outputs * y.length];
    for (int at = 0; at < y.length; at += CHUNK) {
      int m = Math.min(CHUNK, y.length - at);
      widen(at, m, b.x);
      network.predict(params, b.x, 0, m, null, 0, ws);
      System.arraycopy(network.outputs(ws), 0, out, at * outputs, m * outputs);
    }
    return out;
  }

  private void gather(int[] order, int at, int m, Buffers b) {
    for (int j = 0; j < m; j++) {
      int i = order[at + j];
      copyExample(i, b.x, j * features);
      b.y[j] = y[i];
      b.ids[j] = index[i];
    }
  }

  private void widen(int at, int m, double[] into) {
    for (int j = 0; j < m; j++) {
      copyExample(at + j, into, j * features);
    }
  }

  /** Example i's inputs into {@code into[dst …]}, as float32 (the values the double path widens). */
  private void copyExample(int i, float[] into, int dst) {
    int d = features;
    int src = i * d;
    if (x != null) {
      System.arraycopy(x, src, into, dst, d);
    } else {
      for (int k = 0; k < d; k++) {
        into[dst + k] = (float) (((codes[src + k] & 0xff) - shift[k]) * scale[k]);
      }
    }
  }

  /** Example i's inputs, widened to double, into {@code into[dst …]}. */
  private void copyExample(int i, double[] into, int dst) {
    int d = features;
    int src = i * d;
    if (x != null) {
      for (int k = 0; k < d; k++) {
        into[dst + k] = x[src + k];
      }
    } else {
      for (int k = 0; k < d; k++) {
        into[dst + k] = (float) (((codes[src + k] & 0xff) - shift[k]) * scale[k]);
      }
    }
  }

  EpochOrder order(Batching batching, int epoch) {
    EpochOrder o = order;
    if (o == null || o.epoch != epoch || !o.batching.equals(batching)) {
      o = new EpochOrder(batching, epoch, index);
      order = o;
    }
    return o;
  }

  /**
   * How the examples of one role are dealt into batches.
   *
   * @param seed the run's master seed
   * @param examples N, the size of the role over all partitions
   * @param batchSize the global batch size
   */
  public record Batching(long seed, long examples, int batchSize) implements Serializable {

    public Batching {
      if (examples <= 0 || batchSize <= 0) {
        throw new IllegalArgumentException("need examples and a positive batch size");
      }
    }

    public int batches() {
      return (int) ((examples + batchSize - 1) / batchSize);
    }

    /** The position of the example with role index {@code i} in epoch {@code epoch}'s order. */
    Permutation shuffle(int epoch) {
      return new Permutation(Seeds.derive(seed, "shuffle", epoch), examples);
    }
  }

  /** This shard's examples sorted by batch for one epoch: batch i is order[start[i] .. start[i+1]). */
  static final class EpochOrder {
    final Batching batching;
    final int epoch;
    final int[] start;
    final int[] order;

    EpochOrder(Batching batching, int epoch, long[] index) {
      this.batching = batching;
      this.epoch = epoch;
      Permutation shuffle = batching.shuffle(epoch);
      int batches = batching.batches();
      int n = index.length;
      int[] batchOf = new int[n];
      int[] counts = new int[batches + 1];
      for (int i = 0; i < n; i++) {
        long position = shuffle.apply(index[i]);
        batchOf[i] = (int) (position / batching.batchSize());
        counts[batchOf[i] + 1]++;
      }
      for (int b = 0; b < batches; b++) {
        counts[b + 1] += counts[b];
      }
      this.start = counts.clone();
      this.order = new int[n];
      int[] next = counts;
      for (int i = 0; i < n; i++) {
        order[next[batchOf[i]]++] = i;
      }
    }
  }

  /**
   * Per-thread scratch space for one network shape, reused across tasks: Spark runs a task on
   * a pooled thread, so the buffers live as long as the executor and are allocated once. The
   * float32 half is made on first use.
   */
  static final class Buffers {
    private static final ThreadLocal<Buffers> CURRENT = new ThreadLocal<>();

    final Architecture architecture;
    final int features;
    final double[] y;
    /** The gathered examples' role indices, which decide their dropout masks. */
    final long[] ids;
    private Workspace workspace;
    private Workspace32 workspace32;
    double[] x;
    float[] x32;

    private Buffers(Architecture architecture, int features) {
      this.architecture = architecture;
      this.features = features;
      this.y = new double[CHUNK];
      this.ids = new long[CHUNK];
    }

    Workspace workspace() {
      if (workspace == null) {
        workspace = new Workspace(architecture, CHUNK);
        x = new double[features * CHUNK];
      }
      return workspace;
    }

    Workspace32 workspace32() {
      if (workspace32 == null) {
        workspace32 = new Workspace32(architecture, CHUNK);
        x32 = new float[features * CHUNK];
      }
      return workspace32;
    }

    static Buffers get(Architecture architecture, int features) {
      Buffers b = CURRENT.get();
      if (b == null || !b.architecture.equals(architecture) || b.features != features) {
        b = new Buffers(architecture, features);
        CURRENT.set(b);
      }
      return b;
    }
  }
}
