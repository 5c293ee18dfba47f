package dev.sparkprop.io;

import java.nio.file.Path;

/**
 * A model directory that cannot be read or written: missing, damaged, from a newer sparkprop,
 * inconsistent, or in the way of a save. The message has the form {@code <file>: <problem>},
 * naming the file concerned (the directory, {@code model.json} or {@code weights.bin}), so that it
 * can be shown to the user as it is.
 *
 * <p>Unchecked, like {@link dev.sparkprop.datasets.DataFormatException}: there is nothing a caller
 * can do about it but report it.
 */
public class ModelFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final String problem;

  public ModelFormatException(Path file, String problem) {
    this(file, problem, null);
  }

  /** Keeps the low-level cause (an {@code IOException}, a JSON parse error) for the stack trace. */
  public ModelFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file.toString();
    this.problem = problem;
  }

  /** The file or directory concerned, as the caller named it. */
  public String file() {
    return file;
  }

  /** The problem alone, without the file name. */
  public String problem() {
    return problem;
  }
}
