package dev.sparkprop.spark;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Function1;
import scala.Function2;
import scala.collection.Iterator;
import scala.collection.immutable.Range;
import scala.concurrent.ExecutionContext;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * A job on every partition of an RDD, submitted without waiting for it, whose end the driver can
 * wait for, or race against a result that one of its tasks hands over ({@link LocalHandoff}).
 * Spark's {@code runJob} waits for the job's end and nothing else.
 */
final class SparkJob {

  /** Runs Spark's completion callback on the thread that ends the job: it only completes a future. */
  private static final ExecutionContext DIRECT = ExecutionContext.fromExecutor((Executor) Runnable::run);

  private final SimpleFutureAction<BoxedUnit> action;
  /** Completes when Spark has ended the job, exceptionally with Spark's own exception if it failed. */
  private final CompletableFuture<Void> end = new CompletableFuture<>();

  private SparkJob(SimpleFutureAction<BoxedUnit> action) {
    this.action = action;
    action.onComplete(new AbstractFunction1<Try<BoxedUnit>, BoxedUnit>() {
      @Override
      public BoxedUnit apply(Try<BoxedUnit> outcome) {
        if (outcome.isSuccess()) {
          end.complete(null);
        } else {
          end.completeExceptionally(outcome.failed().get());
        }
        return BoxedUnit.UNIT;
      }
    }, DIRECT);
  }

  /**
   * Submits {@code onPartition} on every partition of {@code rdd}; Spark calls {@code results}
   * with each partition's index and result, on its scheduler thread. {@code onPartition} should
   * be a named class: Spark's closure cleaner parses the class file of every closure it is handed
   * before every job, and leaves other functions alone.
   */
  static <T> SparkJob submit(JavaSparkContext sc, JavaRDD<T> rdd, Function1<Iterator<T>, Object> onPartition,
      Function2<Object, Object, BoxedUnit> results) {
    int partitions = rdd.getNumPartitions();
    return new SparkJob(sc.sc().submitJob(rdd.rdd(), onPartition, new Range.Exclusive(0, partitions, 1), results,
        NoResult.INSTANCE));
  }

  /** Waits for the job to end, and throws its failure as {@code runJob} would. */
  void awaitEnd() {
    waitFor(end);
  }

  /**
   * Waits for {@code result}, which a task of this job completes, and returns it; throws the
   * job's failure if the job fails, or ends, before.
   */
  Object await(CompletableFuture<Object> result) {
    if (!result.isDone()) {
      waitFor(CompletableFuture.anyOf(result, end));
    }
    if (!result.isDone()) {
      throw new IllegalStateException("Spark job " + action.jobIds().head() + " ended without a result it was to"
          + " hand over");
    }
    return result.join();
  }

  /**
   * Waits for {@code done}, and throws Spark's failure unwrapped if it failed; cancels the job
   * if the wait is interrupted.
   */
  private void waitFor(CompletableFuture<?> done) {
    try {
      done.get();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      action.cancel();
      Thread.currentThread().interrupt();
      throw rethrow(e);
    }
  }

  /** Whether Spark has ended the job, successfully or not. */
  boolean ended() {
    return end.isDone();
  }

  /** Cancels the job if it is still running, and waits for it to end however it does. */
  void cancelAndAwait() {
    if (!ended()) {
      action.cancel();
      end.handle((ended, failure) -> null).join();
    }
  }

  /**
   * Throws {@code e} unchanged, checked or not. Spark's job failures are checked
   * {@code SparkException}s that Scala throws undeclared; this keeps them what {@code runJob}
   * throws, rather than wrapping them.
   */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException rethrow(Throwable e) throws E {
    throw (E) e;
  }

  /**
   * The result handler of a job whose tasks hand their results over ({@link LocalHandoff},
   * {@link StandingJob}): what Spark brings is only a marker, for a result the driver has taken
   * already.
   */
  enum IgnoreResults implements Function2<Object, Object, BoxedUnit> {
    INSTANCE;

    @Override
    public BoxedUnit apply(Object partition, Object received) {
      return BoxedUnit.UNIT;
    }
  }

  /** What {@code submitJob} makes of the job's end: nothing, since the results went to the handler. */
  private static final class NoResult extends AbstractFunction0<BoxedUnit> {
    static final NoResult INSTANCE = new NoResult();

    @Override
    public BoxedUnit apply() {
      return BoxedUnit.UNIT;
    }
  }
}
