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
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The data of a run, cached on the executors as one {@link ShardSet} per partition: read from
 * the source inside the tasks, split into roles by a seeded permutation, and scaled with
 * statistics of the training role only.
 */
public final class PreparedData {

  /** The cached shards that hold each role's examples (several roles may share one RDD). */
  private final List<JavaRDD<ShardSet>> byRole;
  private final long[] counts;
  private final int features;
  private final LabelStats labels;
  private final List<LabelStats> separateLabels;
  private final FeatureScaler scaler;
  private final FeatureScaler targetScaler;
  private final long cachedBytes;
  /** Which source each label summary came from, to point at a bad label's line. */
  private final Map<LabelStats, DataSource> origins;

  private PreparedData(List<JavaRDD<ShardSet>> byRole, long[] counts, int features, LabelStats labels,
      List<LabelStats> separateLabels, FeatureScaler scaler, FeatureScaler targetScaler,
      Map<LabelStats, DataSource> origins) {
    this.byRole = List.copyOf(byRole);
    this.counts = counts.clone();
    this.features = features;
    this.labels = labels;
    this.separateLabels = List.copyOf(separateLabels);
    this.scaler = scaler;
    this.targetScaler = targetScaler;
    this.origins = new IdentityHashMap<>(origins);
    long bytes = 0;
    for (JavaRDD<ShardSet> rdd : distinct()) {
      bytes += rdd.map(ShardSet::bytes).reduce(Long::sum);
    }
    this.cachedBytes = bytes;
  }

  /**
   * What to hold out and how to scale.
   *
   * @param fixedScaler a model's scaler to apply instead of fitting one (for evaluation), or null
   * @param targetScaling how to rescale regression targets for training (NONE for classification)
   * @param fixedTargetScaler a model's target scaler to apply instead of fitting one, or null
   */
  public record Options(int partitions, long seed, double testFraction, double validationFraction, Scaling scaling,
      FeatureScaler fixedScaler, Scaling targetScaling, FeatureScaler fixedTargetScaler) {
    public Options {
      if (partitions <= 0) {
        throw new IllegalArgumentException("partitions must be positive, not " + partitions);
      }
      if (fixedTargetScaler != null && fixedTargetScaler.featureCount() != 1) {
        throw new IllegalArgumentException("a target scaler has one column, not " + fixedTargetScaler.featureCount());
      }
    }

    /** Targets as they are. */
    public Options(int partitions, long seed, double testFraction, double validationFraction, Scaling scaling,
        FeatureScaler fixedScaler) {
      this(partitions, seed, testFraction, validationFraction, scaling, fixedScaler, Scaling.NONE, null);
    }
  }

  /** The column names in a CSV source's header line, or null when it has no lines. */
  public static List<String> headerNames(JavaSparkContext sc, DataSource.CsvFile source) {
    return SourceReader.headerNames(sc, source, sc.defaultParallelism());
  }

  /**
   * The class names in a CSV source's label column, sorted (class k is the k-th), or null when
   * its labels are numbers or the source is not CSV. Read with them
   * ({@link DataSource.CsvFile#withClassNames}), each label is its name's index.
   */
  public static List<String> classNames(JavaSparkContext sc, DataSource source, int partitions) {
    return SourceReader.classNames(sc, source, partitions);
  }

  /**
   * Reads {@code source} (and {@code testSource}, when given, as the test set; otherwise a
   * seeded fraction of {@code source} is held out) into cached shards.
   */
  public static PreparedData prepare(JavaSparkContext sc, DataSource source, DataSource testSource, Options options) {
    return prepare(sc, source, testSource, null, options);
  }

  /**
   * As {@link #prepare(JavaSparkContext, DataSource, DataSource, Options)}, and with
   * {@code validationSource}, when given, as the validation set instead of a held-out fraction.
   */
  public static PreparedData prepare(JavaSparkContext sc, DataSource source, DataSource testSource,
      DataSource validationSource, Options options) {
    return prepare(sc, SourceReader.read(sc, source, options.partitions()), source, source.describe(), testSource,
        validationSource, options);
  }

  /**
   * Labelled feature vectors already in Spark, such as the rows of a DataFrame, as the data of a
   * run: held out and scaled by {@code options} like any source. An example's index, which
   * decides its role and its place in every epoch's batches, is its position in the order of
   * {@code examples}; so the same rows in the same order train the same model however they are
   * partitioned. There are at most {@code options.partitions()} shards (fewer partitions are
   * kept as they are).
   *
   * @param name how the data is named in messages
   * @throws DataFormatException when there is no example, the vectors differ in width, or a value
   *     is not finite
   */
  public static PreparedData fromVectors(JavaSparkContext sc, JavaRDD<Tuple2<Vector, Double>> examples, String name,
      Options options) {
    if (examples.isEmpty()) {
      throw new DataFormatException(name, 0, "no data rows");
    }
    int features = examples.first()._1().size();
    if (features <= 0) {
      throw new DataFormatException(name, 1, "the feature vector is empty");
    }
    return prepare(sc, SourceReader.fromVectors(examples, name, features, options.partitions()), null, name, null,
        null, options);
  }

  /** @param source where {@code read} came from, or null for vectors handed over by the caller */
  private static PreparedData prepare(JavaSparkContext sc, JavaRDD<Shard> read, DataSource source, String name,
      DataSource testSource, DataSource validationSource, Options options) {
    JavaRDD<Shard> raw = read.persist(StorageLevel.MEMORY_ONLY());
    try {
      LabelStats labels = SourceReader.firstErrorFirst(raw,
          () -> raw.map(s -> labelStats(s, name)).reduce(LabelStats::merge));
      long n = labels.count();
      if (n == 0) {
        throw new DataFormatException(name, 0, "no data rows");
      }
      Split split = ShardSet.split(options.seed(), n, testSource == null ? options.testFraction() : 0.0,
          validationSource == null ? options.validationFraction() : 0.0, name);
      int d = raw.first().features();
      FeatureScaler scaler = options.fixedScaler() != null ? options.fixedScaler()
          : FeatureScaler.fit(options.scaling(), raw.map(s -> trainingStats(s, split)).treeReduce(FeatureStats::merge));
      if (scaler.shift().length != d) {
        throw new DataFormatException(name, 0, "has " + d + " features; the model expects " + scaler.shift().length);
      }
      FeatureScaler targetScaler = options.fixedTargetScaler() != null ? options.fixedTargetScaler()
          : options.targetScaling() == Scaling.NONE ? FeatureScaler.identity(1)
          : FeatureScaler.fit(options.targetScaling(), raw.map(s -> trainingTargetStats(s, split)).treeReduce(FeatureStats::merge));

      JavaRDD<ShardSet> trainSets = raw.map(s -> ShardSet.of(s, split, scaler, targetScaler))
          .persist(StorageLevel.MEMORY_ONLY())
          .setName("sparkprop shards of " + name);
      trainSets.count();
      List<JavaRDD<ShardSet>> byRole = new ArrayList<>(List.of(trainSets, trainSets, trainSets));
      long[] counts = {split.count(Role.TRAIN), split.count(Role.VALIDATION), split.count(Role.TEST)};
      List<LabelStats> separate = new ArrayList<>();
      Map<LabelStats, DataSource> origins = new IdentityHashMap<>();
      origins.put(labels, source);
      for (Role role : new Role[] {Role.VALIDATION, Role.TEST}) {
        DataSource other = role == Role.TEST ? testSource : validationSource;
        if (other != null) {
          Separate set = readSeparate(sc, other, role, options.partitions(), scaler, targetScaler);
          byRole.set(role.ordinal(), set.shards());
          counts[role.ordinal()] = set.labels().count();
          separate.add(set.labels());
          origins.put(set.labels(), other);
        }
      }
      return new PreparedData(byRole, counts, d, labels, separate, scaler, targetScaler, origins);
    } finally {
      drop(raw);
    }
  }

  /**
   * Every example of {@code source} as test data, scaled by {@code scaler} and its targets by
   * {@code targetScaler}: the data a saved model is evaluated on.
   */
  public static PreparedData testOnly(JavaSparkContext sc, DataSource source, int partitions, FeatureScaler scaler,
      FeatureScaler targetScaler) {
    Separate t = readSeparate(sc, source, Role.TEST, partitions, scaler, targetScaler);
    return new PreparedData(List.of(t.shards(), t.shards(), t.shards()), new long[] {0, 0, t.labels().count()},
        scaler.shift().length, t.labels(), List.of(t.labels()), scaler, targetScaler, Map.of(t.labels(), source));
  }

  private record Separate(JavaRDD<ShardSet> shards, LabelStats labels) {}

  /** A whole source in one role, scaled with the training data's scaler. */
  private static Separate readSeparate(JavaSparkContext sc, DataSource source, Role role, int partitions,
      FeatureScaler scaler, FeatureScaler targetScaler) {
    JavaRDD<Shard> raw = SourceReader.read(sc, source, partitions).persist(StorageLevel.MEMORY_ONLY());
    try {
      String name = source.describe();
      LabelStats labels = SourceReader.firstErrorFirst(raw,
          () -> raw.map(s -> labelStats(s, name)).reduce(LabelStats::merge));
      long n = labels.count();
      if (n == 0) {
        throw new DataFormatException(name, 0, "no data rows");
      }
      int d = raw.first().features();
      if (d != scaler.shift().length) {
        // One short in a CSV: most likely rows without their label, as predict takes them.
        boolean unlabeled = source instanceof DataSource.CsvFile && d + 1 == scaler.shift().length;
        throw new DataFormatException(name, 0, "has " + d + (d == 1 ? " feature" : " features")
            + "; the training data has " + scaler.shift().length
            + (unlabeled ? "; if its rows have no label column, they can be scored with predict, not evaluated" : ""));
      }
      Split all = role == Role.TEST ? new Split(0L, n, n, 0) : new Split(0L, n, 0, n);
      JavaRDD<ShardSet> shards = raw.map(s -> ShardSet.of(s, all, scaler, targetScaler)).persist(StorageLevel.MEMORY_ONLY())
          .setName("sparkprop " + role.name().toLowerCase(Locale.ROOT) + " shards of " + name);
      shards.count();
      return new Separate(shards, labels);
    } finally {
      drop(raw);
    }
  }

  private static LabelStats labelStats(Shard s, String source) {
    LabelStats stats = new LabelStats(source);
    double[] y = s.y();
    long[] position = s.index();
    for (int i = 0; i < y.length; i++) {
      stats.add(y[i], position[i]);
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

  private static FeatureStats trainingTargetStats(Shard s, Split split) {
    FeatureStats stats = new FeatureStats(1);
    long[] index = s.index();
    for (int i = 0; i < s.size(); i++) {
      if (split.roleOf(index[i]) == Role.TRAIN) {
        stats.add(s.y(), i);
      }
    }
    return stats;
  }

  /**
   * Unpersists and waits for the executors to let go. A removal left in flight races with the
   * context's shutdown when a run ends (or fails) right after it, and Spark then prints a
   * RejectedExecutionException from its block manager's thread pool onto the user's terminal.
   */
  private static void drop(JavaRDD<?> rdd) {
    rdd.unpersist(true);
  }

  JavaRDD<ShardSet> rddFor(Role role) {
    return byRole.get(role.ordinal());
  }

  private List<JavaRDD<ShardSet>> distinct() {
    List<JavaRDD<ShardSet>> unique = new ArrayList<>();
    for (JavaRDD<ShardSet> rdd : byRole) {
      if (unique.stream().noneMatch(u -> u == rdd)) {
        unique.add(rdd);
      }
    }
    return unique;
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

  /** The labels of separately given validation or test sets, to check against the training classes. */
  public List<LabelStats> separateLabels() {
    return separateLabels;
  }

  /**
   * Where to report a problem with one of {@code labels}' labels: the file and line (or record)
   * of the source they were read from.
   */
  public LabelStats.Locator locator(LabelStats labels) {
    if (!origins.containsKey(labels)) {
      throw new IllegalArgumentException("not labels of this data: " + labels);
    }
    DataSource source = origins.get(labels);
    if (source == null) {
      // Vectors from fromVectors: a position is the row's place in the caller's order.
      return (position, problem) -> new DataFormatException(labels.source(), position < 0 ? 0 : position + 1, problem);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(byRole.get(0).context());
    return (position, problem) -> SourceReader.problemAt(sc, source, position, problem);
  }

  public FeatureScaler scaler() {
    return scaler;
  }

  /** The one-column rescaling of the targets (the identity unless regression targets were standardized). */
  public FeatureScaler targetScaler() {
    return targetScaler;
  }

  public int partitions() {
    return byRole.get(Role.TRAIN.ordinal()).getNumPartitions();
  }

  /** Bytes of example data held in the executors' cache. */
  public long cachedBytes() {
    return cachedBytes;
  }

  public void release() {
    for (JavaRDD<ShardSet> rdd : distinct()) {
      drop(rdd);
    }
  }
}
