package dev.sparkprop.bench;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.train.Shard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Where one step's time goes, by Spark's own clock. A listener records when each job started and
 * ended, and for each task when it was launched and finished and how long it spent
 * deserializing, running and serializing its result. Spark stamps these in whole milliseconds,
 * so every figure is a mean over many steps.
 */
final class StepTimeline extends SparkListener {

  private static final int STEPS = 300;
  private static final int WARMUP = 200;

  private record Task(long launch, long finish, long deserialize, long run, long serialize) {}

  private final Map<Integer, Long> jobStart = new HashMap<>();
  private final Map<Integer, Long> jobEnd = new HashMap<>();
  private final Map<Integer, Integer> jobOfStage = new HashMap<>();
  private final Map<Integer, List<Task>> tasksOfJob = new HashMap<>();

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    jobStart.put(start.jobId(), start.time());
    scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds()).forEach(s -> jobOfStage.put((Integer) s, start.jobId()));
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd end) {
    jobEnd.put(end.jobId(), end.time());
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    TaskInfo info = end.taskInfo();
    TaskMetrics m = end.taskMetrics();
    tasksOfJob.computeIfAbsent(jobOfStage.get(end.stageId()), j -> new ArrayList<>()).add(new Task(info.launchTime(),
        info.finishTime(), m.executorDeserializeTime(), m.executorRunTime(), m.resultSerializationTime()));
  }

  static void run(Path results) throws InterruptedException, TimeoutException {
    Report report = new Report("Where one step's time goes: local[2], 2 partitions, batch 256, the launcher's settings, "
        + "a job per step, mean of " + STEPS + " steps", "phase", "ms");
    StepTimeline timeline = new StepTimeline();
    String master = "local[" + StepSuite.PARTITIONS + "]";
    // A job per step: the timeline takes one job apart.
    try (JavaSparkContext sc = BenchData.spark(master, StepSuite.concat(BenchData.launcherSettings(master),
        StepSuite.PER_STEP))) {
      sc.sc().addSparkListener(timeline);
      MllibJobs jobs = MllibJobs.attach(sc);
      PreparedData data = BenchData.fashion(sc, StepSuite.PARTITIONS);
      double[] params = Initializer.initialize(StepSuite.NETWORK, 1);
      Shard.Batching batching = new Shard.Batching(1, data.count(Role.TRAIN), 256);
      try (SparkEngine engine = new SparkEngine(sc, data, StepSuite.NETWORK, 10)) {
        for (int i = 0; i < WARMUP; i++) {
          engine.gradient(params, batching, 0, i % batching.batches());
        }
        int first = awaitQuiet(sc, jobs, "before") + 1;
        long base = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
        double[] called = new double[STEPS];
        double[] returned = new double[STEPS];
        for (int i = 0; i < STEPS; i++) {
          called[i] = base + System.nanoTime() / 1e6;
          engine.gradient(params, batching, 0, i % batching.batches());
          returned[i] = base + System.nanoTime() / 1e6;
        }
        int after = awaitQuiet(sc, jobs, "after");
        if (after - first != STEPS) {
          throw new IllegalStateException((after - first) + " jobs ran for " + STEPS + " steps");
        }
        timeline.report(report, first, called, returned);
      }
      data.release();
    }
    report.note("In flight = the time between a task's launch and its finish that its own metrics do not cover: the "
        + "hand-over to an executor thread, framing the result, sending it and deserializing it on the driver. "
        + "Task phases are per task (the two run side by side); the others are per step.");
    report.publish(results, "step-timeline");
  }

  /**
   * Waits until every listener has heard of every job so far (MllibJobs' barrier: the bus
   * delivers in order, to this listener too) and returns the barrier job's id.
   */
  private static int awaitQuiet(JavaSparkContext sc, MllibJobs jobs, String name)
      throws InterruptedException, TimeoutException {
    String group = "sparkprop timeline barrier " + name;
    jobs.await(sc, group);
    return jobs.group(group).get(0).id();
  }

  private synchronized void report(Report report, int firstJob, double[] called, double[] returned) {
    String[] phases = {
        "driver: broadcast and job submission (call to job start)",
        "scheduler: job start to first task launch",
        "task: deserialize",
        "task: run (compute, broadcast read, gradient allocation)",
        "task: serialize the result",
        "task: in flight",
        "scheduler: last task finished to job end",
        "driver: job end to return (negative when the driver went on with the results before Spark ended the job)",
        "step, wall"};
    double[] sum = new double[phases.length];
    int steps = 0;
    for (int i = 0; i < called.length; i++) {
      int job = firstJob + i;
      List<Task> tasks = tasksOfJob.getOrDefault(job, List.of());
      if (!jobStart.containsKey(job) || !jobEnd.containsKey(job) || tasks.isEmpty()) {
        throw new IllegalStateException("the listener missed job " + job);
      }
      long firstLaunch = tasks.stream().mapToLong(Task::launch).min().orElseThrow();
      long lastFinish = tasks.stream().mapToLong(Task::finish).max().orElseThrow();
      sum[0] += jobStart.get(job) - called[i];
      sum[1] += firstLaunch - jobStart.get(job);
      sum[2] += tasks.stream().mapToLong(Task::deserialize).average().orElseThrow();
      sum[3] += tasks.stream().mapToLong(Task::run).average().orElseThrow();
      sum[4] += tasks.stream().mapToLong(Task::serialize).average().orElseThrow();
      sum[5] += tasks.stream().mapToLong(t -> t.finish() - t.launch() - t.deserialize() - t.run() - t.serialize())
          .average().orElseThrow();
      sum[6] += jobEnd.get(job) - lastFinish;
      sum[7] += returned[i] - jobEnd.get(job);
      sum[8] += returned[i] - called[i];
      steps++;
    }
    for (int k = 0; k < phases.length; k++) {
      report.row(phases[k], sum[k] / steps);
    }
  }
}
