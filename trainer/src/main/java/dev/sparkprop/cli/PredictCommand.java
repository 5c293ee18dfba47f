package dev.sparkprop.cli;

import dev.sparkprop.io.CannotWriteException;
import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.spark.DataSource;
import dev.sparkprop.spark.Predictions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Writes a saved model's prediction for every row of --data to a CSV file, in input order: "
        + "row, predicted class and one probability column per class (or row and value, for regression).",
        "CSV rows need no label: a row of as many columns as the model has inputs is all features.",
        "A model whose training data named its classes predicts their names."})
final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory written by train.")
  Path modelDir;

  @Mixin
  DataArgs dataArgs;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV file to write.")
  Path out;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @Mixin
  SparkArgs spark;

  @Override
  public Integer call() {
    if (dataArgs.data == null) {
      throw new UsageException("predict needs --data");
    }
    if (out.toString().isBlank()) {
      throw new UsageException("--out is empty: give the file to write the predictions to");
    }
    if (Files.isDirectory(out)) {
      throw new UsageException(out + ": is a directory; --out names the CSV file to write");
    }
    if (Files.exists(out) && !overwrite) {
      throw new UsageException(out + ": already exists; pass --overwrite to replace it");
    }
    spark.validate();
    dataArgs.validate();
    Model model = ModelFile.load(modelDir);
    try (JavaSparkContext sc = spark.start()) {
      DataArgs.Resolved sources = dataArgs.resolve(dataArgs.data, 0L, sc);
      DataSource source = sources.test() != null ? sources.test() : sources.train();
      int parts = spark.partitions(sc);
      double[] outputs = Predictions.compute(sc, source, parts, model.architecture(), model.parameters(), model.scaler());
      int rows = write(model, outputs);
      System.out.printf("%,d predictions written to %s%n", rows, out);
    }
    return 0;
  }

  /** A field as CSV quotes it: a class name read with another delimiter may hold a comma or a quote. */
  static String csvField(String text) {
    boolean plain = text.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r');
    return plain ? text : '"' + text.replace("\"", "\"\"") + '"';
  }

  /** Writes beside the target and renames, so a failure never leaves half a file. */
  private int write(Model model, double[] outputs) {
    Loss loss = model.architecture().loss();
    int width = model.architecture().outputs();
    int rows = outputs.length / width;
    Path parent = out.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      // Not Files.createTempFile: its file is private to the owner (0600), and the rename would
      // hand the user an output nobody else may read. A new file gets the usual permissions.
      tmp = parent.resolve("." + out.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        w.write("row,prediction");
        if (loss.isClassification()) {
          for (int c = 0; c < model.classes(); c++) {
            w.write(model.classNames() == null ? ",p" + c : "," + csvField("p_" + model.className(c)));
          }
        }
        w.newLine();
        for (int i = 0; i < rows; i++) {
          int at = i * width;
          StringBuilder line = new StringBuilder().append(i).append(',');
          switch (loss) {
            case SOFTMAX_CROSS_ENTROPY -> {
              int best = 0;
              for (int c = 1; c < width; c++) {
                if (outputs[at + c] > outputs[at + best]) {
                  best = c;
                }
              }
              line.append(csvField(model.className(best)));
              for (int c = 0; c < width; c++) {
                line.append(',').append(outputs[at + c]);
              }
            }
            case SIGMOID_BINARY_CROSS_ENTROPY -> {
              double p = outputs[at];
              line.append(csvField(model.className(p >= 0.5 ? 1 : 0)))
                  .append(',').append(1.0 - p).append(',').append(p);
            }
            case SQUARED_ERROR, HUBER -> line.append(model.targetValue(outputs[at]));
          }
          w.write(line.toString());
          w.newLine();
        }
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return rows;
    } catch (IOException e) {
      throw new CannotWriteException(out, "cannot write the predictions", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Nothing more can be done; the temporary file is hidden and named after the output.
        }
      }
    }
  }
}
