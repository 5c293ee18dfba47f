package dev.sparkprop.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The sparse LIBSVM / SVMlight text format.
 *
 * <p>Format: one example per line, {@code label index:value index:value ...}, tokens separated by
 * spaces or tabs, indices 1-based and strictly ascending, absent indices meaning 0. A {@code #}
 * starts a comment that runs to the end of the line; lines that are blank or only a comment are
 * skipped by the readers. Feature {@code index} becomes dense feature {@code index - 1}.
 *
 * <p>An instance fixes the feature count so that a Spark task can parse each line straight into
 * its dense batch with {@link #parse(String, String, long, float[], int)}, allocating nothing for
 * integer values; the static {@link #parse(String, String, long)} returns the sparse row instead.
 */
public final class LibsvmFormat implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int features;

  /** @param features the dense feature count: the largest index allowed */
  public LibsvmFormat(int features) {
    if (features < 1) {
      throw new IllegalArgumentException("features must be >= 1, got " + features);
    }
    this.features = features;
  }

  public int features() {
    return features;
  }

  /**
   * Parses one line into a dense example: zero-fills {@code out[offset .. offset + features)},
   * scatters the values there and returns the label.
   *
   * @throws DataFormatException as {@link #parse(String, String, long)}, or on an index beyond
   *                             the feature count
   */
  public double parse(String line, String source, long lineNumber, float[] out, int offset) {
    Cursor cursor = new Cursor(line, source, lineNumber);
    Arrays.fill(out, offset, offset + features, 0f);
    while (cursor.next()) {
      if (cursor.index >= features) {
        throw beyond(cursor.index, features, source, lineNumber);
      }
      out[offset + cursor.index] = cursor.value;
    }
    return cursor.label;
  }

  /**
   * Parses one line into a sparse row.
   *
   * @throws DataFormatException on a missing or bad label, a malformed {@code index:value} pair,
   *                             an index below 1, indices not strictly ascending, or a NaN or
   *                             infinite value
   */
  public static LibsvmRow parse(String line, String source, long lineNumber) {
    Cursor cursor = new Cursor(line, source, lineNumber);
    int[] indices = new int[8];
    float[] values = new float[8];
    int n = 0;
    while (cursor.next()) {
      if (n == indices.length) {
        indices = Arrays.copyOf(indices, n * 2);
        values = Arrays.copyOf(values, n * 2);
      }
      indices[n] = cursor.index;
      values[n] = cursor.value;
      n++;
    }
    return new LibsvmRow(cursor.label, Arrays.copyOf(indices, n), Arrays.copyOf(values, n));
  }

  /**
   * Writes {@code row} as a dense example: zero-fills {@code out[offset .. offset + features)}
   * and scatters the row's values there.
   *
   * @throws DataFormatException when an index is not below {@code features}
   */
  public static void densify(LibsvmRow row, int features, String source, long lineNumber, float[] out,
      int offset) {
    int[] indices = row.indices();
    float[] values = row.values();
    Arrays.fill(out, offset, offset + features, 0f);
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] >= features) {
        throw beyond(indices[k], features, source, lineNumber);
      }
      out[offset + indices[k]] = values[k];
    }
  }

  /** True for a line that holds no example: whitespace only, or a comment. */
  public static boolean isBlank(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '#') {
        return true;
      }
      if (!Numbers.isWhitespace(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads a whole UTF-8 stream, gzip-compressed or not (recognised by its magic bytes 1f 8b).
   * The stream is not closed.
   *
   * @param features the dense feature count, or {@code <= 0} to use the largest index in the
   *                 file
   * @throws DataFormatException  on bad data, an unreadable gzip file or no data rows
   * @throws UncheckedIOException when reading fails for another reason
   */
  public static DenseDataset read(InputStream in, String source, int features) {
    return Inputs.readText(in, source, lines -> features > 0
        ? readDense(lines, source, new LibsvmFormat(features))
        : readInferringFeatures(lines, source));
  }


  private static DenseDataset readDense(BufferedReader reader, String source, LibsvmFormat format)
      throws IOException {
    ExampleBuffer buffer = new ExampleBuffer(format.features, source);
    long lineNumber = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (isBlank(line)) {
        continue;
      }
      int offset = buffer.reserve(lineNumber);
      buffer.commit(format.parse(line, source, lineNumber, buffer.features(), offset));
    }
    if (buffer.size() == 0) {
      throw new DataFormatException(source, 0, "no data rows");
    }
    return buffer.build();
  }

  /**
   * The feature count is known only at the end, so the rows are kept sparse until then, in
   * compressed-row form rather than as one object per row.
   */
  private static DenseDataset readInferringFeatures(BufferedReader reader, String source) throws IOException {
    double[] labels = new double[1024];
    int[] rowEnds = new int[1024];
    int[] indices = new int[8192];
    float[] values = new float[8192];
    int rows = 0;
    int stored = 0;
    int features = 0;
    long lineNumber = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (isBlank(line)) {
        continue;
      }
      Cursor cursor = new Cursor(line, source, lineNumber);
      while (cursor.next()) {
        if (stored == indices.length) {
          int capacity = grow(stored, source, lineNumber);
          indices = Arrays.copyOf(indices, capacity);
          values = Arrays.copyOf(values, capacity);
        }
        indices[stored] = cursor.index;
        values[stored] = cursor.value;
        stored++;
        features = Math.max(features, cursor.index + 1);
      }
      if (rows == labels.length) {
        int capacity = grow(rows, source, lineNumber);
        labels = Arrays.copyOf(labels, capacity);
        rowEnds = Arrays.copyOf(rowEnds, capacity);
      }
      labels[rows] = cursor.label;
      rowEnds[rows] = stored;
      rows++;
    }
    if (rows == 0) {
      throw new DataFormatException(source, 0, "no data rows");
    }
    if (features == 0) {
      throw new DataFormatException(source, 0, "no feature in any row, so the feature count cannot be inferred");
    }
    if ((long) rows * features > ExampleBuffer.MAX_ARRAY) {
      throw new DataFormatException(source, 0, "too large for one in-memory dataset: "
          + rows + " examples × " + features + " features");
    }
    float[] dense = new float[rows * features];
    int start = 0;
    for (int r = 0; r < rows; r++) {
      int base = r * features;
      for (int k = start; k < rowEnds[r]; k++) {
        dense[base + indices[k]] = values[k];
      }
      start = rowEnds[r];
    }
    return new DenseDataset(features, dense, Arrays.copyOf(labels, rows));
  }

  private static int grow(int length, String source, long lineNumber) {
    if (length >= ExampleBuffer.MAX_ARRAY) {
      throw new DataFormatException(source, lineNumber, "too large for one in-memory dataset");
    }
    return (int) Math.min(ExampleBuffer.MAX_ARRAY, (long) length * 2);
  }

  private static DataFormatException beyond(int index, int features, String source, long lineNumber) {
    return new DataFormatException(source, lineNumber,
        "index " + ((long) index + 1) + " beyond the " + features + " features");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LibsvmFormat f && f.features == features;
  }

  @Override
  public int hashCode() {
    return features;
  }

  @Override
  public String toString() {
    return "LibsvmFormat[features=" + features + "]";
  }

  /**
   * Walks one line: the constructor reads the label, each {@link #next()} one pair. One small
   * object per line, which the JIT usually keeps off the heap; the values live in fields so that
   * no pair object is made.
   */
  private static final class Cursor {
    private final String line;
    private final String source;
    private final long lineNumber;
    private final int end;
    private int position;
    final double label;
    /** 0-based index of the current pair; -1 before the first. */
    int index = -1;
    float value;

    Cursor(String line, String source, long lineNumber) {
      this.line = line;
      this.source = source;
      this.lineNumber = lineNumber;
      int hash = line.indexOf('#');
      this.end = hash < 0 ? line.length() : hash;
      int from = skipWhitespace(0);
      int to = tokenEnd(from);
      if (from == to) {
        throw new DataFormatException(source, lineNumber, "no label");
      }
      double parsed;
      try {
        parsed = Numbers.parseDouble(line, from, to);
      } catch (NumberFormatException e) {
        String token = Numbers.quote(line.substring(from, to));
        throw new DataFormatException(source, lineNumber, token.indexOf(':') >= 0
            ? "no label: the line starts with the pair " + token
            : "non-numeric label " + token);
      }
      if (!Double.isFinite(parsed)) {
        throw new DataFormatException(source, lineNumber,
            Numbers.nonFiniteProblem(parsed, line, from, to, "as label"));
      }
      this.label = parsed;
      this.position = to;
    }

    boolean next() {
      int from = skipWhitespace(position);
      if (from >= end) {
        return false;
      }
      int to = tokenEnd(from);
      position = to;
      int colon = line.indexOf(':', from);
      if (colon < 0 || colon >= to || colon == from || colon == to - 1) {
        throw malformed(from, to);
      }
      long parsedIndex = parseIndex(from, colon, to);
      if (parsedIndex < 1) {
        throw new DataFormatException(source, lineNumber,
            "index " + parsedIndex + ": LIBSVM indices start at 1");
      }
      int zeroBased = (int) (parsedIndex - 1);
      if (zeroBased <= index) {
        throw new DataFormatException(source, lineNumber, "index " + parsedIndex + " after index "
            + (index + 1) + ": indices must be strictly ascending");
      }
      float parsedValue;
      try {
        parsedValue = Numbers.parseFloat(line, colon + 1, to);
      } catch (NumberFormatException e) {
        throw new DataFormatException(source, lineNumber,
            "non-numeric value in pair " + Numbers.quote(line.substring(from, to)));
      }
      if (!Float.isFinite(parsedValue)) {
        throw new DataFormatException(source, lineNumber, Numbers.nonFiniteProblem(
            parsedValue, line, colon + 1, to, "in pair " + Numbers.quote(line.substring(from, to))));
      }
      index = zeroBased;
      value = parsedValue;
      return true;
    }

    /** The index digits with an optional minus, so that "-3:1" gets the "start at 1" message. */
    private long parseIndex(int from, int colon, int to) {
      int i = from;
      boolean negative = line.charAt(i) == '-';
      if (negative) {
        i++;
      }
      if (i == colon) {
        throw malformed(from, to);
      }
      long v = 0;
      for (; i < colon; i++) {
        int digit = line.charAt(i) - '0';
        if (digit < 0 || digit > 9) {
          throw malformed(from, to);
        }
        v = v * 10 + digit;
        if (v > Integer.MAX_VALUE) {
          throw new DataFormatException(source, lineNumber, "index " + line.substring(from, colon)
              + " too large (at most " + Integer.MAX_VALUE + ")");
        }
      }
      return negative ? -v : v;
    }

    private DataFormatException malformed(int from, int to) {
      return new DataFormatException(source, lineNumber, "malformed pair "
          + Numbers.quote(line.substring(from, to)) + " (expected index:value)");
    }

    private int skipWhitespace(int i) {
      while (i < end && Numbers.isWhitespace(line.charAt(i))) {
        i++;
      }
      return i;
    }

    private int tokenEnd(int i) {
      while (i < end && !Numbers.isWhitespace(line.charAt(i))) {
        i++;
      }
      return i;
    }
  }
}
