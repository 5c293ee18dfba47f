package dev.sparkprop.cli;

import dev.sparkprop.datasets.CsvFormat;
import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.Digits;
import dev.sparkprop.datasets.Idx;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.io.ModelFormatException;
import dev.sparkprop.spark.DataSource;
import dev.sparkprop.spark.PreparedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/**
 * The options that say where data comes from, shared by every command, and their resolution
 * into {@link DataSource}s.
 */
final class DataArgs {

  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

  @Option(names = "--data", paramLabel = "DATA",
      description = "A file or directory (CSV, LIBSVM or IDX), or a built-in data set: digits, fashion-mnist, xor, spirals, blobs, friedman1.")
  String data;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "csv, libsvm or idx; by default from the file name.")
  String format;

  @Option(names = "--label-column", paramLabel = "N|NAME",
      description = "CSV: the column holding the label, 0-based or, with --header, by name (default: the last one).")
  String labelColumn;

  @Option(names = "--header", description = "CSV: the first line is a header.")
  boolean header;

  @Option(names = "--delimiter", paramLabel = "CHAR",
      description = "CSV: the field separator, one character or tab (default: ',', or tab for a .tsv file).")
  String delimiter;

  @Option(names = "--features", paramLabel = "N",
      description = "LIBSVM: the number of features (default: the largest index in the file).")
  Integer features;

  /** Checks the options on their own, so that a typo fails before Spark starts. */
  void validate() {
    if (data != null && data.isBlank()) {
      throw new UsageException("--data is empty: give a file, a directory or a built-in set");
    }
    if (format != null && !List.of("csv", "libsvm", "idx").contains(format.trim().toLowerCase(Locale.ROOT))) {
      throw new UsageException("unknown --format '" + format + "'; expected csv, libsvm or idx");
    }
    if (labelColumn != null) {
      Integer index = labelIndex();
      if (index != null && index < 0) {
        throw new UsageException("--label-column counts columns from 0, so it cannot be " + index);
      }
      if (index == null && !header) {
        throw new UsageException("--label-column " + labelColumn + " names a column, which needs --header:"
            + " the header line holds the names");
      }
    }
    if (features != null && features <= 0) {
      throw new UsageException("--features must be positive, not " + features);
    }
    if (delimiter != null) {
      delimiterChar();
    }
  }

  /** {@code --label-column} as an index, or null when it is a name. */
  private Integer labelIndex() {
    try {
      return Integer.valueOf(labelColumn.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The label's 0-based column in the CSV source at {@code path}: the last (−1) by default, the
   * index given, or the position of the name given in the file's header line.
   */
  private int labelColumn(String path, char delimiter, JavaSparkContext sc) {
    if (labelColumn == null) {
      return -1;
    }
    Integer index = labelIndex();
    if (index != null) {
      return index;
    }
    String name = labelColumn.trim();
    List<String> names = PreparedData.headerNames(sc, new DataSource.CsvFile(path, -1, true, delimiter));
    if (names == null) {
      throw new DataFormatException(path, 0, "no header line to find --label-column " + name + " in");
    }
    int at = names.indexOf(name);
    if (at < 0) {
      throw new UsageException("--label-column " + name + ": no such column in the header of " + path
          + "; its columns are " + String.join(", ", names));
    }
    if (names.lastIndexOf(name) != at) {
      throw new UsageException("--label-column " + name + ": the header of " + path + " names two columns so;"
          + " give the column's index instead");
    }
    return at;
  }

  /** {@code --delimiter} as a character: one character, or tab spelled {@code tab} or {@code \t}. */
  private char delimiterChar() {
    String d = delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
    if (d.length() != 1) {
      throw new UsageException("--delimiter '" + delimiter + "' is not one character; for a tab write tab");
    }
    try {
      new CsvFormat(-1, false, d.charAt(0));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--delimiter " + CsvFormat.describe(d.charAt(0)) + " can occur inside a number");
    }
    return d.charAt(0);
  }

  /**
   * Refuses the options of another format than the one {@code data} is read as ({@code null}
   * for a built-in set): they would be ignored without a word.
   */
  private void refuseOptionsOtherThan(String fmt, String data) {
    List<String> ignored = new ArrayList<>();
    if (!"csv".equals(fmt)) {
      if (header) {
        ignored.add("--header");
      }
      if (labelColumn != null) {
        ignored.add("--label-column");
      }
      if (delimiter != null) {
        ignored.add("--delimiter");
      }
    }
    if (!"libsvm".equals(fmt) && features != null) {
      ignored.add("--features");
    }
    if (!ignored.isEmpty()) {
      throw new UsageException(String.join(" and ", ignored) + (ignored.size() == 1 ? " does" : " do")
          + " not apply to " + data + (fmt == null ? ", a built-in set" : ", read as " + fmt.toUpperCase(Locale.ROOT)));
    }
  }

  /** A data source and, for sets that come with one, their official test set. */
  record Resolved(DataSource train, DataSource test) {}

  /** Resolves {@code --data} (or its default) and returns the sources. */
  Resolved resolve(String spec, long seed, JavaSparkContext sc) {
    Configuration hadoop = sc.hadoopConfiguration();
    String key = spec.trim();
    String lower = key.toLowerCase(Locale.ROOT);
    if (format == null) {
      if (lower.equals(Digits.NAME)) {
        refuseOptionsOtherThan(null, key);
        return new Resolved(new DataSource.BuiltIn(Digits.NAME, seed, Digits.SIZE), null);
      }
      if (lower.equals("fashion-mnist")) {
        refuseOptionsOtherThan("idx", key);
        return idxDirectory(FASHION_MNIST_DIR, hadoop, "install Debian's dataset-fashion-mnist package"
            + " (apt-get install dataset-fashion-mnist) or pass the directory holding the four IDX files");
      }
      for (Synthetic.Kind kind : Synthetic.Kind.values()) {
        if (kind.name().toLowerCase(Locale.ROOT).equals(lower)) {
          refuseOptionsOtherThan(null, key);
          return new Resolved(new DataSource.BuiltIn(lower, seed, kind.defaultSize()), null);
        }
      }
    }
    FileStatus status = status(key, hadoop);
    String fmt = format != null ? format.trim().toLowerCase(Locale.ROOT) : guessFormat(key, status);
    refuseOptionsOtherThan(fmt, key);
    return switch (fmt) {
      case "csv" -> {
        char separator = delimiter != null ? delimiterChar() : isTsv(status) ? '\t' : ',';
        yield new Resolved(new DataSource.CsvFile(key, labelColumn(key, separator, sc), header, separator), null);
      }
      case "libsvm" -> new Resolved(new DataSource.LibsvmFile(key, features == null ? 0 : features), null);
      case "idx" -> status.isDirectory() ? idxDirectory(key, hadoop, null) : new Resolved(idxFile(key, hadoop), null);
      default -> throw new UsageException("unknown --format '" + format + "'; expected csv, libsvm or idx");
    };
  }

  /** How the data was given, for the model file, so that {@code evaluate} can find it again. */
  Map<String, Object> describe(String spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", spec);
    if (format != null) {
      m.put("format", format);
    }
    if (labelColumn != null) {
      Integer index = labelIndex();
      m.put("labelColumn", index != null ? index : labelColumn.trim());
    }
    if (header) {
      m.put("header", true);
    }
    if (delimiter != null) {
      m.put("delimiter", delimiter);
    }
    if (features != null) {
      m.put("features", features);
    }
    return m;
  }

  /** The inverse of {@link #describe}. */
  static DataArgs from(Map<String, Object> m, java.nio.file.Path header) {
    DataArgs a = new DataArgs();
    a.data = recorded(m, "data", String.class, header);
    a.format = recorded(m, "format", String.class, header);
    // A name, or an index as every model recorded it before names were taken.
    if (m.get("labelColumn") instanceof String name) {
      a.labelColumn = name;
    } else {
      Number index = recorded(m, "labelColumn", Number.class, header);
      a.labelColumn = index == null ? null : Integer.toString(index.intValue());
    }
    a.header = Boolean.TRUE.equals(recorded(m, "header", Boolean.class, header));
    a.delimiter = recorded(m, "delimiter", String.class, header);
    Number features = recorded(m, "features", Number.class, header);
    a.features = features == null ? null : features.intValue();
    return a;
  }

  /**
   * A value of the model file's "training" record, null if absent; a value of another type
   * means the file was edited or damaged, which is said, naming {@code header}.
   */
  static <T> T recorded(Map<String, Object> training, String key, Class<T> type, java.nio.file.Path header) {
    Object value = training.get(key);
    if (value != null && !type.isInstance(value)) {
      throw new ModelFormatException(header, "\"training\" records " + key + " as " + value + ", not a "
          + type.getSimpleName().toLowerCase(Locale.ROOT) + "; pass --data to evaluate on data of your own");
    }
    return type.cast(value);
  }

  /**
   * {@code source} with its labels read as indices into {@code classNames}, when the training
   * data named its classes; null stays null.
   */
  static DataSource named(DataSource source, List<String> classNames) {
    if (source == null || classNames == null) {
      return source;
    }
    if (source instanceof DataSource.CsvFile csv) {
      return csv.withClassNames(classNames);
    }
    throw new UsageException(source.describe() + " has numeric labels, but the training data names its classes ("
        + numbered(classNames) + "); give a CSV file with the same names");
  }

  /** Class names with the indices they stand for, the first few of many. */
  static String numbered(List<String> names) {
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < Math.min(names.size(), 20); k++) {
      text.append(k == 0 ? "" : ", ").append(k).append(' ').append(names.get(k));
    }
    return names.size() > 20 ? text + ", … (" + names.size() + " in all)" : text.toString();
  }

  /** Tab-separated by its name: read as CSV with a tab for the delimiter, unless told otherwise. */
  private static boolean isTsv(FileStatus status) {
    String name = status.getPath().getName().toLowerCase(Locale.ROOT);
    return !status.isDirectory() && (name.endsWith(".tsv") || name.endsWith(".tsv.gz"));
  }

  private static String guessFormat(String path, FileStatus status) {
    String name = status.getPath().getName().toLowerCase(Locale.ROOT);
    if (status.isDirectory()) {
      return "idx";
    }
    if (name.contains("-idx") || name.endsWith(".idx")) {
      return "idx";
    }
    if (name.endsWith(".csv") || name.endsWith(".csv.gz") || isTsv(status)) {
      return "csv";
    }
    if (name.endsWith(".libsvm") || name.endsWith(".svm") || name.endsWith(".libsvm.gz") || name.endsWith(".svm.gz")) {
      return "libsvm";
    }
    throw new UsageException("cannot tell the format of " + path + " from its name; pass --format csv, libsvm or idx");
  }

  /** An IDX images file with its labels file beside it. */
  private static DataSource.IdxFiles idxFile(String images, Configuration hadoop) {
    String name = new Path(images).getName();
    String labelsName;
    try {
      labelsName = Idx.labelsFileFor(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException(images + ": an IDX images file's name contains 'images-idx3' so its labels file can be found beside it");
    }
    String labels = new Path(new Path(images).getParent(), labelsName).toString();
    status(labels, hadoop);
    return new DataSource.IdxFiles(images, labels);
  }

  /** A directory holding train-… and t10k-… images and labels, as MNIST and Fashion-MNIST ship. */
  private static Resolved idxDirectory(String dir, Configuration hadoop, String hint) {
    String train = findIdx(dir, "train-images-idx3-ubyte", hadoop, hint);
    String test = findIdx(dir, "t10k-images-idx3-ubyte", hadoop, hint);
    return new Resolved(idxFile(train, hadoop), idxFile(test, hadoop));
  }

  private static String findIdx(String dir, String stem, Configuration hadoop, String hint) {
    for (String candidate : new String[] {stem + ".gz", stem}) {
      Path p = new Path(dir, candidate);
      try {
        if (p.getFileSystem(hadoop).exists(p)) {
          return p.toString();
        }
      } catch (IOException e) {
        throw new DataFormatException(dir, 0, "cannot read: " + e.getMessage());
      }
    }
    throw new DataFormatException(dir, 0, "no " + stem + "[.gz] here" + (hint == null ? "" : "; " + hint));
  }

  private static FileStatus status(String path, Configuration hadoop) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      if (!fs.exists(p)) {
        throw new DataFormatException(path, 0, "no such file or directory");
      }
      return fs.getFileStatus(p);
    } catch (IOException e) {
      throw new DataFormatException(path, 0, "cannot read: " + e.getMessage());
    }
  }
}
