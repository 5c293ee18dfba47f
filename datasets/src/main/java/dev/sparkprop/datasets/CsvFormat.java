package dev.sparkprop.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Delimited text with one example per line: numeric fields, one of which is the label, a number
 * or, when the format is given the classes' names, a class name.
 *
 * <p>Format: UTF-8 lines of fields separated by a single {@link #delimiter()} character; every data
 * line has the same number of columns; the label is column {@link #labelColumn()} (0-based, -1 for
 * the last) and the features are all the other columns in order. An optional first line is a
 * header and is skipped. Fields may have surrounding whitespace; they may not be empty, quoted, NaN
 * or infinite. Blank lines are skipped; line numbers in messages count every physical line, as an
 * editor does. A leading byte-order mark is ignored.
 *
 * <p>{@link #parse} is the per-line entry point for Spark tasks: it scans the line once by index,
 * writes the features straight into the caller's batch array and allocates nothing for integer
 * fields. {@link #read} reads a whole file for local use.
 */
public final class CsvFormat implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private final int labelColumn;
  private final boolean header;
  private final char delimiter;
  /** Sorted: a label is the index of its name here. Null when labels are numbers. */
  private final String[] classNames;

  /**
   * @param labelColumn 0-based column of the label, or -1 for the last column
   * @param header      whether the first non-blank line is a header to skip
   * @param delimiter   the field separator; not a character that can occur in a number
   */
  public CsvFormat(int labelColumn, boolean header, char delimiter) {
    this(labelColumn, header, delimiter, null);
  }

  /**
   * As {@link #CsvFormat(int, boolean, char)}, for a label column that holds class names: each
   * label is read as the index of its name in {@code classNames}, which must be sorted and
   * distinct ({@link #sortedNames}). Null means labels are numbers.
   */
  public CsvFormat(int labelColumn, boolean header, char delimiter, List<String> classNames) {
    if (labelColumn < -1) {
      throw new IllegalArgumentException(
          "labelColumn must be >= 0, or -1 for the last column; got " + labelColumn);
    }
    if ((delimiter >= '0' && delimiter <= '9') || "+-.eE\n\r".indexOf(delimiter) >= 0) {
      throw new IllegalArgumentException("delimiter '" + delimiter + "' can occur inside a number or ends lines");
    }
    if (classNames != null && !classNames.equals(sortedNames(classNames))) {
      throw new IllegalArgumentException("class names must be sorted and distinct: " + classNames);
    }
    this.labelColumn = labelColumn;
    this.header = header;
    this.delimiter = delimiter;
    this.classNames = classNames == null ? null : classNames.toArray(String[]::new);
  }

  /** Names in the order their indices follow: sorted by their characters, each once. */
  public static List<String> sortedNames(Collection<String> names) {
    return List.copyOf(new TreeSet<>(names));
  }

  /**
   * The label field of a line of {@code columns} columns, trimmed, as written: for telling
   * class names from numbers before the labels are read.
   */
  public String labelText(String line, String source, long lineNumber, int columns) {
    int labelIndex = checkShape(columns, source, lineNumber);
    int start = line.length() > 0 && line.charAt(0) == BYTE_ORDER_MARK ? 1 : 0;
    for (int column = 0; column < labelIndex; column++) {
      int next = line.indexOf(delimiter, start);
      if (next < 0) {
        throw wrongColumnCount(line, source, lineNumber, columns);
      }
      start = next + 1;
    }
    int end = line.indexOf(delimiter, start);
    int to = end < 0 ? line.length() : end;
    // Trimmed as parse trims, so that the name found here is the name parse looks up.
    while (start < to && Numbers.isWhitespace(line.charAt(start))) {
      start++;
    }
    while (to > start && Numbers.isWhitespace(line.charAt(to - 1))) {
      to--;
    }
    return line.substring(start, to);
  }

  /**
   * Every field of a line as text, trimmed as {@link #parse} trims, a leading byte-order mark
   * dropped: a header's column names, say.
   */
  public List<String> fields(String line) {
    int start = line.length() > 0 && line.charAt(0) == BYTE_ORDER_MARK ? 1 : 0;
    List<String> fields = new ArrayList<>();
    while (true) {
      int end = line.indexOf(delimiter, start);
      int to = end < 0 ? line.length() : end;
      int from = start;
      while (from < to && Numbers.isWhitespace(line.charAt(from))) {
        from++;
      }
      while (to > from && Numbers.isWhitespace(line.charAt(to - 1))) {
        to--;
      }
      fields.add(line.substring(from, to));
      if (end < 0) {
        return fields;
      }
      start = end + 1;
    }
  }

  /** Whether {@code text} reads as a number label, as opposed to a class name. */
  public static boolean isNumber(String text) {
    try {
      Numbers.parseDouble(text, 0, text.length());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A delimiter as messages show it: quoted, and a tab by name, since it would not show. */
  public static String describe(char delimiter) {
    return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
  }

  /** Label in the last column, no header, comma-separated. */
  public static CsvFormat defaults() {
    return new CsvFormat(-1, false, ',');
  }

  public int labelColumn() {
    return labelColumn;
  }

  public boolean header() {
    return header;
  }

  public char delimiter() {
    return delimiter;
  }

  /** Fields on the line: the number of delimiters plus one (so an empty line has one). */
  public int countColumns(String line) {
    int columns = 1;
    int at = line.indexOf(delimiter);
    while (at >= 0) {
      columns++;
      at = line.indexOf(delimiter, at + 1);
    }
    return columns;
  }

  /** True for a line of nothing but whitespace, which readers skip. */
  public static boolean isBlank(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (!Numbers.isWhitespace(line.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses one data line with {@code expectedColumns} columns, writing its
   * {@code expectedColumns - 1} features to {@code out[offset..]} and returning its label.
   *
   * @param source     the file name for messages
   * @param lineNumber 1-based physical line number for messages
   * @throws DataFormatException on a wrong column count, an empty, non-numeric, NaN or infinite
   *                             field, or a label column beyond the data
   */
  public double parse(String line, String source, long lineNumber, int expectedColumns, float[] out, int offset) {
    return parseRow(line, source, lineNumber, expectedColumns, checkShape(expectedColumns, source, lineNumber),
        true, out, offset);
  }

  /**
   * As {@link #parse}, for rows to be scored: the label column is skipped unread, so a class a
   * model never saw, or any other value there, does not stop the scoring.
   */
  public void parseSkippingLabel(String line, String source, long lineNumber, int expectedColumns, float[] out,
      int offset) {
    parseRow(line, source, lineNumber, expectedColumns, checkShape(expectedColumns, source, lineNumber), false,
        out, offset);
  }

  /**
   * Parses one line of a file without labels, rows to be scored by a model: all
   * {@code expectedColumns} columns are features, written to {@code out[offset..]}.
   *
   * @throws DataFormatException as {@link #parse} does, except for the label
   */
  public void parseFeatures(String line, String source, long lineNumber, int expectedColumns, float[] out,
      int offset) {
    parseRow(line, source, lineNumber, expectedColumns, -1, false, out, offset);
  }

  /**
   * The fields of a line: the features written, the label's (none when {@code labelIndex} is −1)
   * returned, or skipped unless {@code readLabel}.
   */
  private double parseRow(String line, String source, long lineNumber, int expectedColumns, int labelIndex,
      boolean readLabel, float[] out, int offset) {
    int length = line.length();
    int start = length > 0 && line.charAt(0) == BYTE_ORDER_MARK ? 1 : 0;
    int column = 0;
    int o = offset;
    double label = 0;
    while (true) {
      int end = line.indexOf(delimiter, start);
      if (end < 0) {
        end = length;
      }
      if (column == expectedColumns) {
        throw wrongColumnCount(line, source, lineNumber, expectedColumns);
      }
      int from = start;
      int to = end;
      while (from < to && Numbers.isWhitespace(line.charAt(from))) {
        from++;
      }
      while (to > from && Numbers.isWhitespace(line.charAt(to - 1))) {
        to--;
      }
      if (column == labelIndex) {
        if (readLabel) {
          if (from == to) {
            throw new DataFormatException(source, lineNumber, "empty value in column " + (column + 1));
          }
          label = parseLabel(line, from, to, column, source, lineNumber);
        }
      } else {
        if (from == to) {
          throw new DataFormatException(source, lineNumber, "empty value in column " + (column + 1));
        }
        out[o++] = parseFeature(line, from, to, column, source, lineNumber);
      }
      column++;
      if (end == length) {
        break;
      }
      start = end + 1;
    }
    if (column != expectedColumns) {
      throw wrongColumnCount(line, source, lineNumber, expectedColumns);
    }
    return label;
  }

  private int checkShape(int columns, String source, long lineNumber) {
    if (columns < 2) {
      throw new DataFormatException(source, lineNumber,
          "only " + columns + (columns == 1 ? " column" : " columns")
              + ": need a label and at least one feature"
              + " (is the delimiter " + describe(delimiter) + " right?)");
    }
    int labelIndex = labelColumn < 0 ? columns - 1 : labelColumn;
    if (labelIndex >= columns) {
      throw new DataFormatException(source, lineNumber,
          "label column " + (labelIndex + 1) + " does not exist: the data has " + columns + " columns");
    }
    return labelIndex;
  }

  private DataFormatException wrongColumnCount(String line, String source, long lineNumber, int expected) {
    return new DataFormatException(source, lineNumber,
        "expected " + expected + " columns, found " + countColumns(line));
  }

  private float parseFeature(String line, int from, int to, int column, String source, long lineNumber) {
    float value;
    try {
      value = Numbers.parseFloat(line, from, to);
    } catch (NumberFormatException e) {
      throw nonNumeric(line, from, to, column, source, lineNumber);
    }
    if (!Float.isFinite(value)) {
      throw nonFinite(value, line, from, to, column, source, lineNumber);
    }
    return value;
  }

  private double parseLabel(String line, int from, int to, int column, String source, long lineNumber) {
    if (classNames != null) {
      int index = Arrays.binarySearch(classNames, line.substring(from, to));
      if (index < 0) {
        throw new DataFormatException(source, lineNumber, "label " + Numbers.quote(line.substring(from, to))
            + " in column " + (column + 1) + " is not one of the " + classNames.length + " classes: "
            + listed(classNames));
      }
      return index;
    }
    double value;
    try {
      value = Numbers.parseDouble(line, from, to);
    } catch (NumberFormatException e) {
      DataFormatException plain = nonNumeric(line, from, to, column, source, lineNumber);
      if (lineNumber == 1 && !header) {
        throw plain; // the header hint says it all
      }
      // A word among number labels: say that the two do not mix.
      throw new DataFormatException(source, lineNumber, plain.problem() + ", the label column, whose labels are"
          + " numbers here; labels are all numbers or all class names");
    }
    if (!Double.isFinite(value)) {
      throw nonFinite(value, line, from, to, column, source, lineNumber);
    }
    return value;
  }

  /** Names for a message: all of a few, the first ones of many. */
  private static String listed(String[] names) {
    int shown = Math.min(names.length, 10);
    String list = String.join(", ", Arrays.asList(names).subList(0, shown));
    return names.length > shown ? list + ", … (" + (names.length - shown) + " more)" : list;
  }

  private DataFormatException nonNumeric(String line, int from, int to, int column, String source,
      long lineNumber) {
    String problem = "non-numeric value " + Numbers.quote(line.substring(from, to)) + " in column " + (column + 1);
    if (lineNumber == 1 && !header) {
      problem += "; line 1 looks like a header: pass --header";
    }
    return new DataFormatException(source, lineNumber, problem);
  }

  private static DataFormatException nonFinite(double value, String line, int from, int to, int column,
      String source, long lineNumber) {
    return new DataFormatException(source, lineNumber,
        Numbers.nonFiniteProblem(value, line, from, to, "in column " + (column + 1)));
  }

  /**
   * Reads a whole UTF-8 stream, gzip-compressed or not (recognised by its magic bytes 1f 8b).
   * The stream is not closed.
   *
   * @param source the file name for messages; a name ending in {@code .gz} must hold gzip data
   * @throws DataFormatException  on bad data, an unreadable gzip file or no data rows
   * @throws UncheckedIOException when reading fails for another reason
   */
  public static DenseDataset read(InputStream in, String source, CsvFormat format) {
    return Inputs.readText(in, source, lines -> format.readLines(lines, source));
  }


  private DenseDataset readLines(BufferedReader reader, String source) throws IOException {
    long lineNumber = 0;
    int columns = -1;
    boolean headerPending = header;
    ExampleBuffer buffer = null;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (isBlank(line)) {
        continue;
      }
      if (headerPending) {
        // The header fixes the column count, so a short first data row is caught too.
        columns = countColumns(line);
        checkShape(columns, source, lineNumber);
        headerPending = false;
        continue;
      }
      if (buffer == null) {
        if (columns < 0) {
          columns = countColumns(line);
        }
        checkShape(columns, source, lineNumber);
        buffer = new ExampleBuffer(columns - 1, source);
      }
      int offset = buffer.reserve(lineNumber);
      buffer.commit(parse(line, source, lineNumber, columns, buffer.features(), offset));
    }
    if (buffer == null) {
      throw new DataFormatException(source, 0, "no data rows");
    }
    return buffer.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CsvFormat f
        && f.labelColumn == labelColumn && f.header == header && f.delimiter == delimiter;
  }

  @Override
  public int hashCode() {
    return (labelColumn * 31 + (header ? 1 : 0)) * 31 + delimiter;
  }

  @Override
  public String toString() {
    return "CsvFormat[labelColumn=" + labelColumn + ", header=" + header + ", delimiter='" + delimiter + "']";
  }
}
