package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * In local mode many steps share one Spark job: each partition's task runs step after step on its
 * own data, a retry takes up the step its failed attempt left, and the job gets out of the way of
 * any other.
 */
class StandingJobTest {

  private static final JavaSparkContext SC = SparkTests.context();
  private static final String GROUP = "sparkprop-standing-test";

  /** Partition 0 holds 1, 2, 3 and partition 1 holds 4, 5, 6. */
  private static JavaRDD<Integer> numbers() {
    return SC.parallelize(List.of(1, 2, 3, 4, 5, 6), 2);
  }

  /** Step work: its factor times the sum of the partition's numbers. */
  private static StandingJob.Work<Integer> times(int factor) {
    return (data, firstTry) -> {
      int sum = 0;
      while (data.hasNext()) {
        sum += data.next();
      }
      return factor * sum;
    };
  }

  @AfterEach
  void noneLeftOpen() {
    SC.clearJobGroup();
    assertEquals(0, StandingJob.openJobs(), "a standing job left open");
  }

  @Test
  @DisplayName("each step runs on every partition's own data, step after step, in one Spark job")
  void stepsShareOneJob() {
    SC.setJobGroup(GROUP + "-steps", "steps", false);
    StandingJob job = StandingJob.start(SC, numbers(), times(1));
    for (int step = 1; step <= 5; step++) {
      if (step > 1) {
        assertTrue(job.post(times(step)), "step " + step + " posted");
      }
      assertEquals(step * 6, job.result(0), "partition 0, step " + step);
      assertEquals(step * 15, job.result(1), "partition 1, step " + step);
    }
    job.end();
    assertEquals(1, jobsIn(GROUP + "-steps"));
  }

  @Test
  @DisplayName("a step whose first attempt failed is taken up by the retry, which is told so, and is the job's last")
  void retryTakesUpTheFailedStep() {
    StandingJob.Work<Integer> failOnce = (data, firstTry) -> {
      if (firstTry && org.apache.spark.TaskContext.getPartitionId() == 1) {
        throw new IllegalStateException("first try fails");
      }
      return firstTry ? "first try" : "retry";
    };
    StandingJob job = StandingJob.start(SC, numbers(), times(1));
    assertEquals(6, job.result(0));
    assertEquals(15, job.result(1));
    assertTrue(job.post(failOnce));
    assertEquals("first try", job.result(0));
    assertEquals("retry", job.result(1));
    // Spark counts a task's failures over its whole job: a fresh job takes the next step.
    assertFalse(job.post(times(3)), "a job in which a task failed took another step");
    job.end();
  }

  @Test
  @DisplayName("a task failing for good: the driver waiting for its result gets Spark's own exception")
  void failureForGood() {
    StandingJob.Work<Integer> fail = (data, firstTry) -> {
      throw new IllegalStateException("no such luck");
    };
    StandingJob job = StandingJob.start(SC, numbers(), times(1));
    assertEquals(6, job.result(0));
    assertEquals(15, job.result(1));
    assertTrue(job.post(fail));
    SparkException e = assertThrows(SparkException.class, () -> job.result(0));
    assertTrue(e.getMessage().contains("no such luck"), e.getMessage());
    job.abandon();
  }

  @Test
  @DisplayName("tasks left without a step leave after the idle time: another job gets the cores, and the next post is refused")
  void idleTasksLeave() {
    StandingJob job = StandingJob.start(SC, numbers(), times(1), 100);
    assertEquals(15, job.result(1));
    assertEquals(2, SC.parallelize(List.of(1, 2), 2).count(), "a job from elsewhere ran");
    assertFalse(job.post(times(2)), "posted to tasks that had left");
    job.end();
  }

  @Test
  @DisplayName("a standing job cancelled from outside fails its driver, and its waiting tasks leave without an interrupt")
  void cancelledFromOutside() throws InterruptedException {
    SC.setJobGroup(GROUP + "-cancel", "cancelled", false);
    StandingJob job = StandingJob.start(SC, numbers(), times(1), TimeUnit.SECONDS.toMillis(30));
    assertEquals(6, job.result(0));
    assertEquals(15, job.result(1));
    SC.cancelJobGroup(GROUP + "-cancel");
    assertThrows(SparkException.class, job::end);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (SC.statusTracker().getActiveStageIds().length > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, SC.statusTracker().getActiveStageIds().length, "the waiting tasks are still running");
  }

  @Test
  @DisplayName("the driver cannot post a step while the one before still owes results; a task's idle wait closes the steps")
  void stepsInOrder() throws InterruptedException {
    StandingJob.Steps steps = new StandingJob.Steps(2, times(1));
    StandingJob.Step first = steps.next(0, 0, 1_000, null);
    assertEquals(1, first.number());
    assertTrue(first.firstTry());
    steps.offer(0, 1, 6);
    assertThrows(IllegalStateException.class, () -> steps.post(times(2)), "partition 1 still owes step 1");
    steps.offer(1, 1, 15);
    assertTrue(steps.post(times(2)));
    steps.offer(0, 1, 99); // a straggler's result for a step that is over counts for nothing
    assertFalse(steps.result(0).isDone());
    assertEquals(2, steps.next(0, 1, 1_000, null).number());
    steps.offer(0, 2, 12);
    steps.offer(1, 2, 30);
    assertEquals(null, steps.next(0, 2, 20, null), "no step within the idle time");
    assertFalse(steps.post(times(3)), "posted after a task had left");
  }

  @Test
  @DisplayName("training in standing jobs ends bit for bit where a job per step ends, in one job instead of one per iteration")
  void trainingInStandingJobs() {
    // 2 partitions on local[2,4]: both tasks can hold a core, so steps stand.
    PreparedData data = blobs(2);
    try {
      SC.setJobGroup(GROUP + "-standing", "standing", false);
      double[] standing = train(data, 3, true);
      SC.setJobGroup(GROUP + "-per-step", "per step", false);
      double[] perStep = train(data, 3, false);
      assertArrayEquals(perStep, standing);
      assertEquals(1, jobsIn(GROUP + "-standing"));
      assertEquals(18, jobsIn(GROUP + "-per-step"));
    } finally {
      data.release();
    }
  }

  @Test
  @DisplayName("with more partitions than task slots, each step is a job of its own")
  void morePartitionsThanSlots() {
    PreparedData data = blobs(3);
    try {
      SC.setJobGroup(GROUP + "-three", "three partitions", false);
      train(data, 2, true);
      assertEquals(12, jobsIn(GROUP + "-three"));
    } finally {
      data.release();
    }
  }

  /**
   * The jobs Spark has seen in {@code group}. The status tracker learns of a job from a listener
   * event, which arrives on Spark's bus thread: wait for the bus first.
   */
  private static int jobsIn(String group) {
    try {
      SC.sc().listenerBus().waitUntilEmpty();
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
    return SC.statusTracker().getJobIdsForGroup(group).length;
  }

  private static final Architecture ARCH =
      new Architecture(new int[] {2, 9, 4}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);

  /** 300 examples in 4 blobs, 240 of them for training, in {@code partitions} partitions. */
  private static PreparedData blobs(int partitions) {
    return PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 7, 300), null,
        new PreparedData.Options(partitions, 11, 0.2, 0.0, Scaling.STANDARDIZE, null));
  }

  /** The parameters after {@code epochs} epochs of batch 40 (6 iterations each). */
  private static double[] train(PreparedData data, int epochs, boolean standing) {
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 40, epochs, 5, 0.0);
    try (SparkEngine engine = new SparkEngine(SC, data, ARCH, 4, Precision.FLOAT64, false, Reduction.DETERMINISTIC,
        true, standing)) {
      return new Trainer(new Network(ARCH), config).train(engine, TrainingListener.SILENT).parameters();
    }
  }
}
