package dev.sparkprop.bench;

import dev.sparkprop.nn.Network;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.spark.LocalHandoff;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.spark.StandingJob;
import dev.sparkprop.train.Engine;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.LocalEngine;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Spark local[2] against the same kernels in-process, each trained in a JVM of its own, epoch by
 * epoch from the start.
 *
 * <p>A Spark step runs thousands of methods once per job. The JIT compiles a method fully only
 * after thousands of calls, so the step keeps getting cheaper for thousands of iterations, and
 * its compiler threads take CPU from the tasks meanwhile. A measurement taken in a JVM that ran
 * other Spark work first is therefore faster than what a fresh run sees, by as much as the
 * history before it. Here nothing runs before: each engine starts in a new JVM with the
 * flags of this one, and the table shows the epoch time against the iterations run so far.
 */
final class WarmupCurve {

  /**
   * Iterations each engine runs at least, unless {@code sparkprop.bench.warmup.iterations} (or
   * {@code SPARKPROP_BENCH_WARMUP_ITERATIONS}) says otherwise: enough to see the curve bend.
   * Spark's step is still getting cheaper here; about 8,000 show where it settles.
   */
  static final int ITERATIONS = 2_400;

  /** Iterations per row of the table, at least: whole epochs, the median taken over them. */
  static final int WINDOW = 300;

  private static final String SPARK = "spark";
  private static final String IN_PROCESS = "in-process";

  private WarmupCurve() {}

  static void run(Path results) throws IOException, InterruptedException {
    Report report = new Report("Spark local[2] against the same kernels in-process on 2 threads, each in a fresh JVM, "
        + "by iterations since the start", "batch", "epochs", "iterations", "Spark local[2] s per epoch",
        "Spark local[2], a job per step s per epoch", "Spark local[2], through Spark s per epoch",
        "in-process s per epoch", "Spark ÷ in-process");
    int iterations = Integer.parseInt(BenchData.setting("sparkprop.bench.warmup.iterations",
        Integer.toString(ITERATIONS)).trim());
    for (int batch : new int[] {256, 1024}) {
      int perEpoch = (60_000 + batch - 1) / batch;
      int window = ceilDiv(WINDOW, perEpoch);
      int epochs = window * ceilDiv(iterations, window * perEpoch);
      double[] spark = fork(SPARK, batch, epochs);
      double[] perStep = fork(SPARK, batch, epochs, StandingJob.KEY + "=false");
      double[] sent = fork(SPARK, batch, epochs, LocalHandoff.KEY + "=false");
      double[] local = fork(IN_PROCESS, batch, epochs);
      for (int from = 0; from < epochs; from += window) {
        int to = from + window;
        double s = BenchData.median(Arrays.copyOfRange(spark, from, to));
        double j = BenchData.median(Arrays.copyOfRange(perStep, from, to));
        double t = BenchData.median(Arrays.copyOfRange(sent, from, to));
        double l = BenchData.median(Arrays.copyOfRange(local, from, to));
        report.row(batch, (from + 1) + "–" + to, (from * perEpoch + 1) + "–" + to * perEpoch, s, j, t, l, s / l);
      }
      int from = epochs - epochs / 3;
      double s = BenchData.median(Arrays.copyOfRange(spark, from, epochs));
      double j = BenchData.median(Arrays.copyOfRange(perStep, from, epochs));
      double t = BenchData.median(Arrays.copyOfRange(sent, from, epochs));
      double l = BenchData.median(Arrays.copyOfRange(local, from, epochs));
      report.row(batch, (from + 1) + "–" + epochs + " (the last third)", (from * perEpoch + 1) + "–" + epochs * perEpoch,
          s, j, t, l, s / l);
    }
    report.note("Each engine trains from scratch (Adam 0.001) in a JVM started for it with this JVM's flags; each row "
        + "is the median epoch of its range. Nothing else ran in that JVM first, so the early rows are what a short "
        + "training run sees, and the late ones what a long run settles to; the last row of each batch size is the "
        + "median over the last third of the run. Spark's steps run in standing jobs, many steps to a job. \"A job "
        + "per step\": the same with " + StandingJob.KEY + "=false. \"Through Spark\": a job per step, with "
        + LocalHandoff.KEY + "=false, so the parameters are a Spark broadcast and each partition's sum takes Spark's "
        + "result path, instead of both being handed over in memory.");
    report.publish(results, "scaling-warmup");
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Each epoch's seconds, from a new JVM that trains {@code engine} and nothing else, with Spark
   * {@code settings} ("key=value") on top of the launcher's.
   */
  private static double[] fork(String engine, int batch, int epochs, String... settings)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WarmupCurve.class.getName(), engine,
        Integer.toString(batch), Integer.toString(epochs)));
    command.addAll(List.of(settings));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Double> seconds = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("epoch ")) {
          seconds.add(Double.parseDouble(line.substring("epoch ".length())));
        }
      }
    }
    int status = child.waitFor();
    if (status != 0 || seconds.size() != epochs) {
      throw new IllegalStateException("the " + engine + " run at batch " + batch + " exited with status " + status
          + " after " + seconds.size() + " of " + epochs + " epochs");
    }
    return seconds.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The forked JVM: trains one engine and prints "epoch SECONDS" for each epoch. Arguments: the
   * engine, the batch size, the epochs, then any Spark settings as key=value.
   */
  public static void main(String[] args) throws Exception {
    String engine = args[0];
    int batch = Integer.parseInt(args[1]);
    int epochs = Integer.parseInt(args[2]);
    TrainConfig config = new TrainConfig(Adam.defaults(), batch, epochs, 1, 0.0);
    if (engine.equals(SPARK)) {
      List<String> settings = new ArrayList<>(List.of(BenchData.launcherSettings("local[2]")));
      for (String kv : Arrays.copyOfRange(args, 3, args.length)) {
        String[] pair = kv.split("=", 2);
        if (pair.length != 2) {
          throw new IllegalArgumentException("a Spark setting is key=value, not " + kv);
        }
        settings.addAll(List.of(pair));
      }
      try (JavaSparkContext sc = BenchData.spark("local[2]", settings.toArray(String[]::new))) {
        PreparedData data = BenchData.fashion(sc, 2);
        print(train(new SparkEngine(sc, data, StepSuite.NETWORK, 10), config));
      }
    } else if (engine.equals(IN_PROCESS)) {
      try (LocalEngine e = BenchData.inProcess(BenchData.readFashion("train"))) {
        print(train(e, config));
      }
    } else {
      throw new IllegalArgumentException("engine: " + SPARK + " or " + IN_PROCESS);
    }
  }

  private static List<EpochStats> train(Engine engine, TrainConfig config) {
    return new Trainer(new Network(StepSuite.NETWORK), config).train(engine, TrainingListener.SILENT).history();
  }

  private static void print(List<EpochStats> history) {
    history.forEach(e -> System.out.println("epoch " + e.seconds()));
    System.out.flush();
  }
}
