package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.optim.Schedule;
import dev.sparkprop.train.Checkpoint;
import dev.sparkprop.train.Checkpointer;
import dev.sparkprop.train.Stopping;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On Spark, in the deterministic reduction: the same seed gives the same bits, whatever the
 * timing, a retried task, or a resume from a checkpoint.
 */
class SparkReliabilityTest {

  private static final JavaSparkContext SC = SparkTests.context();
  private static final Architecture ARCH = new Architecture(new int[] {2, 9, 5, 4}, Activation.RELU,
      Loss.SOFTMAX_CROSS_ENTROPY);
  /** Dropout too, so that a retried task must also draw the same masks. 420 training examples, batch 32: 14 iterations per epoch. */
  private static final TrainConfig CONFIG = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 32, 3, 11, 0.0, 1e-4,
      Schedule.CONSTANT, 0.0, 0.2);
  /**
   * On local[2,4]: more partitions than task slots, so each step is a job of its own. With
   * {@link #STANDING} partitions, the steps share standing jobs.
   */
  private static final int PARTITIONS = 3;
  private static final int STANDING = 2;

  private static final class Memory implements Checkpointer {
    final List<Checkpoint> saved = new ArrayList<>();

    @Override
    public String save(Checkpoint checkpoint) {
      saved.add(checkpoint);
      return "memory #" + saved.size();
    }
  }

  /** Trains CONFIG on Spark; with a checkpointer when given, from {@code resume} when given. */
  private static double[] train(Reduction reduction, Checkpointer checkpointer, Checkpoint resume) {
    return train(PARTITIONS, reduction, checkpointer, resume);
  }

  private static double[] train(int partitions, Reduction reduction, Checkpointer checkpointer, Checkpoint resume) {
    PreparedData data = PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 7, 600), null,
        new PreparedData.Options(partitions, 11, 0.2, 0.1, Scaling.STANDARDIZE, null));
    try (SparkEngine engine = new SparkEngine(SC, data, ARCH, 4, Precision.FLOAT64, false, reduction)) {
      Trainer trainer = new Trainer(new Network(ARCH), CONFIG, Stopping.NONE);
      if (checkpointer != null) {
        trainer = trainer.withCheckpoints(checkpointer, 5, Map.of("partitions", Integer.toString(partitions)));
      }
      return trainer.train(engine, TrainingListener.SILENT, resume).parameters();
    } finally {
      data.release();
    }
  }

  @Test
  @DisplayName("two runs with the same seed end with the same parameters bit for bit, in the deterministic reduction")
  void deterministicRunsAgreeBitForBit() {
    assertArrayEquals(train(Reduction.DETERMINISTIC, null, null), train(Reduction.DETERMINISTIC, null, null));
  }

  @Test
  @DisplayName("the arrival-order reduction ends within 1e-9 of the deterministic one")
  void arrivalOrderAgreesToRounding() {
    double[] fixed = train(Reduction.DETERMINISTIC, null, null);
    double[] arrival = train(Reduction.ARRIVAL, null, null);
    double scale = 0.0;
    double worst = 0.0;
    for (int i = 0; i < fixed.length; i++) {
      scale = Math.max(scale, Math.abs(fixed[i]));
      worst = Math.max(worst, Math.abs(fixed[i] - arrival[i]));
    }
    assertTrue(worst <= 1e-9 * scale, "largest difference " + worst);
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {PARTITIONS, STANDING})
  @DisplayName("resumed from a mid-epoch checkpoint on Spark, a run ends with the uninterrupted run's parameters bit for bit")
  void resumeOnSparkEqualsUninterrupted(int partitions) {
    Memory memory = new Memory();
    double[] whole = train(partitions, Reduction.DETERMINISTIC, memory, null);
    Checkpoint midEpoch = memory.saved.stream().filter(c -> c.epoch() == 1 && c.iteration() > 0).findFirst().orElseThrow();
    assertArrayEquals(whole, train(partitions, Reduction.DETERMINISTIC, new Memory(), midEpoch),
        "resumed from " + midEpoch.position());
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {PARTITIONS, STANDING})
  @DisplayName("with the first try of chosen tasks' work failing, retried tasks give the fault-free run's parameters bit for bit")
  void retriedTasksChangeNothing(int partitions) throws InterruptedException {
    double[] faultFree = train(partitions, Reduction.DETERMINISTIC, null, null);
    AtomicInteger failed = new AtomicInteger();
    SparkListener counter = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().failed()) {
          failed.incrementAndGet();
        }
      }
    };
    SC.sc().addSparkListener(counter);
    // Partition 1 fails in every iteration of epoch 2, and partition 0 in iteration 3 of every epoch.
    SC.setLocalProperty(FaultInjection.KEY, "2:*:1, *:3:0");
    double[] retried;
    try {
      retried = train(partitions, Reduction.DETERMINISTIC, null, null);
    } finally {
      SC.setLocalProperty(FaultInjection.KEY, null);
    }
    // Task-end events reach listeners asynchronously.
    for (int i = 0; i < 100 && failed.get() < 14 + 3; i++) {
      Thread.sleep(50);
    }
    SC.sc().removeSparkListener(counter);
    assertArrayEquals(faultFree, retried);
    assertEquals(14 + 3, failed.get(), "partition 1 in the 14 iterations of epoch 2, partition 0 once per epoch");
  }

  @Test
  @DisplayName("the fault plan names tasks by 1-based epoch and iteration and 0-based partition, with * for any")
  void faultPlanGrammar() {
    assertTrue(FaultInjection.chosen("2:*:1", 2, 7, 1));
    assertFalse(FaultInjection.chosen("2:*:1", 2, 7, 0));
    assertFalse(FaultInjection.chosen("2:*:1", 1, 7, 1));
    assertTrue(FaultInjection.chosen("1:1:0, *:3:*", 5, 3, 2));
    assertFalse(FaultInjection.chosen("1:1:0, *:3:*", 5, 4, 2));
  }
}
