package dev.sparkprop.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Test only, off unless asked for: makes the first try of chosen gradient work fail after it is
 * done, so that tests can check a retried task computes exactly what the first attempt would
 * have (nothing counted twice, the same random streams). With a job per iteration the first try
 * is a task's first attempt; in a {@link StandingJob}, whose tasks run many iterations, it is
 * the first attempt that takes the iteration, and the retry takes up that same iteration.
 *
 * <p>Switched on by the Spark local property (or, for a whole application, the Spark setting)
 * {@value #KEY}: a comma-separated list of {@code EPOCH:ITERATION:PARTITION}, 1-based epoch and
 * iteration as in the progress lines, 0-based partition, each part a number or {@code *}. For
 * example {@code *:*:1} fails the first try of partition 1's work in every iteration. Spark
 * retries a failed task up to {@code spark.task.maxFailures} times; in local mode that needs a
 * master like {@code local[2,4]}.
 */
public final class FaultInjection {

  public static final String KEY = "spark.sparkprop.test.failFirstAttempt";

  private FaultInjection() {}

  /**
   * Inside a task: throws if the plan names this task's iteration and partition, and this is
   * the first try of that iteration's work there (a standing job's task runs many iterations,
   * and its retry takes up the one its failed attempt left).
   */
  static void maybeFail(int epoch, int batch, boolean firstTry) {
    TaskContext task = TaskContext.get();
    if (task == null || !firstTry) {
      return;
    }
    String plan = task.getLocalProperty(KEY);
    if (plan == null && SparkEnv.get() != null) {
      plan = SparkEnv.get().conf().get(KEY, null);
    }
    if (plan == null || plan.isBlank()) {
      return;
    }
    if (chosen(plan, epoch + 1, batch + 1, task.partitionId())) {
      throw new IllegalStateException(String.format(
          "injected failure (%s, test only): epoch %d, iteration %d, partition %d, attempt %d",
          KEY, epoch + 1, batch + 1, task.partitionId(), task.attemptNumber()));
    }
  }

  /** Whether the plan names the task of this 1-based epoch and iteration and 0-based partition. */
  static boolean chosen(String plan, int epoch, int iteration, int partition) {
    for (String item : plan.split(",")) {
      String[] parts = item.trim().split(":");
      if (parts.length != 3) {
        throw new IllegalArgumentException(KEY + ": '" + item + "' is not EPOCH:ITERATION:PARTITION");
      }
      if (matches(parts[0], epoch) && matches(parts[1], iteration) && matches(parts[2], partition)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String part, int value) {
    return part.trim().equals("*") || Integer.parseInt(part.trim()) == value;
  }
}
