package dev.sparkprop.bench;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Idx;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.spark.DataSource;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.StepSettings;
import dev.sparkprop.train.LocalData;
import dev.sparkprop.train.LocalEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The data and Spark contexts the suites share. */
final class BenchData {

  static final String FASHION = "/usr/share/datasets/fashion-mnist";

  private BenchData() {}

  /** Fashion-MNIST's 60,000 training images (Debian's dataset-fashion-mnist), or null without it. */
  static DataSource fashionTrain() {
    return fashion("train");
  }

  static DataSource fashionTest() {
    return fashion("t10k");
  }

  private static DataSource fashion(String part) {
    Path images = Path.of(FASHION, part + "-images-idx3-ubyte.gz");
    Path labels = Path.of(FASHION, part + "-labels-idx1-ubyte.gz");
    if (!Files.exists(images) || !Files.exists(labels)) {
      throw new IllegalStateException("the benchmarks need Fashion-MNIST: apt-get install dataset-fashion-mnist");
    }
    return new DataSource.IdxFiles(images.toString(), labels.toString());
  }

  /** Reads one part ("train" or "t10k") of Fashion-MNIST into memory. */
  static DenseDataset readFashion(String part) throws IOException {
    DataSource.IdxFiles f = (DataSource.IdxFiles) fashion(part);
    try (InputStream images = Files.newInputStream(Path.of(f.images()));
        InputStream labels = Files.newInputStream(Path.of(f.labels()))) {
      return Idx.read(images, f.images(), labels, f.labels());
    }
  }

  /** A local Spark context as the launcher makes it, with extra settings as key, value pairs. */
  static JavaSparkContext spark(String master, String... settings) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName("sparkprop-bench")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.showConsoleProgress", "false");
    for (int i = 0; i < settings.length; i += 2) {
      conf.set(settings[i], settings[i + 1]);
    }
    return new JavaSparkContext(conf);
  }

  /** A local Spark context with the settings the launcher applies. */
  static JavaSparkContext launcherSpark(String master) {
    return spark(master, launcherSettings(master));
  }

  /** A system property, else the environment variable of the same name in upper case with underscores. */
  static String setting(String property, String fallback) {
    String v = System.getProperty(property);
    if (v == null) {
      v = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return v == null || v.isBlank() ? fallback : v;
  }

  /**
   * {@link StepSettings#defaultsFor} the master, as key, value pairs, with the local handoff on
   * (sparkprop's default).
   */
  static String[] launcherSettings(String master) {
    return pairs(StepSettings.defaultsFor(master, true));
  }

  /** Settings as key, value pairs, the form {@link #spark} takes. */
  static String[] pairs(Map<String, String> settings) {
    return settings.entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
  }

  /** The same kernels as the Spark engine, on 2 threads of this JVM, over 2 shards of {@code train}. */
  static LocalEngine inProcess(DenseDataset train) {
    LocalData local = LocalData.prepare(train, 2, 1, 0.0, 0.0, Scaling.STANDARDIZE);
    return new LocalEngine(new Network(StepSuite.NETWORK), 10, local.shards(), 2, Precision.FLOAT64);
  }

  /** All 60,000 training images for training, the 10,000 official ones for testing, no validation. */
  static PreparedData fashion(JavaSparkContext sc, int partitions) {
    return PreparedData.prepare(sc, fashionTrain(), fashionTest(),
        new PreparedData.Options(partitions, 1, 0.0, 0.0, Scaling.STANDARDIZE, null));
  }

  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
}
