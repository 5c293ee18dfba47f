package dev.sparkprop.cli;

import dev.sparkprop.io.CannotWriteException;
import dev.sparkprop.io.RunFiles;
import dev.sparkprop.report.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Draws a run's training curves (loss, and accuracy or R², against epoch; train and validation) "
        + "as PNG files, and writes report.html: the curves, the confusion matrix, the history and the configuration, "
        + "in one page that needs no other file.",
        "RUN_DIR is a directory written by train --out."})
final class ReportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "RUN_DIR", arity = "0..1", description = "A model directory written by train --out.")
  Path runDir;

  // evaluate and predict name the model with --model; the same words work here.
  @Option(names = "--model", paramLabel = "DIR", description = "The same as RUN_DIR, as evaluate and predict take it.")
  Path model;

  @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: RUN_DIR/" + RunFiles.REPORT + ").")
  Path out;

  @Override
  public Integer call() throws Exception {
    // Charts are drawn off-screen; without this, AWT would look for a display.
    System.setProperty("java.awt.headless", "true");
    if (runDir == null && model == null) {
      throw new UsageException("report needs the run's directory: sparkprop report DIR (or --model DIR)");
    }
    if (runDir != null && model != null && !runDir.equals(model)) {
      throw new UsageException("report takes one run directory, given twice: " + runDir + " and --model " + model);
    }
    Path runDir = this.runDir != null ? this.runDir : model;
    Report report = Report.of(runDir);
    Path dir = out != null ? out : runDir.resolve(RunFiles.REPORT);
    List<Path> written;
    try {
      written = report.write(dir);
    } catch (IOException e) {
      throw new CannotWriteException(dir, "cannot write the report", e);
    }
    for (Path file : written) {
      System.out.println("wrote " + file);
    }
    return 0;
  }
}
