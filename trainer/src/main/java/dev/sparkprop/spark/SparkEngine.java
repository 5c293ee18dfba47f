package dev.sparkprop.spark;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Network32;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.train.Engine;
import dev.sparkprop.train.EpochPlan;
import dev.sparkprop.train.Evaluation;
import dev.sparkprop.train.GradientSum;
import dev.sparkprop.train.Shard;
import dev.sparkprop.train.ShardSet;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The data-parallel step. Per iteration: broadcast the parameters; every partition runs forward
 * and backward over its examples of the global batch and returns one {@link GradientSum};
 * they are added up on the driver in partition order ({@link Reduction#DETERMINISTIC}) or by
 * {@code treeReduce} in arrival order ({@link Reduction#ARRIVAL}); the broadcast is destroyed so nothing
 * accumulates over thousands of iterations, on a thread of its own so that the next iteration
 * does not wait for it.
 *
 * <p>Each partition's sum starts life on the executor (no zero vector travels in the closure),
 * a partition without examples in the batch sends back an empty sum, and the task closure holds
 * only the architecture, the parameters' handle, four numbers and the dropout settings. The
 * parameter and gradient vectors are serialized in bulk, and the default reduction submits its
 * job without Spark's per-job closure cleaning ({@link OnPartition}). In local mode nothing is
 * serialized at all: the tasks take their work, parameters included, from the driver, and leave
 * their results with it, by reference ({@link LocalHandoff}); the driver goes on with the last
 * result, while Spark ends the job ({@link #handedOver}). And where every partition's task can
 * hold a core at once, the training steps share {@link StandingJob}s: the tasks stay and take
 * step after step, and Spark's per-job cost is paid once for many steps.
 */
public final class SparkEngine implements Engine {

  private final JavaSparkContext sc;
  private final PreparedData data;
  private final Architecture architecture;
  private final int classes;
  private final int depth;
  private final Precision precision;
  private final boolean float32Gradients;
  private final Reduction reduction;
  /**
   * Whether parameters go out and results come back by reference ({@link LocalHandoff}): local
   * mode, unless turned off.
   */
  private final boolean handoff;
  /**
   * Whether training steps run in {@link StandingJob}s: with the handoff and the deterministic
   * reduction, when every training partition's task can hold a core at once.
   */
  private final boolean standing;
  private final int trainPartitions;
  /** The standing job the last step ran in, which may take the next; null when there is none. */
  private StandingJob standingJob;
  /** The planned epochs, for the job descriptions; 0 until {@link #started} (L-BFGS never says). */
  private int epochs;
  /**
   * Destroys the parameter broadcasts, in order, off the driver's critical path: destroying one
   * takes a walk of the caller's stack and a round trip to the block manager master, about 0.6 ms
   * a step. The thread exits after a second without work, so an engine nobody closes leaves none
   * behind.
   */
  private final ThreadPoolExecutor destroyer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "sparkprop-broadcast-destroyer");
        t.setDaemon(true);
        return t;
      });
  private Future<?> lastDestroy = CompletableFuture.completedFuture(null);
  /** The first destroy that failed, reported by the next call. */
  private final AtomicReference<RuntimeException> destroyFailure = new AtomicReference<>();

  public SparkEngine(JavaSparkContext sc, PreparedData data, Architecture architecture, int classes) {
    this(sc, data, architecture, classes, Precision.FLOAT64, false);
  }

  /** With the {@link Reduction#DETERMINISTIC} reduction. */
  public SparkEngine(JavaSparkContext sc, PreparedData data, Architecture architecture, int classes,
      Precision precision, boolean float32Gradients) {
    this(sc, data, architecture, classes, precision, float32Gradients, Reduction.DETERMINISTIC);
  }

  /**
   * @param precision the kernels' arithmetic; with float32 the parameters are also broadcast
   *     as float32, and the gradients come back as float32
   * @param float32Gradients send each partition's gradient as float32 even with float64 kernels
   *     (half the bytes; summed in double on arrival)
   * @param reduction how the partitions' sums are added up
   */
  public SparkEngine(JavaSparkContext sc, PreparedData data, Architecture architecture, int classes,
      Precision precision, boolean float32Gradients, Reduction reduction) {
    this(sc, data, architecture, classes, precision, float32Gradients, reduction,
        LocalHandoff.enabled(sc.getConf()));
  }

  /**
   * With the {@link LocalHandoff} chosen here rather than by the Spark setting, for tests; a
   * master that is not local never has it, since its tasks could not read the parameters.
   */
  SparkEngine(JavaSparkContext sc, PreparedData data, Architecture architecture, int classes,
      Precision precision, boolean float32Gradients, Reduction reduction, boolean handoff) {
    this(sc, data, architecture, classes, precision, float32Gradients, reduction, handoff,
        handoff && StandingJob.enabled(sc.getConf()));
  }

  /**
   * With the {@link LocalHandoff} and {@link StandingJob}s chosen here, for tests and benchmarks.
   * Steps stand only with the handoff, the deterministic reduction, and no more training
   * partitions than task slots.
   */
  SparkEngine(JavaSparkContext sc, PreparedData data, Architecture architecture, int classes,
      Precision precision, boolean float32Gradients, Reduction reduction, boolean handoff, boolean standing) {
    this.handoff = handoff && sc.isLocal();
    this.trainPartitions = data.rddFor(Role.TRAIN).getNumPartitions();
    this.standing = standing && this.handoff && reduction == Reduction.DETERMINISTIC
        && trainPartitions <= StepSettings.localTaskSlots(sc.getConf());
    this.reduction = reduction;
    this.precision = precision;
    this.float32Gradients = float32Gradients || precision == Precision.FLOAT32;
    this.sc = sc;
    this.data = data;
    this.architecture = architecture;
    this.classes = classes;
    this.depth = treeDepth(data.partitions());
    destroyer.allowCoreThreadTimeOut(true);
  }

  /**
   * One level of tree for a handful of partitions (the driver merges them directly), two
   * beyond that, so the driver never receives more than about √P sums.
   */
  static int treeDepth(int partitions) {
    return partitions <= 4 ? 1 : 2;
  }

  @Override
  public void started(EpochPlan plan) {
    epochs = plan.epochs();
  }

  /** What the Spark UI shows for an iteration's job: "sparkprop epoch 3/10 iteration 45/235". */
  static String describeIteration(int epoch, int epochs, int batch, int batches) {
    return "sparkprop epoch " + (epoch + 1) + (epochs > 0 ? "/" + epochs : "") + " iteration " + (batch + 1) + "/" + batches;
  }

  @Override
  public long examples(Role role) {
    return data.count(role);
  }

  @Override
  public GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch) {
    return gradient(params, batching, epoch, batch, null);
  }

  @Override
  public GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch, Dropout dropout) {
    if (dropout != null && dropout.active() && precision == Precision.FLOAT32) {
      throw new UnsupportedOperationException("dropout is not implemented by the float32 kernels");
    }
    // Half the bytes to ship when the kernels would round to float anyway.
    BroadcastParameters value = precision == Precision.FLOAT32
        ? BroadcastParameters.narrowed(params) : BroadcastParameters.of(params);
    String description = describeIteration(epoch, epochs, batch, batching.batches());
    if (standing) {
      return standingStep(description,
          new GradientTask(architecture, new InMemory(value), batching, epoch, batch, dropout, float32Gradients),
          MergeGradients.INSTANCE);
    }
    return reduce(Role.TRAIN, description, value,
        p -> new GradientTask(architecture, p, batching, epoch, batch, dropout, float32Gradients),
        MergeGradients.INSTANCE);
  }

  /**
   * Runs {@code task} as the next step of the standing job, or of a new one if the last has
   * ended or there is none, and adds the partitions' results up in partition order as they
   * arrive.
   *
   * @param description what the Spark UI shows for a new job, with "onwards": the job runs
   *     this step and the ones after it
   */
  private <T> T standingStep(String description, PartitionTask<T> task, Function2<T, T, T> merge) {
    throwIfDestroyFailed();
    if (standingJob == null || !standingJob.post(task)) {
      // The standing job's tasks have left, so it ends at once and reports a late failure; a
      // job per step before it has long since ended.
      awaitJobs();
      sc.setJobDescription(description + " onwards");
      standingJob = StandingJob.start(sc, data.rddFor(Role.TRAIN), task);
    }
    try {
      return addInPartitionOrder(trainPartitions, standingJob::result, merge);
    } catch (Throwable e) {
      StandingJob failed = standingJob;
      standingJob = null;
      failed.abandon();
      throw SparkJob.rethrow(e);
    }
  }

  /** Lets the standing job's tasks go, and waits for its end: before any other job, and at the close. */
  private void endStandingJob() {
    StandingJob last = standingJob;
    standingJob = null;
    if (last != null) {
      last.end();
    }
  }

  @Override
  public Evaluation evaluate(double[] params, Role role) {
    // The validation loss steers early stopping, so it is added in the chosen order as well.
    return reduce(role, "sparkprop evaluate " + role.name().toLowerCase(), BroadcastParameters.of(params),
        p -> new EvaluationTask(architecture, classes, p, role),
        MergeEvaluations.INSTANCE).inTargetUnits(data.targetScaler());
  }

  /** Hands a broadcast whose job has ended to {@link #destroyer}. */
  private void destroyLater(Broadcast<?> broadcast) {
    lastDestroy = destroyer.submit(() -> {
      try {
        broadcast.destroy();
      } catch (RuntimeException e) {
        destroyFailure.compareAndSet(null, e);
      }
    });
  }

  private void throwIfDestroyFailed() {
    RuntimeException e = destroyFailure.get();
    if (e != null) {
      throw new IllegalStateException("could not destroy a parameter broadcast: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the task once on every partition of {@code role}'s shards, with {@code params}, and adds
   * the results up as {@link #reduction} says: {@code treeReduce} in arrival order, or in
   * partition order whatever order they arrive in, on the driver.
   *
   * <p>With the {@link LocalHandoff}, the tasks take the task itself, parameters included, from
   * the driver's memory, and in partition order they leave their results there too
   * ({@link #handedOver}). Otherwise the parameters are a Spark broadcast, destroyed when the job
   * is over.
   *
   * @param description what the Spark UI shows for the job
   */
  private <T> T reduce(Role role, String description, BroadcastParameters params,
      Function<Parameters, PartitionTask<T>> taskWith, Function2<T, T, T> merge) {
    throwIfDestroyFailed();
    endStandingJob();
    sc.setJobDescription(description);
    JavaRDD<ShardSet> shards = data.rddFor(role);
    int partitions = shards.getNumPartitions();
    if (handoff) {
      long job = LocalHandoff.open(partitions, taskWith.apply(new InMemory(params)));
      try {
        if (reduction == Reduction.ARRIVAL) {
          return shards.mapPartitions(it -> List.of(SparkEngine.<T>handedOverTask(job).run(it, firstAttempt()))
                  .iterator())
              .treeReduce(merge, depth);
        }
        return handedOver(shards, partitions, job, merge);
      } finally {
        LocalHandoff.close(job);
      }
    }
    Broadcast<BroadcastParameters> broadcast = sc.broadcast(params);
    try {
      PartitionTask<T> task = taskWith.apply(new Broadcasted(broadcast));
      if (reduction == Reduction.ARRIVAL) {
        return shards.mapPartitions(it -> List.of(task.run(it, firstAttempt())).iterator()).treeReduce(merge, depth);
      }
      InPartitionOrder<T> total = new InPartitionOrder<>(partitions, merge);
      SparkJob.submit(sc, shards, new OnPartition<>(task), total).awaitEnd();
      return total.result();
    } finally {
      destroyLater(broadcast);
    }
  }

  /** In a task of a job per step: whether this is the task's first attempt. */
  private static boolean firstAttempt() {
    return TaskContext.get().attemptNumber() == 0;
  }

  /** In a task: the task that the driver left with {@code job} ({@link LocalHandoff}). */
  @SuppressWarnings("unchecked")
  private static <T> PartitionTask<T> handedOverTask(long job) {
    return (PartitionTask<T>) LocalHandoff.work(job);
  }

  /**
   * The last job whose results were all handed over, which Spark may still be ending; null when
   * there is none.
   */
  private SparkJob ending;

  /**
   * {@link #reduce} with the {@link LocalHandoff}, in partition order. The driver adds each
   * partition's result up as soon as its task leaves it, and returns with the last one, while
   * Spark still reports the tasks finished and ends the job. The optimizer's update and the next
   * iteration's submission overlap with that. Before, each step waited for the job's end:
   * {@code benchmarks/run timeline} put 2.4 ms a step between a task's start of work and its
   * finish on the driver beyond what the task itself measured, and 1 ms more from there to the
   * driver's return.
   *
   * <p>The sums are the same, added in the same order. One finished job at most is left ending:
   * each step waits for the one before it, over long since, and {@link #close} for the last. A
   * failure of a job whose results all arrived is still reported, by the next step or by
   * {@code close}.
   */
  private <T> T handedOver(JavaRDD<ShardSet> shards, int partitions, long job, Function2<T, T, T> merge) {
    SparkJob running = SparkJob.submit(sc, shards, new RunHandedOver(job), SparkJob.IgnoreResults.INSTANCE);
    try {
      awaitJobs(); // the one before, ended long since
      T total = addInPartitionOrder(partitions, p -> running.await(LocalHandoff.result(job, p)), merge);
      ending = running;
      return total;
    } catch (Throwable e) {
      running.cancelAndAwait();
      throw SparkJob.rethrow(e);
    }
  }

  /**
   * Adds the results of partitions 0 to {@code partitions} − 1 in that order, each taken, and
   * waited for, from {@code resultOf}: the order that keeps a run's bits whatever order the
   * tasks finish in.
   */
  @SuppressWarnings("unchecked")
  private static <T> T addInPartitionOrder(int partitions, IntFunction<Object> resultOf, Function2<T, T, T> merge)
      throws Exception {
    T total = null;
    for (int p = 0; p < partitions; p++) {
      T result = (T) resultOf.apply(p);
      total = total == null ? result : merge.call(total, result);
    }
    return total;
  }

  /** Where a task finds the parameters of its job. */
  private interface Parameters extends Serializable {
    BroadcastParameters value();
  }

  /** A Spark broadcast, which executors in other processes fetch. */
  private record Broadcasted(Broadcast<BroadcastParameters> broadcast) implements Parameters {
    @Override
    public BroadcastParameters value() {
      return broadcast.value();
    }
  }

  /**
   * The driver's own parameters, in a task that the driver hands over whole ({@link LocalHandoff}):
   * it never leaves the JVM.
   */
  private record InMemory(BroadcastParameters value) implements Parameters {}

  /**
   * Adds the partitions' results in partition order as they arrive: each is folded in as soon as
   * every earlier one has been. The driver holds only the results that arrived ahead of their
   * turn, and most of the adding happens while slower tasks still run. Spark calls this on its
   * scheduler thread, once per partition, however many attempts a task took.
   */
  private static final class InPartitionOrder<T> extends AbstractFunction2<Object, Object, BoxedUnit> {
    private final Object[] waiting;
    private final Function2<T, T, T> merge;
    private int next;
    private T total;

    InPartitionOrder(int partitions, Function2<T, T, T> merge) {
      this.waiting = new Object[partitions];
      this.merge = merge;
    }

    @Override
    @SuppressWarnings("unchecked")
    public BoxedUnit apply(Object partition, Object received) {
      int p = (Integer) partition;
      waiting[p] = received;
      while (next < waiting.length && waiting[next] != null) {
        T r = (T) waiting[next];
        waiting[next++] = null;
        try {
          total = total == null ? r : merge.call(total, r);
        } catch (Exception e) {
          throw new IllegalStateException("merging partition results", e);
        }
      }
      return BoxedUnit.UNIT;
    }

    T result() {
      if (next != waiting.length) {
        throw new IllegalStateException("only " + next + " of " + waiting.length + " partition results arrived");
      }
      return total;
    }
  }

  /**
   * Waits until Spark has ended this engine's last job, and throws its failure if it failed. In
   * local mode a step returns as soon as it has its results, while Spark may still be ending its
   * job ({@link #handedOver}); the next step and {@link #close} wait for that end. A benchmark
   * that times a step against other Spark jobs calls this, so that the step's job does not hold
   * up the next job it times.
   */
  public void awaitJobs() {
    endStandingJob();
    SparkJob last = ending;
    ending = null;
    if (last != null) {
      last.awaitEnd();
    }
  }

  /**
   * Waits until the last job has ended and every broadcast is destroyed, so that nothing
   * outlives the engine.
   */
  @Override
  public void close() {
    sc.setJobDescription(null);
    awaitJobs();
    try {
      lastDestroy.get(); // the destroyer runs in order: the last one done means all done
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("destroying a parameter broadcast", e.getCause());
    }
    throwIfDestroyFailed();
  }

  /** What one task computes from the shards of its partition. */
  private interface PartitionTask<T> extends Serializable, StandingJob.Work<ShardSet> {
    /** @param firstTry false when an earlier attempt of this task failed (for {@link FaultInjection}) */
    @Override
    T run(Iterator<ShardSet> shards, boolean firstTry);
  }

  /**
   * A {@link PartitionTask} in the form {@code SparkContext.submitJob} takes. It is a named class,
   * not a lambda, on purpose. Before every job Spark's closure cleaner parses, with ASM, the
   * class file behind each Scala closure it is handed. The public API hands it several: the
   * lambdas inside {@code JavaRDD.mapPartitions} and {@code RDD.collect}, over classes as large as
   * {@code RDD} itself. An empty job submitted through the JavaRDD API costs about twice one
   * submitted this way (9.5 against 4.2 ms, benchmarks/run step). A named function is not a
   * closure, so the cleaner leaves it alone.
   */
  private static final class OnPartition<T>
      extends AbstractFunction1<scala.collection.Iterator<ShardSet>, Object> implements Serializable {
    private static final long serialVersionUID = 3L;
    private final PartitionTask<T> task;

    OnPartition(PartitionTask<T> task) {
      this.task = task;
    }

    @Override
    public Object apply(scala.collection.Iterator<ShardSet> shards) {
      return task.run(CollectionConverters.asJava(shards), firstAttempt());
    }
  }

  /**
   * The function of a job with the {@link LocalHandoff}: it carries only the job's id. The task
   * takes its work from the driver's memory, and leaves its result there. Named, not a lambda,
   * for the reason given at {@link OnPartition}.
   */
  private static final class RunHandedOver
      extends AbstractFunction1<scala.collection.Iterator<ShardSet>, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long job;

    RunHandedOver(long job) {
      this.job = job;
    }

    /** The marker for the result left with the driver, or the result of a straggler whose job is over. */
    @Override
    public Object apply(scala.collection.Iterator<ShardSet> shards) {
      Object result = handedOverTask(job).run(CollectionConverters.asJava(shards), firstAttempt());
      return LocalHandoff.offer(job, TaskContext.get().partitionId(), result);
    }
  }

  private static final class GradientTask implements PartitionTask<GradientSum> {
    private static final long serialVersionUID = 1L;
    private final Architecture architecture;
    private final Parameters params;
    private final Shard.Batching batching;
    private final int epoch;
    private final int batch;
    private final Dropout dropout; // null for none; a record of three numbers, cheap to ship
    private final boolean float32;

    GradientTask(Architecture architecture, Parameters params, Shard.Batching batching, int epoch,
        int batch, Dropout dropout, boolean float32) {
      this.dropout = dropout;
      this.float32 = float32;
      this.architecture = architecture;
      this.params = params;
      this.batching = batching;
      this.epoch = epoch;
      this.batch = batch;
    }

    @Override
    public GradientSum run(Iterator<ShardSet> shards, boolean firstTry) {
      GradientSum sum = GradientSum.empty();
      BroadcastParameters value = params.value();
      while (shards.hasNext()) {
        Shard shard = shards.next().get(Role.TRAIN);
        sum.merge(value.floats() != null
            ? shard.gradient(new Network32(architecture), value.floats(), batching, epoch, batch)
            : shard.gradient(new Network(architecture), value.doubles(), batching, epoch, batch, dropout));
      }
      FaultInjection.maybeFail(epoch, batch, firstTry);
      return float32 ? sum.sendAsFloat32() : sum;
    }
  }

  private static final class EvaluationTask implements PartitionTask<Evaluation> {
    private static final long serialVersionUID = 1L;
    private final Architecture architecture;
    private final int classes;
    private final Parameters params;
    private final Role role;

    EvaluationTask(Architecture architecture, int classes, Parameters params, Role role) {
      this.architecture = architecture;
      this.classes = classes;
      this.params = params;
      this.role = role;
    }

    @Override
    public Evaluation run(Iterator<ShardSet> shards, boolean firstTry) {
      Evaluation e = new Evaluation(architecture.loss(), classes);
      double[] theta = params.value().doubles();
      while (shards.hasNext()) {
        shards.next().get(role).evaluate(new Network(architecture), theta, e);
      }
      return e;
    }
  }

  private enum MergeGradients implements Function2<GradientSum, GradientSum, GradientSum> {
    INSTANCE;

    @Override
    public GradientSum call(GradientSum a, GradientSum b) {
      return a.merge(b);
    }
  }

  private enum MergeEvaluations implements Function2<Evaluation, Evaluation, Evaluation> {
    INSTANCE;

    @Override
    public Evaluation call(Evaluation a, Evaluation b) {
      return a.merge(b);
    }
  }
}
