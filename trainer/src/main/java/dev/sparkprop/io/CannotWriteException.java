package dev.sparkprop.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An output the user asked for (predictions, checkpoints) that the file system refused: a full
 * disk, a read-only directory, missing permissions. It is the user's to fix, so the command line
 * reports it as one line, {@code <file>: <problem>: <reason>}, without a stack trace.
 */
public final class CannotWriteException extends UncheckedIOException {

  private static final long serialVersionUID = 1L;

  public CannotWriteException(Path file, String problem, IOException cause) {
    super(file + ": " + problem + ": " + ModelFile.describe(cause), cause);
  }
}
