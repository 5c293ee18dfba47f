package dev.sparkprop.datasets;

/**
 * A problem with a user's data file, as opposed to a bug or an I/O failure.
 *
 * <p>The message has the form {@code <source>:<line>: <problem>}, or {@code <source>: <problem>}
 * when the problem has no position, so that it reads like a compiler diagnostic and an editor can
 * jump to it. {@code line} is a 1-based line number for text formats and a 1-based record number
 * for IDX files; 0 means the problem concerns the file as a whole.
 *
 * <p>It is unchecked because it travels out of Spark tasks and through lambdas, and because there
 * is nothing a caller can do about it except show it to the user.
 */
public class DataFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long line;
  private final String problem;

  public DataFormatException(String source, long line, String problem) {
    this(source, line, problem, null);
  }

  /** Keeps the low-level cause (a {@code ZipException}, say) for the stack trace. */
  public DataFormatException(String source, long line, String problem, Throwable cause) {
    super(message(source, line, problem), cause);
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0 (0 = no position), got " + line);
    }
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  private static String message(String source, long line, String problem) {
    return line > 0 ? source + ":" + line + ": " + problem : source + ": " + problem;
  }

  /** The file or dataset name the user gave, as it should appear in the message. */
  public String source() {
    return source;
  }

  /** 1-based line or record number, or 0 when the problem concerns the whole source. */
  public long line() {
    return line;
  }

  /** The problem alone, without the position prefix. */
  public String problem() {
    return problem;
  }
}
