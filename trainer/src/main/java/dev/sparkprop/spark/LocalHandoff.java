package dev.sparkprop.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Brings the partitions' results of one job to the driver by reference when the tasks run in the
 * driver's own JVM, as they do in local mode.
 *
 * <p>Spark's result path is built for executors in other processes. Each task's 1.9 MB gradient
 * sum is serialized on the executor, copied into a framed task result and a status message, and
 * read back on the driver twice over, in Java serialization's 1 KB blocks, on Spark's own
 * threads. In local mode all of that copies from one part of the same heap to another, and on
 * two cores the threads doing it take time from the tasks.
 *
 * <p>Here the driver opens one slot per partition before the job. A task that finds its job's
 * slots in its own JVM leaves its result there and returns a marker of a few bytes to Spark
 * instead. The job itself, its scheduling, retries and the order of the reduction on the driver
 * do not change. A task that does not find the slots (an executor in another process, as on
 * local-cluster or a real cluster, or a straggler whose job is over) returns its result the
 * ordinary way, so nothing depends on where a task ran.
 *
 * <p>Results must not be changed by serialization for this to be invisible. A float32 gradient is
 * therefore rounded in the task, before it is either left here or sent
 * ({@code GradientSum.sendAsFloat32}).
 */
public final class LocalHandoff {

  /**
   * The Spark setting that turns the handoff off ({@code false}), so that results take Spark's
   * result path even in local mode. On by default.
   */
  public static final String KEY = "spark.sparkprop.localHandoff";

  /** What a task returns to Spark in place of the result it left with the driver. */
  enum Marker {
    HANDED_OVER
  }

  private static final ConcurrentHashMap<Long, AtomicReferenceArray<Object>> OPEN = new ConcurrentHashMap<>();
  private static final AtomicLong LAST = new AtomicLong();

  private LocalHandoff() {}

  /** On the driver, before the job: one empty slot per partition, under an id for the tasks. */
  static long open(int partitions) {
    long job = LAST.incrementAndGet();
    OPEN.put(job, new AtomicReferenceArray<>(partitions));
    return job;
  }

  /**
   * In a task: leaves {@code result} in its partition's slot and returns the marker, or, when
   * this JVM holds no slots for {@code job}, returns {@code result} itself for Spark to send.
   */
  static Object offer(long job, int partition, Object result) {
    AtomicReferenceArray<Object> slots = OPEN.get(job);
    if (slots == null) {
      return result;
    }
    // A retried or speculative attempt overwrites an earlier one's result with an equal one.
    slots.set(partition, result);
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
    AtomicReferenceArray<Object> slots = OPEN.get(job);
    Object result = slots == null ? null : slots.getAndSet(partition, null);
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
