package dev.sparkprop.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * In local mode, one Spark job for many steps: its tasks, one per partition, stay on their
 * partitions and run each step the driver hands them, until the driver stops handing steps out.
 *
 * <p>A Spark job costs the same whatever its tasks do: the DAG scheduler builds a stage and
 * broadcasts its task binary, the task scheduler hands the tasks to executor threads, every
 * task's end is reported, merged into the job's metrics and posted to the listeners, and the
 * status store records it all. On two cores that work, and the JIT compiling it during a run's
 * first few thousand iterations, is taken from the tasks themselves. Here the driver posts a
 * step (the work to run, parameters included, by reference) and takes each partition's result
 * as its task leaves it, as with a job per step ({@link LocalHandoff}); only the job around the
 * steps is shared. Each partition still computes on its own shard, and the driver still adds
 * the results in partition order, so nothing computed changes.
 *
 * <p>Only where every task can hold a core at once: a task waiting for the next step keeps its
 * core, and a step needs every partition. The engine ends the job before it runs any other, and
 * its tasks leave by themselves after {@link #IDLE_MILLIS} without a step, so a job submitted
 * from elsewhere waits at most that long for the cores. Spark's retries work as for any job: a
 * new attempt of a failed task takes up the step its partition has not finished, and a
 * speculative copy runs the same steps, the first result of each step counting. Spark counts a
 * task's failures over its whole job ({@code spark.task.maxFailures}), so a job in which a task
 * failed takes no step after the one retried: each step gets as many attempts as with a job per
 * step.
 */
public final class StandingJob {

  /**
   * The Spark setting that turns standing jobs off ({@code false}), so that each step is a job
   * of its own. On by default wherever the {@link LocalHandoff} is.
   */
  public static final String KEY = "spark.sparkprop.standingJob";

  /**
   * How long a task waits for the next step before it leaves. Longer than the driver takes
   * between steps, even with a garbage collection; short enough that another job, or a driver
   * that went on to other things, does not wait long for the cores.
   */
  static final long IDLE_MILLIS = 250;

  /** How often a waiting task looks whether Spark has asked it to stop, which may come without an interrupt. */
  private static final long KILL_CHECK_MILLIS = 50;

  private static final ConcurrentHashMap<Long, Steps> OPEN = new ConcurrentHashMap<>();
  private static final AtomicLong LAST = new AtomicLong();

  private final long id;
  private final Steps steps;
  private final SparkJob job;

  private StandingJob(long id, Steps steps, SparkJob job) {
    this.id = id;
    this.steps = steps;
    this.job = job;
  }

  /**
   * Whether a context with {@code conf} runs steps in standing jobs: with the handoff, unless
   * {@link #KEY} is false.
   */
  static boolean enabled(SparkConf conf) {
    return LocalHandoff.enabled(conf) && conf.getBoolean(KEY, true);
  }

  /**
   * Submits a standing job on every partition of {@code rdd}, with {@code first} as its first
   * step. The tasks must all fit on the cores at once; the caller checks.
   */
  static StandingJob start(JavaSparkContext sc, JavaRDD<?> rdd, Work<?> first) {
    return start(sc, rdd, first, IDLE_MILLIS);
  }

  /** As {@link #start(JavaSparkContext, JavaRDD, Work)}, with tasks idling at most {@code idleMillis}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static StandingJob start(JavaSparkContext sc, JavaRDD<?> rdd, Work<?> first, long idleMillis) {
    long id = LAST.incrementAndGet();
    Steps steps = new Steps(rdd.getNumPartitions(), first);
    OPEN.put(id, steps);
    try {
      return new StandingJob(id, steps, SparkJob.submit(sc, (JavaRDD) rdd, new Stand(id, idleMillis),
          SparkJob.IgnoreResults.INSTANCE));
    } catch (RuntimeException e) {
      OPEN.remove(id);
      throw e;
    }
  }

  /**
   * Hands the tasks the next step, once every partition's result for this one has been taken;
   * false when the tasks have left, or are leaving, or a task of this job failed, and a new job
   * must run it.
   */
  boolean post(Work<?> work) {
    return !job.ended() && steps.post(work);
  }

  /**
   * Waits for partition {@code partition}'s result of the current step; throws Spark's failure
   * if the job fails first.
   */
  Object result(int partition) {
    return job.await(steps.result(partition));
  }

  /**
   * Tells the tasks to leave once they are done with the current step, waits for the job's end,
   * and throws its failure.
   */
  void end() {
    steps.close();
    try {
      job.awaitEnd();
    } finally {
      OPEN.remove(id);
    }
  }

  /** Ends the job without waiting for the current step: tasks leave, and Spark cancels what still runs. */
  void abandon() {
    steps.close();
    try {
      job.cancelAndAwait();
    } finally {
      OPEN.remove(id);
    }
  }

  /** How many standing jobs are open in this JVM: none once every engine is closed. */
  static int openJobs() {
    return OPEN.size();
  }

  /**
   * What a standing job's tasks run at each step, on their partition's data.
   *
   * @param <D> the elements of the job's RDD
   */
  interface Work<D> {
    /**
     * @param firstTry false when an earlier attempt of this partition's task took this step
     *     and failed
     */
    Object run(java.util.Iterator<D> data, boolean firstTry);
  }

  /**
   * One step as a task takes it: its number, counted from 1, what to run, and whether an earlier
   * attempt of the task took it before.
   */
  record Step(long number, Work<?> work, boolean firstTry) {}

  /**
   * The steps of one standing job, shared by the driver and the tasks. The driver posts a step
   * only after taking every result of the one before, so one step is current at a time.
   */
  static final class Steps {
    private long step = 1;
    private Work<?> work;
    private CompletableFuture<Object>[] results;
    /** Which partitions' tasks have taken the current step: a second taker is a retry. */
    private boolean[] taken;
    /** Whether a task failed in this job: it then takes no further step. */
    private boolean retried;
    private boolean closed;

    Steps(int partitions, Work<?> first) {
      this.work = Objects.requireNonNull(first, "work");
      this.results = emptySlots(partitions);
      this.taken = new boolean[partitions];
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Object>[] emptySlots(int partitions) {
      CompletableFuture<Object>[] slots = new CompletableFuture[partitions];
      Arrays.setAll(slots, p -> new CompletableFuture<>());
      return slots;
    }

    synchronized boolean post(Work<?> next) {
      if (closed || retried) {
        return false;
      }
      for (CompletableFuture<Object> r : results) {
        if (!r.isDone()) {
          throw new IllegalStateException("step " + step + " still has results to come");
        }
      }
      step++;
      work = Objects.requireNonNull(next, "work");
      results = emptySlots(results.length);
      taken = new boolean[results.length];
      notifyAll();
      return true;
    }

    synchronized CompletableFuture<Object> result(int partition) {
      return results[partition];
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }

    /**
     * In a task of {@code partition} that has finished step {@code after} (0 for none): the
     * next step whose result this partition owes, as soon as there is one; null once the job is
     * closed, or after {@code idleMillis} without a step, which closes it. A step already
     * posted is never refused, so that the driver, which waits for every result, is not left
     * waiting.
     */
    synchronized Step next(int partition, long after, long idleMillis, TaskContext context)
        throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleMillis);
      while (true) {
        if (step > after && !results[partition].isDone()) {
          boolean first = !taken[partition];
          taken[partition] = true;
          retried |= !first;
          return new Step(step, work, first);
        }
        if (closed) {
          return null;
        }
        if (context != null) {
          context.killTaskIfInterrupted();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          closed = true;
          notifyAll();
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(KILL_CHECK_MILLIS)));
      }
    }

    /** In a task: leaves its partition's result of step {@code number}; the first result of a step counts. */
    synchronized void offer(int partition, long number, Object result) {
      if (number == step) {
        results[partition].complete(Objects.requireNonNull(result, "result"));
      }
    }
  }

  /**
   * A standing job's function: it carries only the job's id and the idle time. The task reads
   * its partition's data once, then runs step after step. Named, not a lambda, for the reason
   * given at {@code SparkEngine.OnPartition}.
   */
  private static final class Stand extends AbstractFunction1<Iterator<Object>, Object> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final long id;
    private final long idleMillis;

    Stand(long id, long idleMillis) {
      this.id = id;
      this.idleMillis = idleMillis;
    }

    @Override
    public Object apply(Iterator<Object> data) {
      Steps steps = OPEN.get(id);
      if (steps == null) {
        return LocalHandoff.Marker.HANDED_OVER; // a straggler whose job is over: nothing is owed
      }
      List<Object> mine = new ArrayList<>();
      data.foreach(mine::add);
      TaskContext context = TaskContext.get();
      int partition = context.partitionId();
      try {
        for (Step s = steps.next(partition, 0, idleMillis, context); s != null;
            s = steps.next(partition, s.number(), idleMillis, context)) {
          steps.offer(partition, s.number(), run(s.work(), mine, s.firstTry()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw SparkJob.rethrow(e);
      }
      return LocalHandoff.Marker.HANDED_OVER;
    }

    @SuppressWarnings("unchecked")
    private static Object run(Work<?> work, List<Object> data, boolean firstTry) {
      return ((Work<Object>) work).run(data.iterator(), firstTry);
    }
  }
}
