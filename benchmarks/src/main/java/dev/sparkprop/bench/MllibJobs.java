package dev.sparkprop.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark jobs of one job group, with their durations by the scheduler's own clock: how the
 * MLlib side counts and times its passes over the data, since every cost-function evaluation of
 * MLlib's L-BFGS is one {@code treeAggregate} job over the training set.
 *
 * <p>Listener events arrive asynchronously. {@link #await} runs a tiny marker job in a group of
 * its own and waits for its end event: the bus delivers in order, so by then every earlier job's
 * events have arrived too.
 */
final class MllibJobs extends SparkListener {

  /** One finished job: the name of its result stage (its call site) and its duration. */
  record Job(int id, String group, String name, double seconds) {}

  /** The local property in which setJobGroup stores the group (SparkContext.SPARK_JOB_GROUP_ID, not public). */
  private static final String JOB_GROUP = "spark.jobGroup.id";

  private record Started(String group, String name, long millis) {}

  private final Map<Integer, Started> started = new HashMap<>();
  private final List<Job> finished = new ArrayList<>();

  static MllibJobs attach(JavaSparkContext sc) {
    MllibJobs jobs = new MllibJobs();
    sc.sc().addSparkListener(jobs);
    return jobs;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    String name = "?";
    int last = -1;
    for (StageInfo stage : CollectionConverters.asJava(start.stageInfos())) {
      if (stage.stageId() > last) {
        last = stage.stageId();
        name = stage.name();
      }
    }
    Properties p = start.properties();
    String group = p == null ? null : p.getProperty(JOB_GROUP);
    started.put(start.jobId(), new Started(group, name, start.time()));
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd end) {
    Started s = started.remove(end.jobId());
    if (s != null) {
      finished.add(new Job(end.jobId(), s.group(), s.name(), (end.time() - s.millis()) / 1e3));
      notifyAll();
    }
  }

  /** Waits until every job started so far in {@code sc} has been reported here. */
  void await(JavaSparkContext sc, String marker) throws InterruptedException, TimeoutException {
    sc.setJobGroup(marker, "listener barrier", false);
    sc.parallelize(List.of(1), 1).count();
    sc.clearJobGroup();
    long deadline = System.nanoTime() + 60_000_000_000L;
    synchronized (this) {
      while (finished.stream().noneMatch(j -> marker.equals(j.group()))) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new TimeoutException("Spark's listener bus did not deliver the end of job group " + marker);
        }
        wait(left);
      }
    }
  }

  /** The finished jobs of a group, in order of id. */
  synchronized List<Job> group(String group) {
    return finished.stream().filter(j -> group.equals(j.group()))
        .sorted((a, b) -> Integer.compare(a.id(), b.id())).toList();
  }
}
