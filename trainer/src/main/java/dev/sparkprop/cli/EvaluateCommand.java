package dev.sparkprop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.io.ModelFormatException;
import dev.sparkprop.spark.DataSource;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.train.Evaluation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Reports a saved model's metrics on data.",
        "Without --data, on the model's own test set: its --test-data, or the same held-out split of its training data."})
final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory written by train.")
  Path modelDir;

  @Mixin
  DataArgs dataArgs;

  @Option(names = "--json", description = "Print the metrics as one JSON object.")
  boolean json;

  @Mixin
  SparkArgs spark;

  @Override
  public Integer call() throws Exception {
    Model model = ModelFile.load(modelDir);
    spark.validate();
    dataArgs.validate();
    PrintStream console = System.out;
    try (JavaSparkContext sc = spark.start()) {
      if (!json) {
        console.println(SparkSetup.describe(sc));
      }
      int parts = spark.partitions(sc);
      PreparedData data = dataArgs.data != null ? explicitData(sc, model, parts) : heldOutData(sc, model, parts);
      if (model.architecture().loss().isClassification()) {
        data.labels().checkClassLabels(model.classes(), data.locator(data.labels()));
      }
      Evaluation e;
      try (SparkEngine engine = new SparkEngine(sc, data, model.architecture(), model.classes())) {
        e = engine.evaluate(model.parameters(), Role.TEST);
      }
      data.release();
      if (json) {
        console.println(new ObjectMapper().writeValueAsString(asJson(e, model.classNames())));
      } else {
        printReport(console, e, model.classNames());
      }
    }
    return 0;
  }

  private PreparedData explicitData(JavaSparkContext sc, Model model, int parts) {
    DataArgs.Resolved sources = dataArgs.resolve(dataArgs.data, 0L, sc);
    // A data set with an official test set (Fashion-MNIST) is evaluated on that.
    DataSource source = sources.test() != null ? sources.test() : sources.train();
    return PreparedData.testOnly(sc, DataArgs.named(source, model.classNames()), parts, model.scaler(),
        model.targetScaler());
  }

  /** Rebuilds the training run's test set from what the model file recorded. */
  private PreparedData heldOutData(JavaSparkContext sc, Model model, int parts) {
    Map<String, Object> t = model.training();
    if (!(t.get("data") instanceof String spec)) {
      throw new UsageException(modelDir + ": the model does not record its data; pass --data");
    }
    Path header = modelDir.resolve(ModelFile.HEADER);
    DataArgs recorded = DataArgs.from(t, header);
    long seed = required(t, "seed", header).longValue();
    DataArgs.Resolved sources;
    try {
      sources = recorded.resolve(spec, seed, sc);
    } catch (DataFormatException e) {
      // A relative path in the model resolves against where evaluate runs, not where train ran.
      throw !e.source().equals(spec) ? e : new DataFormatException(spec, 0, e.problem() + "; it is the data "
          + header + " records: run evaluate where the model was trained, or pass --data", e);
    }
    String testSpec = DataArgs.recorded(t, "testData", String.class, header);
    if (testSpec != null) {
      return PreparedData.testOnly(sc, DataArgs.named(recorded.resolve(testSpec, seed, sc).train(),
          model.classNames()), parts, model.scaler(), model.targetScaler());
    }
    if (sources.test() != null) {
      return PreparedData.testOnly(sc, sources.test(), parts, model.scaler(), model.targetScaler());
    }
    double testFraction = required(t, "testFraction", header).doubleValue();
    double validationFraction = required(t, "validationFraction", header).doubleValue();
    return PreparedData.prepare(sc, DataArgs.named(sources.train(), model.classNames()), null,
        new PreparedData.Options(parts, seed, testFraction, validationFraction, model.scaling(), model.scaler(),
            model.targetScaling(), model.targetScaler()));
  }

  /** A number the held-out split cannot be rebuilt without. */
  private static Number required(Map<String, Object> training, String key, Path header) {
    Number n = DataArgs.recorded(training, key, Number.class, header);
    if (n == null) {
      throw new ModelFormatException(header, "\"training\" does not record " + key
          + ", which rebuilds the held-out test set; pass --data to evaluate on data of your own");
    }
    return n;
  }

  /**
   * The evaluation as evaluate --json prints it and evaluation.json holds it; each class's row
   * carries its name when {@code classNames} is not null.
   */
  static Map<String, Object> asJson(Evaluation e, List<String> classNames) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("examples", e.count());
    m.put("loss", e.meanLoss());
    // The headline metrics (accuracy, log loss, macro F1, AUC for binary; or MSE, RMSE, MAE, R²).
    e.metrics().forEach((k, v) -> {
      if (!k.equals("examples") && !k.equals("loss")) {
        m.put(k, v);
      }
    });
    if (e.isClassification()) {
      List<Map<String, Object>> perClass = new ArrayList<>();
      long[][] confusion = e.confusionMatrix();
      for (int c = 0; c < e.classes(); c++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("class", c);
        if (classNames != null) {
          row.put("name", classNames.get(c));
        }
        row.put("precision", e.precision(c));
        row.put("recall", e.recall(c));
        row.put("f1", e.f1(c));
        long support = 0;
        for (long v : confusion[c]) {
          support += v;
        }
        row.put("support", support);
        perClass.add(row);
      }
      m.put("per_class", perClass);
      m.put("confusion_matrix", confusion);
    }
    return m;
  }

  private static void printReport(PrintStream out, Evaluation e, List<String> classNames) {
    out.printf("examples %,d, loss %.4f%n", e.count(), e.meanLoss());
    if (!e.isClassification()) {
      out.printf("MSE %.6f  RMSE %.6f  MAE %.6f  R² %.4f%n", e.mse(), e.rmse(), e.mae(), e.r2());
      return;
    }
    Double auc = e.metrics().get("auc");
    out.printf("accuracy %.4f, macro F1 %.4f%s%n%n", e.accuracy(), e.macroF1(),
        auc == null ? "" : String.format(", ROC AUC %.4f", auc));
    out.println("class  precision  recall      F1" + (classNames == null ? "" : "  name"));
    for (int c = 0; c < e.classes(); c++) {
      out.printf("%5d  %9.4f  %6.4f  %6.4f%s%n", c, e.precision(c), e.recall(c), e.f1(c),
          classNames == null ? "" : "  " + classNames.get(c));
    }
    out.println();
    out.println("confusion matrix (rows: true class, columns: predicted class)");
    long[][] m = e.confusionMatrix();
    StringBuilder header = new StringBuilder("     ");
    for (int c = 0; c < e.classes(); c++) {
      header.append(String.format("%7d", c));
    }
    out.println(header);
    for (int t = 0; t < e.classes(); t++) {
      StringBuilder row = new StringBuilder(String.format("%5d", t));
      for (long v : m[t]) {
        row.append(String.format("%7d", v));
      }
      out.println(row);
    }
  }

}
