package dev.sparkprop.bench;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.math.Blas;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.spark.StepSettings;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import dev.sparkprop.nn.Network;
import dev.sparkprop.train.Evaluation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * End to end against the peer users would otherwise reach for: Spark MLlib's
 * {@code MultilayerPerceptronClassifier} and sparkprop train the same 784-256-128-10 network on
 * Fashion-MNIST (60,000 training images, the official 10,000 for testing) in one JVM, one
 * {@code local[2]} Spark context, so both run on the same two cores and the same BLAS.
 *
 * <p>MLlib is used as its users use it: the IDX files are read on the driver, pixels divided by
 * 255, and the rows handed to {@code createDataFrame} (the DataFrame comes from driver memory);
 * the DataFrame is cached before timing. Its default solver, full-batch L-BFGS, is fitted afresh
 * for each {@code maxIter} (default 20, 50, 100), and each fit's wall time and test accuracy give
 * one point of its accuracy-versus-time curve.
 *
 * <p>sparkprop reads the same files through {@link PreparedData} (standardized with training
 * statistics, 2 partitions) and trains with Adam; the loop below is {@code Trainer.train}'s with
 * a test evaluation after every epoch, timed apart from training.
 *
 * <p>Settings, as system properties or environment variables ({@code SPARKPROP_BENCH_MLLIB_…}):
 * {@code sparkprop.bench.mllib.iterations} (MLlib's maxIter values, default "20,50,100") and
 * {@code sparkprop.bench.mllib.epochs} (sparkprop's epochs, default 10).
 */
final class MllibSuite {

  static final String MASTER = "local[2]";
  static final int PARTITIONS = 2;
  static final int[] LAYERS = {784, 256, 128, 10};
  static final int CLASSES = 10;
  static final long SEED = 1L;
  static final int MLLIB_BLOCK_SIZE = 128;
  static final double[] TARGETS = {0.85, 0.851, 0.88};

  /** One sparkprop configuration: Adam's learning rate and the global batch. */
  record Config(int batch, double learningRate) {
    String describe() {
      return String.format(Locale.ROOT, "Adam lr %s, batch %d", trim(learningRate), batch);
    }
  }

  static final List<Config> CONFIGS = List.of(new Config(128, 0.001), new Config(1024, 0.004));

  /** One MLlib fit. */
  record Fit(int maxIter, int iterations, int passes, double seconds, double medianPassSeconds,
      double stackSeconds, double cores, double accuracy) {}

  /** One sparkprop epoch: its training time, the cumulative training time, and test accuracy after it. */
  record Epoch(int epoch, double seconds, double cumulative, double trainLoss, double accuracy,
      double evaluationSeconds, double cores) {}

  private MllibSuite() {}

  static void run(Path results) throws Exception {
    int[] maxIters = Arrays.stream(BenchData.setting("sparkprop.bench.mllib.iterations", "20,50,100").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).sorted().toArray();
    int epochs = Integer.parseInt(BenchData.setting("sparkprop.bench.mllib.epochs", "10").trim());
    if (maxIters.length == 0 || maxIters[0] <= 0 || epochs <= 0) {
      throw new IllegalArgumentException("MLlib iterations and sparkprop epochs must be positive");
    }
    double loadBefore = loadAverage();

    SparkSession.Builder builder = SparkSession.builder().master(MASTER).appName("sparkprop-bench-mllib")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
    // The launcher's step settings, for both trainers: MLlib's gradient is 1.9 MB as well. Those for
    // a broadcast of parameters, since MLlib broadcasts its weights every iteration (sparkprop's
    // small broadcast blocks would cut them into 30 pieces).
    StepSettings.defaultsFor(MASTER, false).forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    if (!MASTER.equals(spark.sparkContext().master())) {
      throw new IllegalStateException("a Spark context with master " + spark.sparkContext().master()
          + " is already running in this JVM");
    }
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      MllibJobs jobs = MllibJobs.attach(sc);
      String blas = blasDescription();
      System.out.println("Spark " + sc.version() + ", master " + sc.master() + "; " + blas);

      // MLlib: its data from driver memory, cached before any timing.
      long t = System.nanoTime();
      Dataset<Row> train = frame(spark, sc, BenchData.readFashion("train")).cache();
      Dataset<Row> test = frame(spark, sc, BenchData.readFashion("t10k")).cache();
      long trainRows = train.count();
      long testRows = test.count();
      double mllibLoadSeconds = since(t);
      System.out.printf(Locale.ROOT, "mllib: %,d training and %,d test rows cached in %.1f s%n",
          trainRows, testRows, mllibLoadSeconds);
      List<Fit> fits = new ArrayList<>();
      for (int maxIter : maxIters) {
        fits.add(fitMllib(sc, jobs, train, test, maxIter));
      }
      train.unpersist(true);
      test.unpersist(true);

      // sparkprop: the same files, read inside the tasks.
      t = System.nanoTime();
      PreparedData data = PreparedData.prepare(sc, BenchData.fashionTrain(), BenchData.fashionTest(),
          new PreparedData.Options(PARTITIONS, SEED, 0.0, 0.0, Scaling.STANDARDIZE, null));
      double prepareSeconds = since(t);
      System.out.printf(Locale.ROOT, "sparkprop: %,d training and %,d test examples prepared in %.1f s%n",
          data.count(Role.TRAIN), data.count(Role.TEST), prepareSeconds);
      Architecture architecture = new Architecture(LAYERS, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
      Map<Config, List<Epoch>> curves = new LinkedHashMap<>();
      for (Config config : CONFIGS) {
        try (SparkEngine engine = new SparkEngine(sc, data, architecture, CLASSES)) {
          curves.put(config, trainSparkprop(engine, architecture, config, epochs));
        }
      }
      data.release();
      double loadAfter = loadAverage();

      report(results, blas, fits, curves, mllibLoadSeconds, prepareSeconds, loadBefore, loadAfter);
    } finally {
      spark.stop();
    }
  }

  // ---- MLlib ----

  /** label: double, features: an ml.linalg dense vector of the pixels / 255, in PARTITIONS partitions. */
  private static Dataset<Row> frame(SparkSession spark, JavaSparkContext sc, DenseDataset data) {
    int d = data.featureCount();
    float[] x = data.features();
    double[] y = data.labels();
    List<Row> rows = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      double[] v = new double[d];
      for (int j = 0; j < d; j++) {
        v[j] = x[i * d + j] / 255.0;
      }
      rows.add(RowFactory.create(y[i], Vectors.dense(v)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())});
    return spark.createDataFrame(sc.parallelize(rows, PARTITIONS), schema);
  }

  private static Fit fitMllib(JavaSparkContext sc, MllibJobs jobs, Dataset<Row> train, Dataset<Row> test, int maxIter)
      throws Exception {
    MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
        .setLayers(LAYERS)
        .setSolver("l-bfgs")
        .setBlockSize(MLLIB_BLOCK_SIZE)
        .setSeed(SEED)
        .setMaxIter(maxIter);
    String group = "mllib-fit-" + maxIter;
    sc.setJobGroup(group, "MLlib MultilayerPerceptronClassifier maxIter " + maxIter, false);
    long t = System.nanoTime();
    long cpu = processCpuNanos();
    MultilayerPerceptronClassificationModel model = mlp.fit(train);
    double seconds = since(t);
    double cores = (processCpuNanos() - cpu) / 1e9 / seconds;
    sc.clearJobGroup();
    int iterations = model.summary().totalIterations();
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(model.transform(test));
    jobs.await(sc, "mllib-barrier-" + maxIter);

    // MLlib's LBFGS first counts the stacked blocks (which caches them), then evaluates its cost
    // function, loss and gradient over every example, as one treeAggregate job per evaluation.
    List<MllibJobs.Job> fitJobs = jobs.group(group);
    double[] passes = fitJobs.stream().filter(j -> j.name().startsWith("treeAggregate at LBFGS"))
        .mapToDouble(MllibJobs.Job::seconds).toArray();
    double stack = fitJobs.stream().filter(j -> j.name().startsWith("count at LBFGS"))
        .mapToDouble(MllibJobs.Job::seconds).sum();
    Map<String, Integer> names = new TreeMap<>();
    fitJobs.forEach(j -> names.merge(j.name(), 1, Integer::sum));
    double median = BenchData.median(passes);
    System.out.printf(Locale.ROOT, "mllib maxIter %d: %d iterations, %d passes in %.1f s (stacking %.2f s, median pass"
        + " %.2f s, %.2f cores busy), test accuracy %.4f; jobs %s%n", maxIter, iterations, passes.length, seconds, stack,
        median, cores, accuracy, names);
    return new Fit(maxIter, iterations, passes.length, seconds, median, stack, cores, accuracy);
  }

  // ---- sparkprop ----

  /**
   * Trainer.train's loop (initialize, per batch: sums from the engine, divided once by the
   * count, one Adam step; no L2), evaluating the test set after each epoch outside the timing.
   */
  /** Trains with the project's own loop, evaluating the test set after each epoch outside the timed part. */
  private static List<Epoch> trainSparkprop(SparkEngine engine, Architecture architecture, Config config, int epochs) {
    List<Epoch> curve = new ArrayList<>();
    long[] cpuAtEpochStart = {processCpuNanos()};
    TrainingListener evaluateEachEpoch = new TrainingListener() {
      private double cumulative;

      @Override
      public void epochFinished(EpochStats stats, double[] params) {
        double cores = (processCpuNanos() - cpuAtEpochStart[0]) / 1e9 / stats.seconds();
        cumulative += stats.seconds();
        long t = System.nanoTime();
        Evaluation test = engine.evaluate(params, Role.TEST);
        Epoch e = new Epoch(stats.epoch(), stats.seconds(), cumulative, stats.trainLoss(), test.accuracy(), since(t), cores);
        curve.add(e);
        System.out.printf(Locale.ROOT,
            "sparkprop %s: epoch %d in %.2f s (total %.1f s, %.2f cores busy), train loss %.4f, test accuracy %.4f"
            + " (evaluated in %.2f s)%n", config.describe(), e.epoch(), e.seconds(), e.cumulative(), e.cores(),
            e.trainLoss(), e.accuracy(), e.evaluationSeconds());
        cpuAtEpochStart[0] = processCpuNanos();
      }
    };
    TrainConfig trainConfig = new TrainConfig(Adam.defaults().withLearningRate(config.learningRate()), config.batch(),
        epochs, SEED, 0.0);
    new Trainer(new Network(architecture), trainConfig).train(engine, evaluateEachEpoch);
    return curve;
  }

  // ---- reports ----

  private static void report(Path results, String blas, List<Fit> fits, Map<Config, List<Epoch>> curves,
      double mllibLoadSeconds, double prepareSeconds, double loadBefore, double loadAfter) {
    Report runs = new Report("End to end on Fashion-MNIST, " + MASTER + ", " + blas,
        "trainer", "setting", "iterations/epochs", "passes over the 60,000", "train seconds", "test accuracy",
        "cores busy");
    for (Fit f : fits) {
      runs.row("MLlib MLP", "L-BFGS, blockSize " + MLLIB_BLOCK_SIZE + ", maxIter " + f.maxIter(),
          f.iterations() + " iterations", f.passes(), f.seconds(), f.accuracy(), f.cores());
    }
    curves.forEach((config, curve) -> {
      for (Epoch e : curve) {
        runs.row("sparkprop", config.describe(), "epoch " + e.epoch(), e.epoch(), e.cumulative(), e.accuracy(), e.cores());
      }
    });
    runs.note("Each MLlib row is a fresh fit() with that maxIter: its wall time (stacking the cached DataFrame into"
        + " blocks included) and test accuracy. \"passes\" counts the L-BFGS cost-function evaluations, each one"
        + " treeAggregate job of loss and gradient over all 60,000 images (iterations plus line-search steps).");
    runs.note("sparkprop rows are the epochs of one run each; train seconds are cumulative training time, with the"
        + " test evaluation after each epoch timed apart and excluded.");
    runs.note(String.format(Locale.ROOT, "Data: MLlib reads the IDX files on the driver, scales pixels by 1/255 and builds"
        + " its DataFrame from driver memory (%.1f s, cached before timing); sparkprop reads them inside its tasks and"
        + " standardizes with training statistics (PreparedData.prepare, %.1f s). Neither is in the train seconds,"
        + " nor is Spark's start.", mllibLoadSeconds, prepareSeconds));
    runs.note(String.format(Locale.ROOT, "One JVM, one %s context, %d partitions for both. \"cores busy\" is this"
        + " process's CPU time over the wall time of the fit or epoch (at most %d): below that, the cores were idle"
        + " between jobs or taken by other processes; the system load average was %.2f before and %.2f after.",
        MASTER, PARTITIONS, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
    runs.publish(results, "mllib-end-to-end");

    List<Config> configs = new ArrayList<>(curves.keySet());
    String[] columns = new String[2 + configs.size()];
    columns[0] = "measure";
    columns[1] = "MLlib MLP (L-BFGS)";
    for (int i = 0; i < configs.size(); i++) {
      columns[2 + i] = "sparkprop (" + configs.get(i).describe() + ")";
    }
    Report summary = new Report("MLlib against sparkprop on Fashion-MNIST, " + MASTER + ", " + blas, columns);
    Fit last = fits.get(fits.size() - 1);

    summary.row(with(String.format(Locale.ROOT, "%.2f measured (median cost-function pass); %.2f = fit time / passes;"
        + " %.2f per L-BFGS iteration", last.medianPassSeconds(), last.seconds() / last.passes(),
        last.seconds() / last.iterations()), configs, c -> String.format(Locale.ROOT, "%.2f per epoch (median)",
        BenchData.median(curves.get(c).stream().mapToDouble(Epoch::seconds).toArray())), "seconds per pass over the 60,000"));
    for (double target : TARGETS) {
      Fit reached = fits.stream().filter(f -> f.accuracy() >= target).findFirst().orElse(null);
      String mllib = reached == null ? "not reached by maxIter " + last.maxIter()
          : String.format(Locale.ROOT, "%.1f (maxIter %d, the smallest measured fit that reaches it)", reached.seconds(),
              reached.maxIter());
      summary.row(with(mllib, configs, c -> reach(curves.get(c), target), "seconds to test accuracy " + trim(target)));
    }
    summary.row(with(String.format(Locale.ROOT, "%.4f after %d iterations", last.accuracy(), last.iterations()), configs,
        c -> {
          List<Epoch> curve = curves.get(c);
          Epoch last1 = curve.get(curve.size() - 1);
          return String.format(Locale.ROOT, "%.4f after %s, %.1f s", last1.accuracy(), epochs(last1.epoch()),
              last1.cumulative());
        }, "final test accuracy"));
    summary.row(with(String.format(Locale.ROOT, "%.4f", last.accuracy()), configs,
        c -> atBudget(curves.get(c), last.seconds()),
        String.format(Locale.ROOT, "test accuracy within MLlib's maxIter-%d time (%.1f s)", last.maxIter(),
            last.seconds())));
    summary.row(with(String.format(Locale.ROOT, "%.1f s to %.4f", last.seconds(), last.accuracy()), configs, c -> {
      Epoch e = first(curves.get(c), last.accuracy());
      return e == null ? "not reached in " + epochs(curves.get(c).size())
          : String.format(Locale.ROOT, "%.1f× (%.4f after epoch %d, %.1f s)", last.seconds() / e.cumulative(),
              e.accuracy(), e.epoch(), e.cumulative());
    }, String.format(Locale.ROOT, "speed: MLlib's time to its maxIter-%d accuracy %.4f / sparkprop's time to reach it",
        last.maxIter(), last.accuracy())));
    summary.row(with(String.format(Locale.ROOT, "%.1f s", last.seconds()), configs, c -> {
      Epoch e = first(curves.get(c), 0.851);
      return e == null ? "not reached" : String.format(Locale.ROOT, "%.1f× (target ≥ 30×)", last.seconds() / e.cumulative());
    }, String.format(Locale.ROOT, "MLlib's maxIter-%d time / sparkprop's time to 0.851", last.maxIter())));
    summary.note("MLlib's times to an accuracy come from its separate fits, so they are as coarse as the maxIter values;"
        + " sparkprop's are cumulative training seconds at the first epoch whose test accuracy reaches the target.");
    summary.note("The measured seconds per MLlib pass are the median duration of its treeAggregate jobs (one per"
        + " cost-function evaluation); fit time / passes adds stacking the blocks, the driver's L-BFGS work and job"
        + " overhead. sparkprop's seconds per epoch are training only, the median over epochs.");
    summary.publish(results, "mllib-summary");
  }

  private static Object[] with(String mllib, List<Config> configs, Function<Config, String> sparkprop,
      String measure) {
    Object[] row = new Object[2 + configs.size()];
    row[0] = measure;
    row[1] = mllib;
    for (int i = 0; i < configs.size(); i++) {
      row[2 + i] = sparkprop.apply(configs.get(i));
    }
    return row;
  }

  private static Epoch first(List<Epoch> curve, double target) {
    return curve.stream().filter(e -> e.accuracy() >= target).findFirst().orElse(null);
  }

  private static String reach(List<Epoch> curve, double target) {
    Epoch e = first(curve, target);
    return e == null ? "not reached in " + epochs(curve.size())
        : String.format(Locale.ROOT, "%.1f (epoch %d)", e.cumulative(), e.epoch());
  }

  private static String atBudget(List<Epoch> curve, double budget) {
    Epoch within = null;
    for (Epoch e : curve) {
      if (e.cumulative() <= budget) {
        within = e;
      }
    }
    if (within == null) {
      return "no epoch finished within it";
    }
    String all = within == curve.get(curve.size() - 1) ? ", all " + epochs(curve.size()) + " fit in it" : "";
    return String.format(Locale.ROOT, "%.4f (epoch %d, %.1f s%s)", within.accuracy(), within.epoch(),
        within.cumulative(), all);
  }

  // ---- helpers ----

  /**
   * Which BLAS both sides use: sparkprop's through {@link Blas}, MLlib's ann layers through
   * netlib's native instance (falling back to Java when there is none), and which native library
   * the process mapped.
   */
  static String blasDescription() {
    String mllib;
    try {
      mllib = dev.ludovic.netlib.blas.NativeBLAS.getInstance().getClass().getSimpleName();
    } catch (Throwable e) {
      mllib = "Java fallback " + dev.ludovic.netlib.blas.JavaBLAS.getInstance().getClass().getSimpleName();
    }
    String library = nativeLibrary();
    String both = mllib.equals(Blas.implementation()) ? Blas.implementation()
        : "sparkprop " + Blas.implementation() + ", MLlib " + mllib;
    return both + (library.isEmpty() ? "" : " (" + library + ")");
  }

  /** The OpenBLAS shared libraries mapped into this process, by file name, or "". */
  private static String nativeLibrary() {
    try {
      return Files.readAllLines(Path.of("/proc/self/maps")).stream()
          .map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .filter(p -> p.contains("openblas") && p.contains(".so"))
          .map(p -> Path.of(p).getFileName().toString())
          .distinct().sorted().reduce((a, b) -> a + ", " + b).orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0L;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String epochs(int n) {
    return n + (n == 1 ? " epoch" : " epochs");
  }

  private static double since(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
