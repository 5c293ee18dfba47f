package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.train.Evaluation;
import dev.sparkprop.train.GradientSum;
import dev.sparkprop.train.Shard;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * In local mode the parameters reach the tasks, and the partitions' results reach the driver, by
 * reference: no parameter broadcast, a marker of a few bytes sent to Spark instead of each sum,
 * and nothing the engine computes changes.
 */
class LocalHandoffTest {

  private static final JavaSparkContext SC = SparkTests.context();
  /** 41,904 parameters: a sum of 335 KB, so a result that travels is easy to tell from a marker. */
  private static final Architecture ARCH =
      new Architecture(new int[] {2, 500, 80, 4}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
  private static final PreparedData DATA = PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 7, 600), null,
      new PreparedData.Options(3, 11, 0.2, 0.1, Scaling.STANDARDIZE, null));

  /** What the result-slot cases open their jobs with; they never run it. */
  private static final Object WORK = new Object();

  @AfterAll
  static void release() {
    DATA.release();
  }

  @Test
  @DisplayName("a result left in its slot reaches the driver at once, and the task sends Spark the marker in its place")
  void offerReachesDriver() {
    long job = LocalHandoff.open(2, WORK);
    try {
      Object sum = new Object();
      assertFalse(LocalHandoff.result(job, 1).isDone());
      assertSame(LocalHandoff.Marker.HANDED_OVER, LocalHandoff.offer(job, 1, sum));
      assertSame(sum, LocalHandoff.result(job, 1).getNow(null));
      assertFalse(LocalHandoff.result(job, 0).isDone(), "another partition's slot");
    } finally {
      LocalHandoff.close(job);
    }
  }

  @Test
  @DisplayName("a task takes the very work its job was opened with, and only while the job is open")
  void workWhileOpen() {
    Object work = new Object();
    long job = LocalHandoff.open(2, work);
    try {
      assertSame(work, LocalHandoff.work(job));
    } finally {
      LocalHandoff.close(job);
    }
    IllegalStateException over = assertThrows(IllegalStateException.class, () -> LocalHandoff.work(job));
    assertTrue(over.getMessage().contains("job " + job), over.getMessage());
  }

  @Test
  @DisplayName("handed over, a step makes one Spark broadcast fewer: its parameters'")
  void noParameterBroadcast() {
    double[] params = Initializer.initialize(ARCH, 3);
    Shard.Batching batching = new Shard.Batching(5, DATA.count(Role.TRAIN), 64);
    try (SparkEngine byReference = engine(true, Wire.FLOAT64); SparkEngine sent = engine(false, Wire.FLOAT64)) {
      long handedOver = broadcastsDuring(() -> byReference.gradient(params, batching, 0, 0));
      long broadcast = broadcastsDuring(() -> sent.gradient(params, batching, 0, 0));
      assertEquals(broadcast - 1, handedOver, "broadcasts by a step sent through Spark: " + broadcast);
    }
  }

  /** How many broadcasts Spark made while {@code step} ran (the stage's task binary is one). */
  private static long broadcastsDuring(Runnable step) {
    // Broadcast ids count up from one counter, so two probes bracket what came between them.
    var before = SC.broadcast(0);
    step.run();
    var after = SC.broadcast(0);
    before.destroy();
    after.destroy();
    return after.id() - before.id() - 1;
  }

  @Test
  @DisplayName("without its job's slots in this JVM, a task keeps its result and Spark carries it")
  void noSlotsNoHandoff() {
    long job = LocalHandoff.open(1, WORK);
    LocalHandoff.close(job);
    Object sum = new Object();
    assertSame(sum, LocalHandoff.offer(job, 0, sum), "a straggler after its job");
    assertSame(sum, LocalHandoff.offer(job + 1_000_000, 0, sum), "a job this JVM never opened");
  }

  @Test
  @DisplayName("a retried attempt finds its slot filled by the first one, whose result stands")
  void firstAttemptStands() {
    long job = LocalHandoff.open(1, WORK);
    try {
      LocalHandoff.offer(job, 0, "first attempt");
      assertSame(LocalHandoff.Marker.HANDED_OVER, LocalHandoff.offer(job, 0, "second attempt"));
      assertEquals("first attempt", LocalHandoff.result(job, 0).getNow(null));
    } finally {
      LocalHandoff.close(job);
    }
  }

  @Test
  @DisplayName("in local mode a gradient task sends Spark a few hundred bytes, not its 335 KB sum")
  void localTasksSendMarkers() throws Exception {
    List<Long> handedOver = resultBytes(true);
    List<Long> sent = resultBytes(false);
    assertEquals(3, handedOver.size(), handedOver::toString);
    assertEquals(3, sent.size(), sent::toString);
    for (long bytes : handedOver) {
      assertTrue(bytes < 4_000, "handed over, yet Spark carried " + bytes + " bytes");
    }
    for (long bytes : sent) {
      assertTrue(bytes > 8L * 41_904, "sent, yet Spark carried only " + bytes + " bytes");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Wire.class)
  @DisplayName("handed over or sent, every gradient and evaluation has the same bits, and no slot stays open")
  void sameBits(Wire wire) {
    double[] params = Initializer.initialize(ARCH, 3);
    Shard.Batching batching = new Shard.Batching(5, DATA.count(Role.TRAIN), 64);
    try (SparkEngine byReference = engine(true, wire); SparkEngine sent = engine(false, wire)) {
      for (int batch = 0; batch < batching.batches(); batch++) {
        GradientSum a = byReference.gradient(params, batching, 1, batch);
        GradientSum b = sent.gradient(params, batching, 1, batch);
        assertArrayEquals(b.gradient(), a.gradient(), "iteration " + batch);
        assertEquals(b.loss(), a.loss(), 0.0);
        assertEquals(b.count(), a.count());
      }
      Evaluation a = byReference.evaluate(params, Role.VALIDATION);
      Evaluation b = sent.evaluate(params, Role.VALIDATION);
      assertEquals(b.meanLoss(), a.meanLoss(), 0.0);
      assertEquals(b.accuracy(), a.accuracy(), 0.0);
    }
    assertEquals(0, LocalHandoff.openJobs());
  }

  /** How a gradient leaves its task: as computed, rounded to float32, or from float32 kernels. */
  enum Wire {
    FLOAT64(Precision.FLOAT64, false),
    FLOAT32_GRADIENTS(Precision.FLOAT64, true),
    FLOAT32_KERNELS(Precision.FLOAT32, true);

    final Precision precision;
    final boolean float32Gradients;

    Wire(Precision precision, boolean float32Gradients) {
      this.precision = precision;
      this.float32Gradients = float32Gradients;
    }
  }

  private static SparkEngine engine(boolean handoff, Wire wire) {
    return new SparkEngine(SC, DATA, ARCH, 4, wire.precision, wire.float32Gradients, Reduction.DETERMINISTIC, handoff);
  }

  /** The size of each task result Spark carried for one gradient job. */
  private static List<Long> resultBytes(boolean handoff) throws Exception {
    List<Long> bytes = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd task) {
        bytes.add(task.taskMetrics().resultSize());
      }
    };
    double[] params = Initializer.initialize(ARCH, 3);
    Shard.Batching batching = new Shard.Batching(5, DATA.count(Role.TRAIN), 400);
    try (SparkEngine engine = engine(handoff, Wire.FLOAT64)) {
      SC.sc().listenerBus().waitUntilEmpty();
      SC.sc().addSparkListener(listener);
      engine.gradient(params, batching, 0, 0);
    } finally {
      // Listener events arrive on Spark's bus thread: wait for them before looking.
      SC.sc().listenerBus().waitUntilEmpty();
      SC.sc().removeSparkListener(listener);
    }
    return bytes;
  }
}
