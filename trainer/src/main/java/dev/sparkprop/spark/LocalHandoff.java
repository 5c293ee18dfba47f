package dev.sparkprop.spark;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * <p>Here the driver opens the job before submitting it: the parameters, and one empty slot per
 * partition, under an id the tasks carry. A task reads the parameters from there, and, when it
 * finds its job's slots in its own JVM, leaves its result in its slot and returns a marker of a
 * few bytes to Spark instead. The job itself, its scheduling, retries and the order of the
 * reduction on the driver do not change. A straggler whose job is over finds nothing: it cannot
 * read the parameters, or, if it already had, returns its result the ordinary way, and Spark
 * ignores it either way, since its job has every result. Only a local master, whose tasks always
 * run in the driver's JVM, hands parameters over; executors in other processes (local-cluster, a
 * real cluster) get a Spark broadcast and send their results through Spark.
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

  /** An open job: what its tasks read, and a slot per partition for what they leave behind. */
  private record Job(Object input, AtomicReferenceArray<Object> results) {}

  private static final ConcurrentHashMap<Long, Job> OPEN = new ConcurrentHashMap<>();
  private static final AtomicLong LAST = new AtomicLong();

  private LocalHandoff() {}

  /**
   * On the driver, before the job: one empty slot per partition, and {@code input} for the tasks
   * to read ({@link #input}), under an id for the tasks.
   */
  static long open(int partitions, Object input) {
    long job = LAST.incrementAndGet();
    OPEN.put(job, new Job(Objects.requireNonNull(input, "input"), new AtomicReferenceArray<>(partitions)));
    return job;
  }

  /**
   * In a task: what the driver opened {@code job} with. Only tasks in the driver's JVM, while
   * their job is open, can ask.
   */
  static Object input(long job) {
    Job open = OPEN.get(job);
    if (open == null) {
      throw new IllegalStateException("job " + job + " has no input in this JVM: it is over, or this task runs"
          + " outside the driver");
    }
    return open.input();
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
    // A retried or speculative attempt overwrites an earlier one's result with an equal one.
    open.results().set(partition, result);
    return Marker.HANDED_OVER;
  }

  /**
   * On the driver, as each task's result arrives: the result the task left behind if Spark
   * brought the marker, otherwise what Spark brought. Empties the slot.
   */
  static Object claim(long job, int partition, Object received) {
    if (received != Marker.HANDED_OVER) {
      return received;
    }
    Job open = OPEN.get(job);
    Object result = open == null ? null : open.results().getAndSet(partition, null);
    if (result == null) {
      throw new IllegalStateException("partition " + partition + " of job " + job
          + " reported a result handed over in memory, but none is waiting");
    }
    return result;
  }

  /** On the driver, when the job is over, however it ended: drops its slots and anything left in them. */
  static void close(long job) {
    OPEN.remove(job);
  }

  /** How many jobs' slots are open in this JVM: none once every job is over. */
  static int openJobs() {
    return OPEN.size();
  }
}
