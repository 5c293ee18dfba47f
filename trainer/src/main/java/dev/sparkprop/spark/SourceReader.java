package dev.sparkprop.spark;

import dev.sparkprop.datasets.CsvFormat;
import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.Digits;
import dev.sparkprop.datasets.Idx;
import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.datasets.LibsvmFormat;
import dev.sparkprop.datasets.LibsvmRow;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.train.Shard;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Reads a {@link DataSource} into one raw {@link Shard} per partition, each example indexed by
 * its position in the source. Files go through Hadoop's file system layer, so {@code file:},
 * {@code hdfs:} and {@code s3a:} paths all work; text formats go through Spark's text input, so
 * a large file is split across tasks.
 */
final class SourceReader {

  private SourceReader() {}

  static JavaRDD<Shard> read(JavaSparkContext sc, DataSource source, int partitions) {
    if (source instanceof DataSource.BuiltIn b) {
      return perPartition(sc, partitions, new BuiltInSlice(b, partitions));
    }
    if (source instanceof DataSource.IdxFiles f) {
      Broadcast<SerializableConfiguration> conf = hadoopConf(sc);
      checkExists(conf.value().value(), f.images());
      checkExists(conf.value().value(), f.labels());
      int features = idxHeader(conf.value().value(), f.images()).recordSize();
      return perPartition(sc, partitions, new IdxSlice(f, partitions, features, conf));
    }
    if (source instanceof DataSource.CsvFile c) {
      return readCsv(sc, c, partitions, 0);
    }
    return readLibsvm(sc, (DataSource.LibsvmFile) source, partitions);
  }

  /**
   * As {@link #read}, for rows to be scored by a model that takes {@code features} inputs: a CSV
   * file may then have no label column, each row holding exactly the features. Such rows read
   * with label 0, which scoring does not look at.
   */
  static JavaRDD<Shard> readToScore(JavaSparkContext sc, DataSource source, int partitions, int features) {
    return source instanceof DataSource.CsvFile c ? readCsv(sc, c, partitions, features) : read(sc, source, partitions);
  }

  /** Runs {@code slice} for p = 0..P−1 inside the tasks: only partition numbers are shipped. */
  private static JavaRDD<Shard> perPartition(JavaSparkContext sc, int partitions, SliceReader slice) {
    List<Integer> ids = IntStream.range(0, partitions).boxed().toList();
    return sc.parallelize(ids, partitions).map(slice::read);
  }

  @FunctionalInterface
  private interface SliceReader extends org.apache.spark.api.java.function.Function<Integer, Shard> {
    Shard read(Integer partition) throws Exception;

    @Override
    default Shard call(Integer partition) throws Exception {
      return read(partition);
    }
  }

  /** Partition p keeps the examples i with i mod P = p: no count is needed up front. */
  private record BuiltInSlice(DataSource.BuiltIn source, int partitions) implements SliceReader {
    @Override
    public Shard read(Integer p) throws IOException {
      if (source.name().equals(Digits.NAME)) {
        try (InputStream in = Digits.open()) {
          return slice(CsvFormat.read(in, Digits.NAME, CsvFormat.defaults()), p, partitions);
        }
      }
      Synthetic.Kind kind = Synthetic.parse(source.name());
      int d = kind.features();
      Rows rows = new Rows(d);
      float[] buffer = new float[d];
      for (long i = p; i < source.size(); i += partitions) {
        double label = kind.example(source.seed(), i, buffer, 0);
        rows.add(buffer, 0, label, i);
      }
      return rows.toShard();
    }

    private static Shard slice(dev.sparkprop.datasets.DenseDataset all, int p, int partitions) {
      int d = all.featureCount();
      Rows rows = new Rows(d);
      for (int i = p; i < all.size(); i += partitions) {
        rows.add(all.features(), i * d, all.labels()[i], i);
      }
      return rows.toShard();
    }
  }

  private record IdxSlice(DataSource.IdxFiles source, int partitions, int features,
      Broadcast<SerializableConfiguration> conf) implements SliceReader {
    @Override
    public Shard read(Integer p) throws IOException {
      Configuration hadoop = conf.value().value();
      Rows rows = new Rows(features);
      float[] pixels = new float[features];
      try (InputStream images = open(hadoop, source.images());
          InputStream labels = open(hadoop, source.labels())) {
        Idx.readSlice(images, source.images(), labels, source.labels(), i -> i % partitions == p,
            (index, bytes, label) -> {
              for (int k = 0; k < features; k++) {
                pixels[k] = bytes[k] & 0xff;
              }
              rows.add(pixels, 0, label, index);
            });
      }
      return rows.toShard();
    }
  }

  /** Reads the images file's header on the driver: a wrong file fails before any task runs. */
  private static Idx.Header idxHeader(Configuration conf, String images) {
    try (DataInputStream in = new DataInputStream(Idx.open(open(conf, images)))) {
      return Idx.readHeader(in, images);
    } catch (IOException e) {
      throw new DataFormatException(images, 0, "cannot read: " + e.getMessage());
    }
  }

  /**
   * The column names in a CSV source's header: the fields of the first non-blank line of its
   * first file. Null when the source has no lines.
   */
  static List<String> headerNames(JavaSparkContext sc, DataSource.CsvFile source, int partitions) {
    List<String> first = firstLines(sc, source, 1, partitions);
    return first.isEmpty() ? null : new CsvFormat(-1, true, source.delimiter()).fields(first.get(0));
  }

  /**
   * Runs {@code action}, the first action over {@code read}. When a task fails on bad input, the
   * exception thrown names the source's first bad row (by file, then line), not the row of
   * whichever task failed first: with several bad rows, the message then does not depend on
   * scheduling. Finding it takes one more pass over the data, on failure only.
   */
  static <T> T firstErrorFirst(JavaRDD<Shard> read, Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // Spark's job failure is a checked SparkException, thrown undeclared from Scala
      if (dataError(e) == null) {
        throw rethrow(e);
      }
      List<DataFormatException> errors = read.mapPartitions((Iterator<Shard> shards) -> {
        try {
          shards.forEachRemaining(shard -> { });
          return List.<DataFormatException>of().iterator();
        } catch (DataFormatException bad) {
          return List.of(bad).iterator(); // a partition's first bad row: its rows are read in order
        }
      }).collect();
      // None when the failure was not the reading's (a check on the rows read): that one stands.
      throw rethrow(errors.stream()
          .min(Comparator.comparing(DataFormatException::source).thenComparingLong(DataFormatException::line))
          .map(Exception.class::cast)
          .orElse(e));
    }
  }

  /** Throws {@code e} as it is, checked or not, as Spark's Scala code throws it to Java callers. */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> RuntimeException rethrow(Exception e) throws E {
    throw (E) e;
  }

  private static DataFormatException dataError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataFormatException d) {
        return d;
      }
    }
    return null;
  }

  /**
   * The first {@code n} non-blank lines of a CSV source, read no further than they are: Spark's
   * {@code take} starts with the first partition.
   */
  private static List<String> firstLines(JavaSparkContext sc, DataSource.CsvFile source, int n, int partitions) {
    checkExists(sc.hadoopConfiguration(), source.path());
    return textLines(sc, source.path(), isFile(sc.hadoopConfiguration(), source.path()), partitions)
        .filter(t -> !CsvFormat.isBlank(t._2()))
        .map(Tuple2::_2)
        .take(n);
  }

  /**
   * The class names a CSV source's label column holds, sorted, or null when its labels are
   * numbers (or the source is not CSV). The first row decides: a number there means numbers
   * throughout, so that a stray word in a numeric column is reported as the mistake it is.
   * Names take one pass over the label column to find them all.
   */
  static List<String> classNames(JavaSparkContext sc, DataSource source, int partitions) {
    if (!(source instanceof DataSource.CsvFile c)) {
      return null;
    }
    if (c.classNames() != null) {
      return c.classNames();
    }
    CsvFormat format = new CsvFormat(c.labelColumn(), c.header(), c.delimiter());
    // The first data line, taken without numbering the lines: numbering reads all of the data,
    // which a file of number labels would then read once more for nothing.
    int wanted = c.header() ? 2 : 1;
    List<String> head = firstLines(sc, c, wanted, partitions);
    if (head.size() < wanted) {
      return null; // no data rows, which the read reports
    }
    String first = head.get(wanted - 1);
    int columns = format.countColumns(first);
    try {
      if (columns < 2 || CsvFormat.isNumber(format.labelText(first, c.path(), 0, columns))) {
        return null;
      }
    } catch (DataFormatException e) {
      return null; // a label column beyond the data, which the read reports at its line
    }
    JavaRDD<Line> lines = numberedLines(sc, c.path(), c.header(), partitions);
    List<String> names = CsvFormat.sortedNames(lines
        .map(line -> format.labelText(line.text(), line.file(), line.number(), columns))
        .distinct()
        .take(LabelStats.MAX_DISTINCT + 1));
    if (names.size() > LabelStats.MAX_DISTINCT) {
      throw new DataFormatException(c.path(), 0, "the label column holds more than " + LabelStats.MAX_DISTINCT
          + " distinct names; classes are at most " + LabelStats.MAX_DISTINCT);
    }
    return names;
  }

  /**
   * A CSV source's rows. When {@code unlabeled} is positive, rows of exactly that many columns
   * are all features (no label), as {@link #readToScore} allows; the first row decides.
   */
  private static JavaRDD<Shard> readCsv(JavaSparkContext sc, DataSource.CsvFile source, int partitions,
      int unlabeled) {
    checkExists(sc.hadoopConfiguration(), source.path());
    JavaRDD<Line> lines = numberedLines(sc, source.path(), source.header(), partitions);
    if (lines.isEmpty()) {
      throw new DataFormatException(source.path(), 0, "no data rows");
    }
    Line first = lines.first();
    CsvFormat format = new CsvFormat(source.labelColumn(), source.header(), source.delimiter(), source.classNames());
    int columns = format.countColumns(first.text());
    boolean labeled = columns != unlabeled;
    if (!labeled && source.labelColumn() >= 0) {
      throw new DataFormatException(first.file(), first.number(), "has " + columns + " columns, as many as the"
          + " model's features, so no label column; yet label column " + (source.labelColumn() + 1) + " was given");
    }
    if (labeled && columns < 2) {
      throw new DataFormatException(first.file(), first.number(),
          "found " + columns + " column; a CSV row needs features and a label (is the delimiter "
              + CsvFormat.describe(source.delimiter()) + " right?)");
    }
    int features = labeled ? columns - 1 : columns;
    return index(lines, partitions).mapPartitions((Iterator<Tuple2<Line, Long>> it) -> {
      Rows rows = new Rows(features);
      float[] buffer = new float[features];
      while (it.hasNext()) {
        Tuple2<Line, Long> t = it.next();
        Line line = t._1();
        double label = 0;
        if (!labeled) {
          format.parseFeatures(line.text(), line.file(), line.number(), columns, buffer, 0);
        } else if (unlabeled > 0) {
          // Scoring: the label is not looked at, so it need not be a number or a known class.
          format.parseSkippingLabel(line.text(), line.file(), line.number(), columns, buffer, 0);
        } else {
          label = format.parse(line.text(), line.file(), line.number(), columns, buffer, 0);
        }
        rows.add(buffer, 0, label, t._2());
      }
      return List.of(rows.toShard()).iterator();
    });
  }

  private static JavaRDD<Shard> readLibsvm(JavaSparkContext sc, DataSource.LibsvmFile source, int partitions) {
    checkExists(sc.hadoopConfiguration(), source.path());
    JavaRDD<Line> lines = numberedLines(sc, source.path(), false, partitions);
    if (lines.isEmpty()) {
      throw new DataFormatException(source.path(), 0, "no data rows");
    }
    String name = source.path();
    int features = source.features() > 0 ? source.features()
        : lines.map(line -> {
              int[] idx = LibsvmFormat.parse(line.text(), line.file(), line.number()).indices();
              return idx.length == 0 ? 0 : idx[idx.length - 1] + 1;
            }).reduce(Math::max);
    if (features <= 0) {
      throw new DataFormatException(name, 0, "no feature index in any row");
    }
    if (features > Rows.MAX_FEATURES) {
      if (source.features() > 0) {
        throw new DataFormatException(name, 0, String.format("%,d features declared; features are held densely,"
            + " at most %,d", features, Rows.MAX_FEATURES));
      }
      int widest = features;
      Line at = lines.filter(line -> {
        int[] idx = LibsvmFormat.parse(line.text(), line.file(), line.number()).indices();
        return idx.length > 0 && idx[idx.length - 1] + 1 == widest;
      }).first();
      throw new DataFormatException(at.file(), at.number(), String.format(
          "index %d makes %,d features; features are held densely, at most %,d", features, features,
          Rows.MAX_FEATURES));
    }
    return index(lines, partitions).mapPartitions((Iterator<Tuple2<Line, Long>> it) -> {
      Rows rows = new Rows(features);
      float[] buffer = new float[features];
      while (it.hasNext()) {
        Tuple2<Line, Long> t = it.next();
        Line line = t._1();
        LibsvmRow row = LibsvmFormat.parse(line.text(), line.file(), line.number());
        LibsvmFormat.densify(row, features, line.file(), line.number(), buffer, 0);
        rows.add(buffer, 0, row.label(), t._2());
      }
      return List.of(rows.toShard()).iterator();
    });
  }

  /**
   * A problem with the example at a 0-based {@code position} of {@code source} (−1: unknown), as an
   * exception naming where it is: the line of a text file, the record of an IDX labels file. For
   * a text file that costs one more pass over it, which only a failing run pays.
   */
  static DataFormatException problemAt(JavaSparkContext sc, DataSource source, long position, String problem) {
    if (position < 0) {
      return new DataFormatException(source.describe(), 0, problem);
    }
    if (source instanceof DataSource.IdxFiles f) {
      return new DataFormatException(f.labels(), position + 1, problem);
    }
    if (source instanceof DataSource.BuiltIn b) {
      return new DataFormatException(b.name(), position + 1, problem);
    }
    String path;
    boolean header;
    if (source instanceof DataSource.CsvFile c) {
      path = c.path();
      header = c.header();
    } else {
      path = ((DataSource.LibsvmFile) source).path();
      header = false;
    }
    List<Line> line = numberedLines(sc, path, header, sc.defaultParallelism()).zipWithIndex()
        .filter(t -> t._2() == position).map(Tuple2::_1).take(1);
    return line.isEmpty() ? new DataFormatException(path, 0, problem)
        : new DataFormatException(line.get(0).file(), line.get(0).number(), problem);
  }

  /**
   * A data line: its text, the file it is in (in a directory, the file inside it), and its
   * 1-based number in that file.
   */
  record Line(String text, String file, long number) implements Serializable {}

  /**
   * The non-blank data lines, numbered within their files. With {@code header}, each file's
   * first non-blank line is its header and is dropped: a directory that Spark wrote with
   * headers has one in every part file.
   */
  private static JavaRDD<Line> numberedLines(JavaSparkContext sc, String path, boolean header, int partitions) {
    boolean single = isFile(sc.hadoopConfiguration(), path);
    JavaPairRDD<Tuple2<String, String>, Long> all = textLines(sc, path, single, partitions).zipWithIndex();
    // Hadoop reads the files one after another, each in order, so each file's lines are one run of
    // the global order. Per file: the global index of its first line, and of its first non-blank one.
    Map<String, long[]> starts;
    if (single) {
      long firstFilled = header ? all.filter(t -> !CsvFormat.isBlank(t._1()._2())).map(Tuple2::_2).take(1)
          .stream().findFirst().orElse(-1L) : -1L;
      starts = new HashMap<>(Map.of(path, new long[] {0, firstFilled}));
    } else {
      starts = new HashMap<>(all.mapToPair(t -> new Tuple2<>(t._1()._1(),
              new long[] {t._2(), CsvFormat.isBlank(t._1()._2()) ? Long.MAX_VALUE : t._2()}))
          .reduceByKey((a, b) -> new long[] {Math.min(a[0], b[0]), Math.min(a[1], b[1])})
          .collectAsMap());
    }
    return all.filter(t -> !CsvFormat.isBlank(t._1()._2()) && !(header && t._2() == starts.get(t._1()._1())[1]))
        .map(t -> new Line(t._1()._2(), t._1()._1(), t._2() - starts.get(t._1()._1())[0] + 1));
  }

  /**
   * What {@code sc.textFile} reads, except that a file that cannot be read, most often a damaged
   * or truncated gzip file, fails with a {@link DataFormatException} naming it instead of
   * Hadoop's bare {@code IOException} from deep inside a task. Each line comes with the file it
   * is in: {@code path} itself when {@code single}, else the file inside that directory.
   */
  @SuppressWarnings("unchecked")
  private static JavaRDD<Tuple2<String, String>> textLines(JavaSparkContext sc, String path, boolean single,
      int partitions) {
    JavaHadoopRDD<LongWritable, Text> file = (JavaHadoopRDD<LongWritable, Text>)
        sc.hadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, partitions);
    if (!single) {
      refuseSubdirectories(sc.hadoopConfiguration(), path);
    }
    String dir = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return file.mapPartitionsWithInputSplit((split, records) -> {
      // In a directory, name the file inside it.
      String name = single ? path : dir + "/" + ((FileSplit) split).getPath().getName();
      return new CheckedLines(records, name);
    }, true);
  }

  /**
   * Hadoop's text input reads the files of a directory but stops at a directory inside it, with
   * an exception that names none of the user's options; say which one, up front. Names starting
   * with _ or . are skipped, as Hadoop skips them (Spark's _SUCCESS marker, checksum files).
   */
  private static void refuseSubdirectories(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      for (FileStatus child : p.getFileSystem(conf).listStatus(p)) {
        String name = child.getPath().getName();
        if (child.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
          throw new DataFormatException(path, 0, "holds the directory " + name
              + "; a data directory must hold only data files");
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(path, 0, "cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Hadoop's lines as strings (its {@code Text} is reused from record to record), each with the
   * file it came from, and read errors named.
   */
  private static final class CheckedLines implements Iterator<Tuple2<String, String>> {
    private final Iterator<Tuple2<LongWritable, Text>> records;
    private final String name;
    private long lines;

    CheckedLines(Iterator<Tuple2<LongWritable, Text>> records, String name) {
      this.records = records;
      this.name = name;
    }

    @Override
    public boolean hasNext() {
      try {
        return records.hasNext();
      } catch (Exception e) {
        // Scala's iterator throws Hadoop's checked IOException undeclared.
        throw unreadable(e);
      }
    }

    @Override
    public Tuple2<String, String> next() {
      try {
        String line = records.next()._2().toString();
        lines++;
        return new Tuple2<>(name, line);
      } catch (Exception e) {
        throw unreadable(e);
      }
    }

    private RuntimeException unreadable(Exception e) {
      if (!(e instanceof IOException io)) {
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
      String after = lines > 0 ? " (after " + lines + (lines == 1 ? " line)" : " lines)") : "";
      if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
        String message = String.valueOf(io.getMessage());
        String reason = io instanceof EOFException ? "it is truncated"
            : message.equalsIgnoreCase("not a gzip file") ? "it does not start with the gzip magic bytes 1f 8b" : message;
        return new DataFormatException(name, 0, "not a readable gzip file: " + reason + after, io);
      }
      return new DataFormatException(name, 0, "cannot be read: " + io.getMessage() + after, io);
    }
  }

  private static boolean isFile(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).getFileStatus(p).isFile();
    } catch (IOException e) {
      throw new DataFormatException(path, 0, "cannot be read: " + e.getMessage(), e);
    }
  }

  /** Gives each record its dense example index and brings the partitions down to P. */
  private static <T> JavaRDD<Tuple2<T, Long>> index(JavaRDD<T> records, int partitions) {
    JavaRDD<Tuple2<T, Long>> indexed = records.zipWithIndex().map(t -> t);
    return indexed.getNumPartitions() > partitions ? indexed.coalesce(partitions) : indexed;
  }

  /**
   * Labelled feature vectors that already live in Spark (a DataFrame's rows, say) as raw
   * shards. Each example's index is its position in {@code examples}' order, so, as with files,
   * the same rows in the same order give the same shards' examples whatever the partitioning.
   *
   * @param features the width every vector must have; a vector of another width is a data error
   */
  static JavaRDD<Shard> fromVectors(JavaRDD<Tuple2<Vector, Double>> examples, String name, int features,
      int partitions) {
    return index(examples, partitions).mapPartitions((Iterator<Tuple2<Tuple2<Vector, Double>, Long>> it) -> {
      Rows rows = new Rows(features);
      float[] buffer = new float[features];
      while (it.hasNext()) {
        Tuple2<Tuple2<Vector, Double>, Long> t = it.next();
        long row = t._2() + 1;
        Vector v = t._1()._1();
        double label = t._1()._2();
        if (v.size() != features) {
          throw new DataFormatException(name, row, "has " + v.size() + " features; the first row has " + features);
        }
        if (!Double.isFinite(label)) {
          throw new DataFormatException(name, row, "label " + label + " is not a finite number");
        }
        // A sparse vector's absent entries are zeros; only the stored ones need reading.
        Arrays.fill(buffer, 0f);
        int[] at = v instanceof SparseVector sparse ? sparse.indices() : null;
        double[] values = v instanceof SparseVector sparse ? sparse.values() : v.toArray();
        for (int i = 0; i < values.length; i++) {
          int j = at == null ? i : at[i];
          if (!Double.isFinite(values[i])) {
            throw new DataFormatException(name, row, "feature " + j + " is " + values[i]);
          }
          buffer[j] = (float) values[i];
          if (Float.isInfinite(buffer[j])) {
            throw new DataFormatException(name, row, "feature " + j + " is " + values[i]
                + ", beyond float32's range (±3.4e38), in which features are held");
          }
        }
        rows.add(buffer, 0, label, t._2());
      }
      return List.of(rows.toShard()).iterator();
    });
  }

  private static Broadcast<SerializableConfiguration> hadoopConf(JavaSparkContext sc) {
    return SerializableConfiguration.broadcast(sc.sc());
  }

  static InputStream open(Configuration conf, String path) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).open(p);
  }

  /** A missing input is the user's mistake: say so plainly before any job starts. */
  static void checkExists(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new DataFormatException(path, 0, "no such file or directory");
      }
      if (fs.getFileStatus(p).isFile() && fs.getFileStatus(p).getLen() == 0) {
        throw new DataFormatException(path, 0, "the file is empty");
      }
    } catch (IOException e) {
      throw new DataFormatException(path, 0, "cannot be read: " + e.getMessage(), e);
    }
  }

  /** A growable column-major block, so a partition builds one contiguous array, not objects per row. */
  static final class Rows {
    /** Rows a block has room for before it first grows. */
    private static final int FIRST = 64;
    /** The widest example that many dense rows can hold in one Java array. */
    static final int MAX_FEATURES = (Integer.MAX_VALUE - 8) / FIRST;
    private final int d;
    private float[] x;
    private double[] y;
    private long[] index;
    private int n;

    Rows(int d) {
      this.d = d;
      this.x = new float[Math.multiplyExact(d, FIRST)];
      this.y = new double[FIRST];
      this.index = new long[FIRST];
    }

    void add(float[] features, int offset, double label, long i) {
      if (n == y.length) {
        int grown = Math.addExact(n, n / 2 + 64);
        x = Arrays.copyOf(x, Math.multiplyExact(grown, d));
        y = Arrays.copyOf(y, grown);
        index = Arrays.copyOf(index, grown);
      }
      System.arraycopy(features, offset, x, n * d, d);
      y[n] = label;
      index[n] = i;
      n++;
    }

    Shard toShard() {
      return new Shard(d, Arrays.copyOf(x, n * d), Arrays.copyOf(y, n), Arrays.copyOf(index, n));
    }
  }
}
