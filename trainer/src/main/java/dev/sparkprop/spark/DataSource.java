package dev.sparkprop.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Where examples come from, described small enough to ship to every task: each partition then
 * reads its own share inside the task, so examples never travel inside task closures.
 */
public sealed interface DataSource extends Serializable
    permits DataSource.BuiltIn, DataSource.IdxFiles, DataSource.CsvFile, DataSource.LibsvmFile {

  /** How the source is named in plans and messages. */
  String describe();

  /**
   * A data set that ships with the program or is generated from a seed: {@code digits},
   * {@code xor}, {@code spirals}, {@code blobs}.
   */
  record BuiltIn(String name, long seed, int size) implements DataSource {
    @Override
    public String describe() {
      return name;
    }
  }

  /** An IDX images file and its labels file (MNIST layout), local or on any Hadoop file system. */
  record IdxFiles(String images, String labels) implements DataSource {
    @Override
    public String describe() {
      return images;
    }
  }

  /**
   * A CSV file or directory of files, read through Spark's text input, its fields separated by
   * {@code delimiter}. {@code classNames} is null when the labels are numbers; otherwise the
   * label column holds these names, sorted, and each label reads as its name's index.
   */
  record CsvFile(String path, int labelColumn, boolean header, char delimiter, List<String> classNames)
      implements DataSource {
    public CsvFile {
      classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** Comma-separated, labels that are numbers. */
    public CsvFile(String path, int labelColumn, boolean header) {
      this(path, labelColumn, header, ',');
    }

    /** Labels that are numbers. */
    public CsvFile(String path, int labelColumn, boolean header, char delimiter) {
      this(path, labelColumn, header, delimiter, null);
    }

    /** The same file, its labels read as indices into {@code names} (sorted). */
    public CsvFile withClassNames(List<String> names) {
      return new CsvFile(path, labelColumn, header, delimiter, names);
    }

    @Override
    public String describe() {
      return path;
    }
  }

  /** A LIBSVM text file; {@code features} ≤ 0 means the largest index found. */
  record LibsvmFile(String path, int features) implements DataSource {
    @Override
    public String describe() {
      return path;
    }
  }
}
