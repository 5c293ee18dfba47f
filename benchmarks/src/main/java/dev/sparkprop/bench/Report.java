package dev.sparkprop.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark's results as a table: printed as Markdown and written as CSV, so a run can be
 * pasted into docs/BENCHMARKS.md and compared with later runs.
 */
public final class Report {

  private final String title;
  private final List<String> columns;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public Report(String title, String... columns) {
    this.title = title;
    this.columns = List.of(columns);
  }

  /** Adds a row; numbers are formatted with up to four significant decimals. */
  public Report row(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException("expected " + columns.size() + " values, got " + values.length);
    }
    List<String> row = new ArrayList<>();
    for (Object v : values) {
      row.add(format(v));
    }
    rows.add(row);
    return this;
  }

  /** A line printed under the table. */
  public Report note(String text) {
    notes.add(text);
    return this;
  }

  public String markdown() {
    StringBuilder b = new StringBuilder("### ").append(title).append("\n\n| ")
        .append(String.join(" | ", columns)).append(" |\n|");
    b.append("---|".repeat(columns.size())).append('\n');
    for (List<String> row : rows) {
      b.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    for (String n : notes) {
      b.append('\n').append(n).append('\n');
    }
    return b.toString();
  }

  /** Prints the Markdown table and writes {@code <dir>/<name>.csv}. */
  public void publish(Path dir, String name) {
    System.out.println(markdown());
    try {
      Files.createDirectories(dir);
      StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
      for (List<String> row : rows) {
        csv.append(String.join(",", row.stream().map(Report::csvField).toList())).append('\n');
      }
      Files.writeString(dir.resolve(name + ".csv"), csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String format(Object v) {
    if (v instanceof Double d) {
      double a = Math.abs(d);
      if (a != 0 && (a >= 1e6 || a < 1e-3)) {
        return String.format(Locale.ROOT, "%.3e", d);
      }
      return String.format(Locale.ROOT, a >= 100 ? "%.1f" : "%.4f", d);
    }
    if (v instanceof Float f) {
      return format(f.doubleValue());
    }
    return String.valueOf(v);
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
