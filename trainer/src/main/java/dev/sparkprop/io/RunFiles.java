package dev.sparkprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files of one training run with {@code --out}, written into the hidden directory that
 * becomes the model directory: the history as each epoch ends, then the final evaluation and
 * the configuration, then the model itself, and the whole directory renamed into place at once
 * ({@link ModelFile}). A run that fails leaves nothing at its destination: closing an uncommitted
 * run deletes the hidden directory, and a run killed before it could is swept by the next save
 * beside it ({@link Staging}). While the run goes, its history can be followed with
 * {@code tail -f DIR/../.NAME.tmp-*}{@code /history.jsonl}.
 */
public final class RunFiles implements AutoCloseable {

  /** One JSON object per epoch: {@link RunHistory}. */
  public static final String HISTORY = "history.jsonl";
  /** The final evaluation (test, and validation at the kept epoch), with the confusion matrix. */
  public static final String EVALUATION = "evaluation.json";
  /** The run's effective options, readable by {@code train --config}. */
  public static final String CONFIG = "config.properties";
  /** Where {@code report} puts its pictures and page by default. */
  public static final String REPORT = "report";

  private final Path dir;
  private final Staging staged;
  private RunHistory.Writer history;
  private boolean committed;

  private RunFiles(Path dir, Staging staged) {
    this.dir = dir;
    this.staged = staged;
  }

  /**
   * Makes the hidden directory beside {@code dir} and opens the history in it.
   *
   * @throws ModelFormatException when the directory cannot be made
   */
  public static RunFiles stage(Path dir) {
    Staging staged = ModelFile.stage(dir);
    RunFiles run = new RunFiles(dir, staged);
    try {
      run.history = new RunHistory.Writer(staged.dir().resolve(HISTORY));
    } catch (IOException e) {
      ModelFile.discard(staged);
      throw new ModelFormatException(dir, "cannot write the run history: " + e.getMessage(), e);
    }
    return run;
  }

  public RunHistory.Writer history() {
    return history;
  }

  /** Writes one of the run's files ({@link ModelFile#RUN_FILES}) and syncs it. */
  public void write(String name, byte[] content) {
    if (!ModelFile.RUN_FILES.contains(name)) {
      throw new IllegalArgumentException(name + " is not one of a run's files " + ModelFile.RUN_FILES);
    }
    try (FileChannel out = FileChannel.open(staged.dir().resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    } catch (IOException e) {
      throw new ModelFormatException(dir, "cannot write " + name + ": " + e.getMessage(), e);
    }
  }

  /** Saves the model beside the run's files and puts the directory in place. */
  public void commit(Model model, boolean overwrite) {
    try {
      history.close();
    } catch (IOException e) {
      throw new ModelFormatException(dir, "cannot write the run history: " + e.getMessage(), e);
    }
    ModelFile.save(model, dir, overwrite, staged);
    committed = true;
    staged.release();
  }

  /** Without a commit, deletes everything the run wrote. */
  @Override
  public void close() {
    if (committed) {
      return;
    }
    try {
      history.close();
    } catch (IOException e) {
      // Deleted next; a second error would hide the first.
    }
    ModelFile.discard(staged);
  }
}
