package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * A job the driver does not wait on as a whole: it takes a result a task hands over as soon as it
 * is there, and learns of a failure as {@code runJob} would have told it.
 */
class SparkJobTest {

  private static final JavaSparkContext SC = SparkTests.context();

  /** What the running job's tasks hand over, and what holds them back afterwards; one job at a time. */
  private static volatile CompletableFuture<Object> handedOver;
  private static volatile CountDownLatch release;

  @Test
  @DisplayName("a result handed over reaches the driver while its task, and so its job, is still running")
  void resultBeforeJobEnd() throws InterruptedException {
    handedOver = new CompletableFuture<>();
    release = new CountDownLatch(1);
    SparkJob job = SparkJob.submit(SC, one(), new HandOverThenWait(), Ignore.INSTANCE);
    try {
      assertEquals("partition 0", job.await(handedOver));
      assertFalse(job.ended(), "the job ended before its task was let go");
    } finally {
      release.countDown();
    }
    job.awaitEnd();
    assertTrue(job.ended());
  }

  @Test
  @DisplayName("a task failing for good: the driver waiting for its result gets Spark's own exception")
  void failureReachesTheWaitingDriver() {
    SparkJob job = SparkJob.submit(SC, one(), new Fail(), Ignore.INSTANCE);
    SparkException e = assertThrows(SparkException.class, () -> job.await(new CompletableFuture<>()));
    assertTrue(e.getMessage().contains("no such luck"), e.getMessage());
    assertThrows(SparkException.class, job::awaitEnd, "the job's end is the same failure");
  }

  @Test
  @DisplayName("a job that ends without handing over the awaited result: an error, not a wait for ever")
  void endWithoutResult() {
    SparkJob job = SparkJob.submit(SC, one(), new Nothing(), Ignore.INSTANCE);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> job.await(new CompletableFuture<>()));
    assertTrue(e.getMessage().contains("ended without a result"), e.getMessage());
  }

  @Test
  @DisplayName("Spark calls the result handler with each partition's result before the job's end")
  void resultsBeforeEnd() {
    List<Object> seen = new CopyOnWriteArrayList<>();
    SparkJob job = SparkJob.submit(SC, SC.parallelize(List.of(1, 2, 3), 3), new Nothing(), new AbstractFunction2<>() {
      @Override
      public BoxedUnit apply(Object partition, Object result) {
        seen.add(partition);
        return BoxedUnit.UNIT;
      }
    });
    job.awaitEnd();
    assertEquals(3, seen.size(), seen::toString);
  }

  private static JavaRDD<Integer> one() {
    return SC.parallelize(List.of(1), 1);
  }

  private static final class HandOverThenWait extends AbstractFunction1<Iterator<Integer>, Object>
      implements Serializable {
    @Override
    public Object apply(Iterator<Integer> rows) {
      handedOver.complete("partition " + TaskContext.get().partitionId());
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }
  }

  private static final class Fail extends AbstractFunction1<Iterator<Integer>, Object> implements Serializable {
    @Override
    public Object apply(Iterator<Integer> rows) {
      throw new IllegalStateException("no such luck");
    }
  }

  private static final class Nothing extends AbstractFunction1<Iterator<Integer>, Object> implements Serializable {
    @Override
    public Object apply(Iterator<Integer> rows) {
      return 0;
    }
  }

  private enum Ignore implements scala.Function2<Object, Object, BoxedUnit> {
    INSTANCE;

    @Override
    public BoxedUnit apply(Object partition, Object result) {
      return BoxedUnit.UNIT;
    }
  }
}
