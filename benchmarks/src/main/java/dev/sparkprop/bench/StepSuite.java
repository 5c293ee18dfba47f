package dev.sparkprop.bench;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.spark.LocalHandoff;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.Reduction;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.spark.StandingJob;
import dev.sparkprop.spark.StepSettings;
import dev.sparkprop.train.GradientSum;
import dev.sparkprop.train.Shard;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * The Spark step, taken apart: per-iteration wall time of the real step, split into the
 * slowest partition's compute and everything else (coordination), next to an empty Spark job
 * submitted two ways, all in the same context; and what the vectors cost to serialize.
 */
final class StepSuite {

  static final int PARTITIONS = 2;
  /** Iterations before each measurement, while the JIT and a fresh context settle. */
  static final int WARMUP = 100;
  static final int REPEATS = 60;
  static final int WIRE_WARMUP = 500;
  static final int WIRE_WARMUP_SECONDS = 5;
  /** The block size table compares sizes about 0.5 ms apart: more steps, after a longer warm-up. */
  static final int BLOCK_WARMUP = 300;
  static final int BLOCK_REPEATS = 500;
  private static final String BLOCK_SIZE = "spark.broadcast.blockSize";
  static final Architecture NETWORK =
      new Architecture(new int[] {784, 256, 128, 10}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);

  private StepSuite() {}

  /**
   * A Spark configuration and how gradients travel; {@code standing} when its steps share
   * standing jobs, so that they are timed one after another rather than taking turns with the
   * empty jobs (which would wait for the standing tasks to leave).
   */
  private record Variant(String name, Precision precision, boolean float32Wire, boolean standing, String... settings) {}

  /** With each step a job of its own, as before standing jobs. */
  static final String[] PER_STEP = {StandingJob.KEY, "false"};

  static void run(Path results) throws Exception {
    wire(results);
    Report report = new Report("Spark step, local[2], 784-256-128-10 (235,146 parameters), median of " + REPEATS,
        "configuration", "batch", "step ms", "compute ms", "coordination ms", "empty job, JavaRDD API ms",
        "empty job, runJob ms", "coordination / empty job (JavaRDD API)", "coordination / empty job (runJob)");
    String master = "local[" + PARTITIONS + "]";
    // The first four rows broadcast the parameters and send every result through Spark, as on a cluster.
    String[] sent = {LocalHandoff.KEY, "false"};
    String[] cluster = BenchData.pairs(StepSettings.DEFAULTS);
    String[] tuned = BenchData.launcherSettings(master);
    String[] tunedPerStep = concat(tuned, PER_STEP);
    String[] tunedSent = BenchData.pairs(StepSettings.defaultsFor(master, false));
    List<Variant> variants = List.of(
        new Variant("Spark defaults", Precision.FLOAT64, false, false, sent),
        new Variant("maxDirectResultSize 64m", Precision.FLOAT64, false, false,
            concat(sent, "spark.task.maxDirectResultSize", "64m")),
        new Variant("+ broadcast.compress false (the launcher's settings on a cluster)", Precision.FLOAT64, false, false,
            concat(sent, cluster)),
        new Variant("+ broadcast.checksum false (the launcher's settings in local mode)", Precision.FLOAT64, false, false,
            concat(sent, tunedSent)),
        new Variant("+ parameters and results handed over in memory, 64 KB broadcast blocks, a job per step",
            Precision.FLOAT64, false, false, tunedPerStep),
        new Variant("the same + float32 gradients", Precision.FLOAT64, true, false, tunedPerStep),
        new Variant("the same + --precision float32", Precision.FLOAT32, true, false, tunedPerStep),
        new Variant("+ steps in standing jobs (sparkprop's default in local mode)", Precision.FLOAT64, false, true,
            tuned));
    for (Variant v : variants) {
      try (JavaSparkContext sc = BenchData.spark("local[" + PARTITIONS + "]", v.settings())) {
        PreparedData data = BenchData.fashion(sc, PARTITIONS);
        for (int batch : new int[] {256, 1024}) {
          double[] step = v.standing() ? consecutiveSteps(sc, data, batch)
              : step(sc, data, batch, v.precision(), v.float32Wire());
          double coordination = step[0] - step[1];
          report.row(v.name(), batch, step[0], step[1], coordination, step[2], step[3], coordination / step[2],
              coordination / step[3]);
        }
        data.release();
      }
    }
    report.note("step = one engine.gradient call with the default (deterministic) reduction: θ out to the partitions, "
        + "forward and backward on each partition's share of the batch, one sum per partition back to the driver, "
        + "added in partition order; a broadcast of θ is destroyed on a thread of its own. It is timed until Spark "
        + "has ended its job, which in local mode comes after the driver has the sums. compute = the slowest "
        + "partition's kernel time; coordination = step − compute. The optimizer update on the driver is not "
        + "included (about 0.3 ms for Adam's update and the finiteness check on 235,146 parameters). "
        + "Empty job, JavaRDD API: foreachPartition of a no-op over a cached two-element RDD. Empty job, runJob: the "
        + "same through SparkContext.runJob with a named function, which Spark's closure cleaner skips, as it skips the "
        + "step's. "
        + "The step and the two empty jobs take turns, iteration by iteration. The first four configurations set "
        + LocalHandoff.KEY + "=false, so the parameters are a Spark broadcast and each partition's sum takes "
        + "Spark's result path, as on a cluster; from the fifth on, local mode's default hands the parameters to the "
        + "tasks and the sums to the driver in memory, and float32 gradients then only round them. The fifth to "
        + "seventh set " + StandingJob.KEY + "=false, so that each step is a job of its own. The last runs the steps "
        + "as local mode does by default, many to a standing job: they are timed one after another, as training runs "
        + "them, and the empty jobs take turns with each other after them.");
    report.publish(results, "step");
    StepTimeline.run(results);
    reduction(results);
    blockSize(results);
  }

  static String[] concat(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /**
   * What a parameter-sized vector costs to serialize and deserialize with Spark's serializer:
   * Java's own element-by-element path for a {@code double[]} against the bulk path that
   * {@link GradientSum} uses ({@code ArrayWire}).
   */
  static void wire(Path results) throws IOException {
    Report report = new Report("Serializing 235,146 doubles with Spark's JavaSerializer, median of " + REPEATS,
        "payload", "serialize ms", "deserialize ms", "bytes");
    int size = NETWORK.layout().size();
    double[] values = Initializer.initialize(NETWORK, 1);
    try (JavaSparkContext sc = BenchData.launcherSpark("local[1]")) {
      SerializerInstance serializer = SparkEnv.get().serializer().newInstance();
      Object[][] payloads = {
          {"double[] (Java serialization, element by element)", values},
          {"GradientSum (bulk, ArrayWire)", new GradientSum(values, 0.0, 1, 0)},
          {"GradientSum as float32 (bulk, ArrayWire)", new GradientSum(values.clone(), 0.0, 1, 0).sendAsFloat32()}};
      for (Object[] p : payloads) {
        warmUp(() -> roundTrip(serializer, p[1], size));
        double[] out = new double[REPEATS];
        double[] in = new double[REPEATS];
        long bytes = 0;
        for (int i = 0; i < REPEATS; i++) {
          long[] r = roundTrip(serializer, p[1], size);
          out[i] = r[0] / 1e6;
          in[i] = r[1] / 1e6;
          bytes = r[2];
        }
        report.row(p[0], BenchData.median(out), BenchData.median(in), bytes);
      }
    }
    report.publish(results, "wire");

    // What spark.broadcast.checksum adds to every broadcast: an Adler-32 pass over the serialized
    // parameters on the driver (and one more on each executor that fetches them).
    byte[] serialized = new byte[8 * size];
    new java.util.Random(1).nextBytes(serialized);
    warmUp(() -> adler32(serialized));
    double[] ms = new double[REPEATS];
    for (int i = 0; i < REPEATS; i++) {
      long t = System.nanoTime();
      adler32(serialized);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Report checksum = new Report("The broadcast checksum (spark.broadcast.checksum) over 235,146 serialized doubles, median of "
        + REPEATS, "bytes", "Adler-32 ms");
    checksum.row(serialized.length, BenchData.median(ms));
    checksum.publish(results, "checksum");
  }

  /**
   * Calls {@code call} at least {@link #WIRE_WARMUP} times and for at least
   * {@link #WIRE_WARMUP_SECONDS}: far more warm-up than elsewhere, because in a fresh JVM the bulk
   * path ran about 25× slower for its first hundreds of calls while the JIT worked through
   * Spark's start-up, in one run still after 500 of them.
   */
  private static void warmUp(Runnable call) {
    long until = System.nanoTime() + WIRE_WARMUP_SECONDS * 1_000_000_000L;
    for (int w = 0; w < WIRE_WARMUP || System.nanoTime() < until; w++) {
      call.run();
    }
  }

  private static long adler32(byte[] bytes) {
    java.util.zip.Adler32 adler = new java.util.zip.Adler32();
    adler.update(bytes);
    return adler.getValue();
  }

  /** {serialize ns, deserialize ns, bytes} for one round trip of {@code payload} through {@code serializer}. */
  private static long[] roundTrip(SerializerInstance serializer, Object payload, int size) {
    long t0 = System.nanoTime();
    ByteBuffer buffer = serializer.serialize(payload, ClassTag$.MODULE$.Any());
    long t1 = System.nanoTime();
    Object back = serializer.deserialize(buffer, ClassTag$.MODULE$.Any());
    long t2 = System.nanoTime();
    int length = back instanceof GradientSum g ? g.gradient().length : ((double[]) back).length;
    if (length != size) {
      throw new AssertionError("the payload came back with " + length + " values");
    }
    return new long[] {t1 - t0, t2 - t1, buffer.limit()};
  }

  /**
   * The deterministic reduction against Spark's treeReduce, in one context, the two engines
   * taking turns iteration by iteration so that the load of a shared machine falls on both alike.
   */
  static void reduction(Path results) {
    Report report = new Report("Reduction modes, local[2], launcher's settings, 784-256-128-10, median of " + REPEATS
        + " iterations each, the two modes alternating", "partitions", "batch", "arrival (treeReduce) step ms",
        "deterministic (submitJob, partition order) step ms", "difference ms", "difference %");
    String master = "local[" + PARTITIONS + "]";
    // The deterministic mode's steps would otherwise stand with 2 partitions: compare a job per step with treeReduce's.
    try (JavaSparkContext sc = BenchData.spark(master, concat(BenchData.launcherSettings(master), PER_STEP))) {
      for (int partitions : new int[] {PARTITIONS, 8}) {
        PreparedData data = BenchData.fashion(sc, partitions);
        for (int batch : new int[] {256, 1024}) {
          double[] ms = alternating(sc, data, batch);
          report.row(partitions, batch, ms[0], ms[1], ms[1] - ms[0], 100 * (ms[1] - ms[0]) / ms[0]);
        }
        data.release();
      }
    }
    report.note("treeReduce uses depth 1 up to 4 partitions and depth 2 (a shuffle stage) beyond; the deterministic "
        + "mode always brings one sum per partition to the driver, through SparkContext.submitJob, and adds them there in "
        + "partition order. Each step is timed until Spark has ended its job.");
    report.publish(results, "reduction");
  }

  /** {median arrival ms, median deterministic ms}, the two engines alternating. */
  private static double[] alternating(JavaSparkContext sc, PreparedData data, int batch) {
    double[] params = Initializer.initialize(NETWORK, 1);
    Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), batch);
    try (SparkEngine arrival = new SparkEngine(sc, data, NETWORK, 10, Precision.FLOAT64, false, Reduction.ARRIVAL);
        SparkEngine fixed = new SparkEngine(sc, data, NETWORK, 10, Precision.FLOAT64, false, Reduction.DETERMINISTIC)) {
      SparkEngine[] engines = {arrival, fixed};
      return takingTurns(WARMUP, REPEATS, (k, i) -> wholeStep(engines[k], params, batching, i));
    }
  }

  /**
   * Iteration {@code i} of epoch 0 (wrapping around the epoch), until Spark has ended its job. In
   * local mode the engine returns with the sums before that, and whatever job the caller times
   * next would wait for the end and be charged for it.
   */
  private static GradientSum wholeStep(SparkEngine engine, double[] params, Shard.Batching batching, int i) {
    GradientSum sum = engine.gradient(params, batching, 0, Math.floorMod(i, batching.batches()));
    engine.awaitJobs();
    return sum;
  }

  /** One step of {@code variant} (0 or 1) at {@code iteration}, which the caller times. */
  @FunctionalInterface
  private interface Turn {
    void step(int variant, int iteration);
  }

  /**
   * {median ms of variant 0, of variant 1}: the two take turns iteration by iteration, and which
   * one goes first alternates too, in case the second of a pair is systematically faster.
   */
  private static double[] takingTurns(int warmup, int repeats, Turn variants) {
    double[][] wall = new double[2][repeats];
    for (int i = -warmup; i < repeats; i++) {
      for (int e = 0; e < 2; e++) {
        int k = Math.floorMod(i, 2) == 0 ? e : 1 - e;
        long t = System.nanoTime();
        variants.step(k, i);
        if (i >= 0) {
          wall[k][i] = (System.nanoTime() - t) / 1e6;
        }
      }
    }
    return new double[] {BenchData.median(wall[0]), BenchData.median(wall[1])};
  }

  /**
   * Spark's 4 MB broadcast blocks against the 64 KB that sparkprop sets in local mode with the
   * handoff, each with the parameters handed over and broadcast, the two sizes taking turns step
   * by step in one context. Spark reads the block size from its live configuration for each new
   * broadcast (TorrentBroadcast.setConf), so switching it between steps changes that step's
   * broadcasts alone.
   */
  static void blockSize(Path results) {
    String[] sizes = {"4m", StepSettings.HANDOFF_DEFAULTS.get(BLOCK_SIZE)};
    Report report = new Report("Broadcast block size, local[2], 784-256-128-10, median of " + BLOCK_REPEATS
        + " steps each after " + BLOCK_WARMUP + ", the two sizes alternating", "parameters", "batch",
        sizes[0] + " (Spark's default) step ms", sizes[1] + " step ms", "difference ms", "difference %");
    String master = "local[" + PARTITIONS + "]";
    for (boolean handoff : new boolean[] {true, false}) {
      String[] settings = concat(BenchData.pairs(StepSettings.defaultsFor(master, false)),
          LocalHandoff.KEY, Boolean.toString(handoff), PER_STEP[0], PER_STEP[1]);
      try (JavaSparkContext sc = BenchData.spark(master, settings)) {
        PreparedData data = BenchData.fashion(sc, PARTITIONS);
        double[] params = Initializer.initialize(NETWORK, 1);
        for (int batch : new int[] {256, 1024}) {
          Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), batch);
          try (SparkEngine engine = new SparkEngine(sc, data, NETWORK, 10)) {
            double[] ms = takingTurns(BLOCK_WARMUP, BLOCK_REPEATS, (k, i) -> {
              SparkEnv.get().conf().set(BLOCK_SIZE, sizes[k]);
              wholeStep(engine, params, batching, i);
            });
            report.row(handoff ? "handed over (local mode's default)" : "broadcast (" + LocalHandoff.KEY + "=false)",
                batch, ms[0], ms[1], ms[1] - ms[0], 100 * (ms[1] - ms[0]) / ms[0]);
          }
        }
        data.release();
      }
    }
    report.note("With the parameters handed over, a step's one broadcast is the stage's task binary, about 18 KB here, "
        + "which Spark writes into a buffer of a whole block before copying it out; with them broadcast, the 1.9 MB "
        + "vector is one 4 MB block or 30 blocks of 64 KB, each registered with the block manager master.");
    report.publish(results, "block-size");
  }

  /** A task that does nothing, as a named function (not a closure, so Spark does not clean it). */
  private static final class Nothing extends AbstractFunction2<TaskContext, scala.collection.Iterator<Integer>, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(TaskContext context, scala.collection.Iterator<Integer> ids) {
      return null;
    }
  }

  /**
   * {median step ms, median compute ms, median empty job ms through the JavaRDD API, median empty
   * job ms through SparkContext.runJob} at this batch size. The three take turns iteration by
   * iteration, so that the empty jobs are timed in the same conditions as the step: early in a
   * context they cost up to three times what they cost once the JIT has settled.
   */
  static double[] step(JavaSparkContext sc, PreparedData data, int batch, Precision precision, boolean float32) {
    double[] params = Initializer.initialize(NETWORK, 1);
    Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), batch);
    JavaRDD<Integer> ids = emptyJobData(sc);
    double[][] ms = new double[4][REPEATS];
    try (SparkEngine engine = new SparkEngine(sc, data, NETWORK, 10, precision, float32, Reduction.DETERMINISTIC)) {
      for (int i = -WARMUP; i < REPEATS; i++) {
        long t = System.nanoTime();
        GradientSum s = wholeStep(engine, params, batching, i);
        long u = System.nanoTime();
        double[] empty = emptyJobs(sc, ids);
        if (i >= 0) {
          ms[0][i] = (u - t) / 1e6;
          ms[1][i] = s.computeNanos() / 1e6;
          ms[2][i] = empty[0];
          ms[3][i] = empty[1];
        }
      }
    }
    ids.unpersist();
    return new double[] {BenchData.median(ms[0]), BenchData.median(ms[1]), BenchData.median(ms[2]),
        BenchData.median(ms[3])};
  }

  /**
   * As {@link #step}, for steps that share standing jobs: {@link #WARMUP} steps, then
   * {@link #REPEATS} timed one after another, as training runs them; then, once the standing
   * job has ended, the two empty jobs take turns as many times, after as many untimed.
   */
  static double[] consecutiveSteps(JavaSparkContext sc, PreparedData data, int batch) {
    double[] params = Initializer.initialize(NETWORK, 1);
    Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), batch);
    double[][] ms = new double[4][REPEATS];
    try (SparkEngine engine = new SparkEngine(sc, data, NETWORK, 10)) {
      for (int i = -WARMUP; i < REPEATS; i++) {
        long t = System.nanoTime();
        GradientSum s = engine.gradient(params, batching, 0, Math.floorMod(i, batching.batches()));
        long u = System.nanoTime();
        if (i >= 0) {
          ms[0][i] = (u - t) / 1e6;
          ms[1][i] = s.computeNanos() / 1e6;
        }
      }
    }
    JavaRDD<Integer> ids = emptyJobData(sc);
    for (int i = -WARMUP; i < REPEATS; i++) {
      double[] empty = emptyJobs(sc, ids);
      if (i >= 0) {
        ms[2][i] = empty[0];
        ms[3][i] = empty[1];
      }
    }
    ids.unpersist();
    return new double[] {BenchData.median(ms[0]), BenchData.median(ms[1]), BenchData.median(ms[2]),
        BenchData.median(ms[3])};
  }

  /** What the empty jobs run over: a cached RDD of two elements, one per partition. */
  private static JavaRDD<Integer> emptyJobData(JavaSparkContext sc) {
    JavaRDD<Integer> ids = sc.parallelize(List.of(0, 1), PARTITIONS).persist(StorageLevel.MEMORY_ONLY());
    ids.count();
    return ids;
  }

  /** {ms of an empty job through the JavaRDD API, ms of one through runJob}, one after the other. */
  private static double[] emptyJobs(JavaSparkContext sc, JavaRDD<Integer> ids) {
    long u = System.nanoTime();
    ids.foreachPartition(it -> {});
    long v = System.nanoTime();
    sc.sc().runJob(ids.rdd(), new Nothing(), ClassTag$.MODULE$.Any());
    long w = System.nanoTime();
    return new double[] {(v - u) / 1e6, (w - v) / 1e6};
  }
}
