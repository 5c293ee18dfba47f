package dev.sparkprop.spark;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.FeatureStats;
import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.train.Shard;
import dev.sparkprop.train.ShardSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * The data of a run, cached on the executors as one {@link ShardSet} per partition: read from
 * the source inside the tasks, split into roles by a seeded permutation, and scaled with
 * statistics of the training role only.
 */
public final class PreparedData {

  private final JavaRDD<ShardSet> train;
  private final JavaRDD<ShardSet> test;
  private final long[] counts = new long[Role.values().length];
  private final int features;
  private final LabelStats labels;
  private final LabelStats testLabels;
  private final FeatureScaler scaler;
  private final long cachedBytes;

  private PreparedData(JavaRDD<ShardSet> train, JavaRDD<ShardSet> test, Split trainSplit, long testCount,
      int features, LabelStats labels, LabelStats testLabels, FeatureScaler scaler) {
    this.train = train;
    this.test = test;
    this.counts[Role.TRAIN.ordinal()] = trainSplit.count(Role.TRAIN);
    this.counts[Role.VALIDATION.ordinal()] = trainSplit.count(Role.VALIDATION);
    this.counts[Role.TEST.ordinal()] = testCount;
    this.features = features;
    this.labels = labels;
    this.testLabels = testLabels;
    this.scaler = scaler;
    long bytes = train.map(ShardSet::bytes).reduce(Long::sum);
    if (test != train) {
      bytes += test.map(ShardSet::bytes).reduce(Long::sum);
    }
    this.cachedBytes = bytes;
  }

  /**
   * What to hold out and how to scale.
   *
   * @param fixedScaler a model's scaler to apply instead of fitting one (for evaluation), or null
   */
  public record Options(int partitions, long seed, double testFraction, double validationFraction, Scaling scaling,
      FeatureScaler fixedScaler) {
    public Options {
      if (partitions <= 0) {
        throw new IllegalArgumentException("partitions must be positive, not " + partitions);
      }
    }
  }

  /**
   * Reads {@code source} (and {@code testSource}, when given, as the test set; otherwise a
   * seeded fraction of {@code source} is held out) into cached shards.
   */
  public static PreparedData prepare(JavaSparkContext sc, DataSource source, DataSource testSource, Options options) {
    JavaRDD<Shard> raw = SourceReader.read(sc, source, options.partitions()).persist(StorageLevel.MEMORY_ONLY());
    try {
      String name = source.describe();
      LabelStats labels = raw.map(s -> labelStats(s, name)).reduce(LabelStats::merge);
      long n = labels.count();
      if (n == 0) {
        throw new DataFormatException(name, 0, "no data rows");
      }
      Split split = ShardSet.split(options.seed(), n, testSource == null ? options.testFraction() : 0.0,
          options.validationFraction(), name);
      long testCount;
      int d = raw.first().features();
      FeatureScaler scaler = options.fixedScaler() != null ? options.fixedScaler()
          : FeatureScaler.fit(options.scaling(), raw.map(s -> trainingStats(s, split)).treeReduce(FeatureStats::merge));
      if (scaler.shift().length != d) {
        throw new DataFormatException(name, 0, "has " + d + " features; the model expects " + scaler.shift().length);
      }

      JavaRDD<ShardSet> trainSets = raw.map(s -> ShardSet.of(s, split, scaler))
          .persist(StorageLevel.MEMORY_ONLY())
          .setName("sparkprop shards of " + name);
      JavaRDD<ShardSet> testSets = trainSets;
      LabelStats separateTestLabels = null;
      if (testSource == null) {
        testCount = split.count(Role.TEST);
      } else {
        TestSet t = readTestSet(sc, testSource, options.partitions(), scaler);
        testSets = t.shards();
        testCount = t.labels().count();
        separateTestLabels = t.labels();
      }
      trainSets.count();
      return new PreparedData(trainSets, testSets, split, testCount, d, labels, separateTestLabels, scaler);
    } finally {
      raw.unpersist(false);
    }
  }

  /**
   * Every example of {@code source} as test data, scaled by {@code scaler}: a separate test
   * set, or the data a saved model is evaluated on.
   */
  public static PreparedData testOnly(JavaSparkContext sc, DataSource source, int partitions, FeatureScaler scaler) {
    TestSet t = readTestSet(sc, source, partitions, scaler);
    return new PreparedData(t.shards(), t.shards(), new Split(0L, t.labels().count(), t.labels().count(), 0),
        t.labels().count(), scaler.shift().length, t.labels(), t.labels(), scaler);
  }

  private record TestSet(JavaRDD<ShardSet> shards, LabelStats labels) {}

  private static TestSet readTestSet(JavaSparkContext sc, DataSource source, int partitions, FeatureScaler scaler) {
    JavaRDD<Shard> raw = SourceReader.read(sc, source, partitions).persist(StorageLevel.MEMORY_ONLY());
    try {
      String name = source.describe();
      LabelStats labels = raw.map(s -> labelStats(s, name)).reduce(LabelStats::merge);
      long n = labels.count();
      if (n == 0) {
        throw new DataFormatException(name, 0, "no data rows");
      }
      int d = raw.first().features();
      if (d != scaler.shift().length) {
        throw new DataFormatException(name, 0, "has " + d + " features; the training data has " + scaler.shift().length);
      }
      Split all = new Split(0L, n, n, 0);
      JavaRDD<ShardSet> shards = raw.map(s -> ShardSet.of(s, all, scaler)).persist(StorageLevel.MEMORY_ONLY())
          .setName("sparkprop test shards of " + name);
      shards.count();
      return new TestSet(shards, labels);
    } finally {
      raw.unpersist(false);
    }
  }

  private static LabelStats labelStats(Shard s, String source) {
    LabelStats stats = new LabelStats(source);
    for (double y : s.y()) {
      stats.add(y);
    }
    return stats;
  }

  private static FeatureStats trainingStats(Shard s, Split split) {
    FeatureStats stats = new FeatureStats(s.features());
    long[] index = s.index();
    for (int i = 0; i < s.size(); i++) {
      if (split.roleOf(index[i]) == Role.TRAIN) {
        stats.add(s.x(), i * s.features());
      }
    }
    return stats;
  }

  JavaRDD<ShardSet> rddFor(Role role) {
    return role == Role.TEST ? test : train;
  }

  public long count(Role role) {
    return counts[role.ordinal()];
  }

  public int features() {
    return features;
  }

  public LabelStats labels() {
    return labels;
  }

  /** The labels of a separately given test set (to check against the training classes), or null. */
  public LabelStats testLabels() {
    return testLabels;
  }

  public FeatureScaler scaler() {
    return scaler;
  }

  public int partitions() {
    return train.getNumPartitions();
  }

  /** Bytes of example data held in the executors' cache. */
  public long cachedBytes() {
    return cachedBytes;
  }

  public void release() {
    train.unpersist(false);
    if (test != train) {
      test.unpersist(false);
    }
  }
}
