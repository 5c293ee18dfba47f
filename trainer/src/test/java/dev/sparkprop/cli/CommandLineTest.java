package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Digits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a user meets it: real processes, exit statuses, messages and files. What
 * bad input gets is {@link BadInputCorpusTest}'s.
 */
class CommandLineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  @DisplayName("train on digits saves a model; evaluate --json on its held-out set reports the same accuracy; predict writes every row")
  void trainEvaluatePredict() throws Exception {
    Cli.Result train = Cli.run(dir, "train", "--data", "digits", "--epochs", "4", "--out", "model", "--master", "local[2]");
    assertEquals(0, train.status(), train::toString);
    assertTrue(train.out().contains("plan: 1,258 training examples, batch 126: 10 iterations per epoch, 4 epochs, 40 iterations"),
        train::toString);
    assertTrue(train.out().contains("epoch   4  train loss"), train::toString);
    assertTrue(train.out().contains("BLAS: "), train::toString);

    JsonNode header = JSON.readTree(dir.resolve("model/model.json").toFile());
    double trainedAccuracy = header.at("/metrics/test.accuracy").asDouble();
    assertTrue(trainedAccuracy > 0.85, "accuracy after 4 epochs: " + trainedAccuracy);

    Cli.Result evaluate = Cli.run(dir, "evaluate", "--model", "model", "--json", "--master", "local[2]");
    assertEquals(0, evaluate.status(), evaluate::toString);
    JsonNode metrics = JSON.readTree(evaluate.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertEquals(trainedAccuracy, metrics.get("accuracy").asDouble(), 0.0);
    assertEquals(359, metrics.get("examples").asInt());
    assertEquals(10, metrics.get("confusion_matrix").size());

    Cli.Result predict = Cli.run(dir, "predict", "--model", "model", "--data", "digits", "--out", "predictions.csv");
    assertEquals(0, predict.status(), predict::toString);
    List<String> rows = Files.readAllLines(dir.resolve("predictions.csv"));
    assertEquals("row,prediction,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9", rows.get(0));
    Path probe = Files.createFile(dir.resolve("probe"));
    assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(dir.resolve("predictions.csv")),
        "the predictions get a new file's usual permissions, not a temporary file's owner-only ones");
    assertEquals(1 + 1797, rows.size());
    String[] first = rows.get(1).split(",");
    double sum = 0;
    for (int c = 2; c < first.length; c++) {
      sum += Double.parseDouble(first[c]);
    }
    assertEquals(1.0, sum, 1e-9);

    // New rows come without a label: the same features, label column left out, score the same.
    DenseDataset digits = Digits.load();
    StringBuilder unlabeled = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < Digits.FEATURES; j++) {
        unlabeled.append(j == 0 ? "" : ",").append((int) digits.features()[i * Digits.FEATURES + j]);
      }
      unlabeled.append('\n');
    }
    Files.writeString(dir.resolve("new-digits.csv"), unlabeled);
    Cli.Result scored = Cli.run(dir, "predict", "--model", "model", "--data", "new-digits.csv", "--out", "new.csv");
    assertEquals(0, scored.status(), scored::toString);
    assertEquals(rows.subList(0, 41), Files.readAllLines(dir.resolve("new.csv")));
  }

  @Test
  @DisplayName("a semicolon-separated file with its label first trains with --delimiter and --label-column by name;"
      + " evaluate re-reads it as the model records")
  void otherDelimiterAndNamedLabelColumnRecordedForEvaluate() throws Exception {
    Random random = new Random(5);
    StringBuilder csv = new StringBuilder("class;a;b\n");
    for (int i = 0; i < 200; i++) {
      int c = i % 2;
      csv.append(String.format(Locale.ROOT, "%d;%.4f;%.4f%n", c, c + 0.3 * random.nextGaussian(),
          -c + 0.3 * random.nextGaussian()));
    }
    Files.writeString(dir.resolve("semicolons.csv"), csv);
    Cli.Result train = Cli.run(dir, "train", "--data", "semicolons.csv", "--header", "--delimiter", ";",
        "--label-column", "class", "--epochs", "5", "--out", "model", "--master", "local[2]");
    assertEquals(0, train.status(), train::toString);
    // Read as the label, column 0 holds two classes; any other column would hold real numbers.
    assertTrue(train.out().contains("2 features, 2 classes (sigmoid binary cross-entropy)"), train::toString);
    double accuracy = JSON.readTree(dir.resolve("model/model.json").toFile()).at("/metrics/test.accuracy").asDouble();
    Cli.Result evaluate = Cli.run(dir, "evaluate", "--model", "model", "--json", "--master", "local[2]");
    assertEquals(0, evaluate.status(), evaluate::toString);
    JsonNode metrics = JSON.readTree(evaluate.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertEquals(accuracy, metrics.get("accuracy").asDouble(), 0.0, "the same held-out rows, read the same way");
  }

  @Test
  @DisplayName("class names in the label column: the model keeps them, evaluate reports them, predict writes them")
  void namedClasses() throws Exception {
    Random random = new Random(11);
    StringBuilder csv = new StringBuilder("x,y,animal\n");
    String[] animals = {"ewe", "cat", "dog"}; // not in sorted order: the indices follow the sorted names
    for (int i = 0; i < 240; i++) {
      int k = i % 3;
      csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", k + 0.2 * random.nextGaussian(),
          (k == 1 ? 1 : 0) + 0.2 * random.nextGaussian(), animals[k]));
    }
    Files.writeString(dir.resolve("animals.csv"), csv);
    Cli.Result train = Cli.run(dir, "train", "--data", "animals.csv", "--header", "--epochs", "20", "--out", "model",
        "--master", "local[2]");
    assertEquals(0, train.status(), train::toString);
    assertTrue(train.out().contains("3 classes (softmax cross-entropy)"), train::toString);
    assertTrue(train.out().contains("classes: 0 cat, 1 dog, 2 ewe"), train::toString);
    JsonNode header = JSON.readTree(dir.resolve("model/model.json").toFile());
    assertEquals("[\"cat\",\"dog\",\"ewe\"]", header.get("classNames").toString());
    assertEquals("ewe", JSON.readTree(dir.resolve("model/evaluation.json").toFile()).at("/test/per_class/2/name").asText());

    Cli.Result evaluate = Cli.run(dir, "evaluate", "--model", "model", "--master", "local[2]");
    assertEquals(0, evaluate.status(), evaluate::toString);
    assertTrue(evaluate.out().matches("(?s).*\n    1 +[0-9.]+ +[0-9.]+ +[0-9.]+  dog\n.*"), evaluate::toString);

    Cli.Result predict = Cli.run(dir, "predict", "--model", "model", "--data", "animals.csv", "--header",
        "--out", "predictions.csv");
    assertEquals(0, predict.status(), predict::toString);
    List<String> rows = Files.readAllLines(dir.resolve("predictions.csv"));
    assertEquals("row,prediction,p_cat,p_dog,p_ewe", rows.get(0));
    long right = 0;
    for (int i = 0; i < 240; i++) {
      right += rows.get(i + 1).split(",")[1].equals(animals[i % 3]) ? 1 : 0;
    }
    assertTrue(right > 200, right + " of 240 predicted names right");
    Cli.Result report = Cli.run(dir, "report", "model");
    assertEquals(0, report.status(), report::toString);
    assertTrue(Files.readString(dir.resolve("model/report/report.html")).contains("<tr><th>dog</th>"),
        "the confusion matrix names its rows");

    // Data with a class the model never saw cannot be evaluated: the line says which.
    Files.writeString(dir.resolve("more.csv"), "x,y,animal\n0.1,0.2,cat\n0.3,0.1,gnu\n");
    Cli.Result unknown = Cli.run(dir, "evaluate", "--model", "model", "--data", "more.csv", "--header");
    assertEquals(1, unknown.status(), unknown::toString);
    assertTrue(unknown.err().contains("more.csv:3: label 'gnu' in column 3 is not one of the 3 classes: cat, dog, ewe"),
        unknown::toString);
  }

  @Test
  @DisplayName("a regression CSV trains with squared error, inferred from real-valued labels, and reports RMSE and R²")
  void regressionFromCsv() throws Exception {
    Random random = new Random(3);
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 300; i++) {
      double a = random.nextDouble();
      double b = random.nextDouble();
      csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, 3 * a - 2 * b + 0.5));
    }
    Files.writeString(dir.resolve("linear.csv"), csv);
    Cli.Result r = Cli.run(dir, "train", "--data", "linear.csv", "--header", "--epochs", "30", "--master", "local[2]");
    assertEquals(0, r.status(), r::toString);
    assertTrue(r.out().contains("regression (squared error)"), r::toString);
    String test = r.out().lines().filter(l -> l.startsWith("test:")).findFirst().orElseThrow();
    double r2 = Double.parseDouble(test.replaceAll(".*R² ([-0-9.]+).*", "$1"));
    assertTrue(r2 > 0.95, test);
  }

  @Test
  @DisplayName("--target-scaling standardize trains on targets in the thousands; RMSE and predictions come back in their units")
  void standardizedTargets() throws Exception {
    // Targets around 5,600 with a spread of about 900: far from the unit scale the initial
    // weights and Adam's default step assume.
    Random random = new Random(3);
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    double[] truth = new double[400];
    for (int i = 0; i < truth.length; i++) {
      double a = random.nextDouble();
      double b = random.nextDouble();
      truth[i] = 5000 + 800 * (3 * a - 2 * b + a * b);
      csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, truth[i]));
    }
    Files.writeString(dir.resolve("large.csv"), csv);
    Cli.Result train = Cli.run(dir, "train", "--data", "large.csv", "--header", "--epochs", "30",
        "--target-scaling", "standardize", "--out", "model", "--master", "local[2]");
    assertEquals(0, train.status(), train::toString);
    JsonNode header = JSON.readTree(dir.resolve("model/model.json").toFile());
    double rmse = header.at("/metrics/test.rmse").asDouble();
    assertTrue(header.at("/metrics/test.r2").asDouble() > 0.99, train::toString);
    assertTrue(rmse > 1 && rmse < 100, "RMSE in the targets' units, against a spread of about 900: " + rmse);

    Cli.Result evaluate = Cli.run(dir, "evaluate", "--model", "model", "--json", "--master", "local[2]");
    assertEquals(0, evaluate.status(), evaluate::toString);
    JsonNode metrics = JSON.readTree(evaluate.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertEquals(rmse, metrics.get("rmse").asDouble(), 1e-9 * rmse, "the same held-out examples, the same units");

    Cli.Result predict = Cli.run(dir, "predict", "--model", "model", "--data", "large.csv", "--header",
        "--out", "predictions.csv");
    assertEquals(0, predict.status(), predict::toString);
    List<String> rows = Files.readAllLines(dir.resolve("predictions.csv"));
    assertEquals(1 + truth.length, rows.size());
    double worst = 0;
    for (int i = 0; i < truth.length; i++) {
      double predicted = Double.parseDouble(rows.get(1 + i).split(",")[1]);
      worst = Math.max(worst, Math.abs(predicted - truth[i]));
    }
    assertTrue(worst < 200, "predictions in the targets' units; worst error " + worst);

    Cli.Result classes = Cli.run(dir, "train", "--loss", "softmax-cross-entropy", "--target-scaling", "standardize");
    assertEquals(2, classes.status(), classes::toString);
    assertTrue(classes.err().contains("--target-scaling rescales regression targets"), classes::toString);
  }

  @Test
  @DisplayName("Friedman #1 trains as regression from the generator's real-valued labels, to R² above 0.9")
  void friedmanRegression() throws Exception {
    Cli.Result r = Cli.run(dir, "train", "--data", "friedman1", "--hidden", "16", "--activation", "tanh",
        "--l2", "1e-4", "--optimizer", "lbfgs", "--epochs", "300", "--master", "local[2]");
    assertEquals(0, r.status(), r::toString);
    assertTrue(r.out().contains("regression (squared error)"), r::toString);
    String test = r.out().lines().filter(l -> l.startsWith("test:")).findFirst().orElseThrow();
    double r2 = Double.parseDouble(test.replaceAll(".*R² ([-0-9.]+).*", "$1"));
    assertTrue(r2 > 0.9, test);
  }

  @Test
  @DisplayName("--optimizer lbfgs runs full-batch L-BFGS, one Spark job per evaluation, and learns digits")
  void lbfgs() throws Exception {
    Cli.Result r = Cli.run(dir, "train", "--data", "digits", "--optimizer", "lbfgs", "--epochs", "60",
        "--master", "local[2]");
    assertEquals(0, r.status(), r::toString);
    assertTrue(r.out().contains("L-BFGS: "), r::toString);
    String test = r.out().lines().filter(l -> l.startsWith("test:")).findFirst().orElseThrow();
    double accuracy = Double.parseDouble(test.replaceAll(".*accuracy ([0-9.]+).*", "$1"));
    assertTrue(accuracy > 0.9, test);
  }

  @Test
  @DisplayName("train --dropout learns digits and records the rate in the model")
  void dropout() throws Exception {
    Cli.Result train = Cli.run(dir, "train", "--data", "digits", "--epochs", "4", "--dropout", "0.2",
        "--out", "model", "--master", "local[2]");
    assertEquals(0, train.status(), train::toString);
    assertTrue(train.out().contains(", dropout 0.200000"), train::toString);
    JsonNode header = JSON.readTree(dir.resolve("model/model.json").toFile());
    assertEquals(0.2, header.at("/training/dropout").asDouble(), 0.0);
    double accuracy = header.at("/metrics/test.accuracy").asDouble();
    assertTrue(accuracy > 0.8, "accuracy after 4 epochs with dropout: " + accuracy);
  }
}
