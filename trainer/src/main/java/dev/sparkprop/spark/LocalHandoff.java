package dev.sparkprop.spark;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;

/**
 * Passes one job's parameters to its tasks, and their results back to the driver, by reference
 * when the tasks run in the driver's own JVM, as they do in local mode.
 *
 * <p>Spark's broadcast and result paths are built for executors in other processes. A 1.9 MB
 * parameter broadcast is serialized on the driver, stored twice in the block manager (as an
 * object and as bytes), registered with the block manager master and, once its job is over,
 * removed again by a round trip through the same master; yet local mode's tasks read the stored
 * object itself. Each task's 1.9 MB gradient sum is serialized, copied into a framed task result
 * and a status message, and read back on the driver twice over, in Java serialization's 1 KB
 * blocks. In local mode all of that copies from one part of the same heap to another, and on
 * two cores the threads doing it take time from the tasks.
 *
 * <p>Here the driver opens the job before submitting it: the task to run, parameters included,
 * and one empty slot per partition, under an id that is all the tasks carry. A task takes its
 * work from there, and, when it finds its job's slots in its own JVM, leaves its result in its
 * slot and returns a marker of a few bytes to Spark instead. The driver takes each result as soon
 * as it is left, without waiting for Spark to report the task finished, so that Spark ends the
 * job while the driver updates the parameters and submits the next one. The job itself, its
 * scheduling, retries and the order of the reduction on the driver do not change. A straggler
 * whose job is over finds nothing: it cannot take its work, or, if it already had, returns its
 * result the ordinary way, and Spark ignores it either way, since its job has every result. Only
 * a local master, whose tasks always run in the driver's JVM, hands work over; executors in other
 * processes (local-cluster, a real cluster) get the parameters as a Spark broadcast and send
 * their results through Spark.
 *
 * <p>Neither way may change a value for this to be invisible. The parameters are read, never
 * written, by the tasks, and a float32 gradient is rounded in the task, before it is either left
 * here or sent ({@code GradientSum.sendAsFloat32}).
 */
public final class LocalHandoff {

  /**
   * The Spark setting that turns the handoff off ({@code false}), so that parameters are
   * broadcast and results take Spark's result path even in local mode. On by default.
   */
  public static final String KEY = "spark.sparkprop.localHandoff";

  /** Whether a context with {@code conf} hands over: a local master, unless {@link #KEY} is false. */
  static boolean enabled(SparkConf conf) {
    return StepSettings.isLocal(conf.get("spark.master", "")) && conf.getBoolean(KEY, true);
  }

  /** What a task returns to Spark in place of the result it left with the driver. */
  enum Marker {
    HANDED_OVER
  }

  /** An open job: what its tasks are to run, and a slot per partition for what they leave behind. */
  private record Job(Object work, CompletableFuture<Object>[] results) {}

  private static final ConcurrentHashMap<Long, Job> OPEN = new ConcurrentHashMap<>();
  private static final AtomicLong LAST = new AtomicLong();

  private LocalHandoff() {}

  /**
   * On the driver, before the job: one empty slot per partition, and {@code work} for the tasks
   * to read ({@link #work}), under an id for the tasks.
   */
  static long open(int partitions, Object work) {
    @SuppressWarnings("unchecked")
    CompletableFuture<Object>[] results = new CompletableFuture[partitions];
    Arrays.setAll(results, p -> new CompletableFuture<>());
    long job = LAST.incrementAndGet();
    OPEN.put(job, new Job(Objects.requireNonNull(work, "work"), results));
    return job;
  }

  /**
   * In a task: what the driver opened {@code job} with. Only tasks in the driver's JVM, while
   * their job is open, can ask.
   */
  static Object work(long job) {
    return opened(job).work();
  }

  /**
   * In a task: leaves {@code result} in its partition's slot and returns the marker, or, when
   * this JVM holds no slots for {@code job}, returns {@code result} itself for Spark to send.
   */
  static Object offer(long job, int partition, Object result) {
    Job open = OPEN.get(job);
    if (open == null) {
      return result;
    }
    // A retried or speculative attempt finds the slot filled by an earlier one, with an equal result.
    open.results()[partition].complete(Objects.requireNonNull(result, "result"));
    return Marker.HANDED_OVER;
  }

  /**
   * On the driver: the result partition {@code partition}'s task leaves, once it has left it.
   * It never arrives if the task fails for good; the driver learns that from Spark.
   */
  static CompletableFuture<Object> result(long job, int partition) {
    return opened(job).results()[partition];
  }

  private static Job opened(long job) {
    Job open = OPEN.get(job);
    if (open == null) {
      throw new IllegalStateException("job " + job + " has nothing in this JVM: it is over, or this task runs"
          + " outside the driver");
    }
    return open;
  }

  /**
   * On the driver, once it has every result, or no longer wants them: drops the job's slots and
   * work, so that a straggler finds none.
   */
  static void close(long job) {
    OPEN.remove(job);
  }

  /** How many jobs' slots are open in this JVM: none once every job is over. */
  static int openJobs() {
    return OPEN.size();
  }
}
