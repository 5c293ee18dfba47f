package dev.sparkprop.spark;

import java.io.Serializable;

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

  /** A CSV file or directory of files, read through Spark's text input, its fields separated by {@code delimiter}. */
  record CsvFile(String path, int labelColumn, boolean header, char delimiter) implements DataSource {
    /** Comma-separated. */
    public CsvFile(String path, int labelColumn, boolean header) {
      this(path, labelColumn, header, ',');
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
