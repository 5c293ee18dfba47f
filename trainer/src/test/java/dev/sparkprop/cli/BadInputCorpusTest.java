package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input the command line can meet, each with what the user must get: the exit
 * status (2 for a mistake in the arguments, 1 for bad data or a bad model file), one line on
 * stderr that names the place (file and line or record, or the option) and the problem, no
 * stack trace, and nothing left behind: no model directory, no predictions file, no temporary
 * file.
 *
 * <p>The text files of the corpus are checked in under {@code src/test/resources/bad-input/};
 * IDX files and model directories are binary, so they are made here, each from a good one with
 * one thing wrong. All commands run in one child JVM, one after another through
 * {@link InProcessCli}: a JVM per command would cost seconds each.
 */
@DisplayName("Bad input: the exit status, a one-line message naming place and problem, nothing left behind")
class BadInputCorpusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The good model the damaged ones are copies of: 2 inputs, 4 hidden, 3 classes; 27 parameters. */
  private static final Architecture ARCHITECTURE =
      new Architecture(new int[] {2, 4, 3}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);

  @TempDir
  Path dir;

  /**
   * One command and what it must do. {@code status} 0 means it must succeed and create exactly
   * {@code created}; otherwise stderr must be one line holding {@code place} and {@code problem}.
   */
  private record Case(String what, int status, String place, String problem, List<String> created, boolean verbose,
      List<String> args) {}

  private static List<Case> corpus() {
    List<Case> c = new ArrayList<>();
    // Files that are not there or not readable.
    c.add(data("a missing file", "nowhere.csv", "no such file or directory", train("--data", "nowhere.csv")));
    c.add(data("a missing directory", "no-such-dir", "no such file or directory", train("--data", "no-such-dir")));
    c.add(data("an empty file", "empty.csv", "the file is empty", train("--data", "empty.csv")));
    c.add(data("a .gz file that is not gzip", "not-gzip.csv.gz",
        "not a readable gzip file: it does not start with the gzip magic bytes 1f 8b", train("--data", "not-gzip.csv.gz")));
    c.add(data("a truncated gzip file", "truncated.csv.gz", "not a readable gzip file: it is truncated",
        train("--data", "truncated.csv.gz")));
    // The reason after the colon is zlib's ("invalid distance too far back") and may vary with it.
    c.add(data("a corrupt gzip file", "corrupt.csv.gz", "not a readable gzip file: ", train("--data", "corrupt.csv.gz")));

    // CSV.
    c.add(data("CSV: a line with too few columns", "wrong-columns.csv:4", "expected 3 columns, found 2",
        train("--data", "wrong-columns.csv")));
    c.add(data("CSV: a non-numeric field", "non-numeric.csv:3", "non-numeric value 'oops' in column 2",
        train("--data", "non-numeric.csv")));
    c.add(data("CSV: NaN", "nan.csv:4", "NaN in column 2", train("--data", "nan.csv")));
    c.add(data("CSV: an infinite value", "infinite.csv:5", "infinite value 'inf' in column 2",
        train("--data", "infinite.csv")));
    c.add(data("CSV: a header that was not declared", "undeclared-header.csv:1",
        "non-numeric value 'width' in column 1; line 1 looks like a header: pass --header",
        train("--data", "undeclared-header.csv")));

    // LIBSVM.
    c.add(data("LIBSVM: an index too wide to hold densely", "huge-index.libsvm:2",
        "index 2000000000 makes 2,000,000,000 features; features are held densely, at most 33,554,431",
        train("--data", "huge-index.libsvm")));
    c.add(data("LIBSVM: index 0", "index-zero.libsvm:2", "index 0: LIBSVM indices start at 1",
        train("--data", "index-zero.libsvm")));
    c.add(data("LIBSVM: indices not ascending", "not-ascending.libsvm:3",
        "index 1 after index 2: indices must be strictly ascending", train("--data", "not-ascending.libsvm")));
    c.add(data("LIBSVM: an index beyond --features", "beyond-features.libsvm:3", "index 5 beyond the 3 features",
        train("--data", "beyond-features.libsvm", "--features", "3")));
    c.add(data("LIBSVM: a malformed pair", "malformed-pair.libsvm:3", "malformed pair '2=5' (expected index:value)",
        train("--data", "malformed-pair.libsvm")));

    // IDX (files made by writeIdxCorpus).
    c.add(data("IDX: a wrong magic number", "idx/bad-magic/train-images-idx3-ubyte",
        "not an IDX file: it starts with bytes 12 34 08 03", train("--data", "idx/bad-magic/train-images-idx3-ubyte")));
    c.add(data("IDX: images of four dimensions", "idx/four-dims/train-images-idx3-ubyte",
        "images must have 2 or 3 dimensions (count, rows, columns), found 4: 6 × 2 × 2 × 1",
        train("--data", "idx/four-dims/train-images-idx3-ubyte")));
    c.add(data("IDX: labels of two dimensions", "idx/label-dims/train-labels-idx1-ubyte",
        "labels must have 1 dimension (count), found 2: 6 × 1", train("--data", "idx/label-dims/train-images-idx3-ubyte")));
    c.add(data("IDX: an images file shorter than its header says", "idx/short-images/train-images-idx3-ubyte:5",
        "ends in record 5 of 6", train("--data", "idx/short-images/train-images-idx3-ubyte")));
    c.add(data("IDX: a labels file shorter than its header says", "idx/short-labels/train-labels-idx1-ubyte:5",
        "ends in record 5 of 6", train("--data", "idx/short-labels/train-images-idx3-ubyte")));
    c.add(data("IDX: a file that ends inside its header", "idx/cut-header/train-images-idx3-ubyte",
        "file ends inside the IDX header", train("--data", "idx/cut-header/train-images-idx3-ubyte")));
    c.add(data("IDX: image and label counts that differ", "idx/count-mismatch/train-images-idx3-ubyte",
        "6 images, but idx/count-mismatch/train-labels-idx1-ubyte has 5 labels",
        train("--data", "idx/count-mismatch/train-images-idx3-ubyte")));
    c.add(data("IDX: no labels file beside the images", "idx/no-labels/train-labels-idx1-ubyte",
        "no such file or directory", train("--data", "idx/no-labels/train-images-idx3-ubyte")));
    c.add(data("IDX: a truncated gzip images file", "idx/truncated-gzip/train-images-idx3-ubyte.gz:",
        "ends in record", train("--data", "idx/truncated-gzip/train-images-idx3-ubyte.gz")));

    // Labels.
    c.add(data("labels: a non-integer class label", "real-labels.csv:1",
        "label 0.5 is not a class index: --loss softmax-cross-entropy needs integer class labels 0..K-1",
        train("--data", "real-labels.csv", "--loss", "softmax-cross-entropy")));
    c.add(data("labels: a test label outside the training classes", "test-label-outside.csv:3",
        "label 7 is not a class index: expected an integer in 0..2",
        train("--data", "three-classes.csv", "--test-data", "test-label-outside.csv")));
    c.add(data("labels: an IDX test label outside the training classes", "idx/labels-outside/t10k-labels-idx1-ubyte:4",
        "label 9 is not a class index: expected an integer in 0..2", train("--data", "idx/labels-outside")));
    c.add(data("labels: evaluated data with a class the model does not have", "label-outside.csv:3",
        "label 5 is not a class index: expected an integer in 0..2",
        evaluate("models/good", "--data", "label-outside.csv")));
    c.add(data("labels: a single class", "single-class.csv", "only one class (label 1) in the data",
        train("--data", "single-class.csv")));
    c.add(data("labels: a loss that does not fit them", "three-classes.csv:3",
        "label 2 is not 0 or 1: --loss binary-cross-entropy needs labels 0 and 1; for 3 classes use softmax-cross-entropy",
        train("--data", "three-classes.csv", "--loss", "binary-cross-entropy")));

    // Arguments: exit 2, before Spark starts.
    c.add(usage("a batch size of 0", "--batch-size", "must be positive, not 0", train("--batch-size", "0")));
    c.add(usage("a negative batch size", "--batch-size", "must be positive, not -5", train("--batch-size", "-5")));
    c.add(usage("0 epochs", "--epochs", "must be positive, not 0", train("--epochs", "0")));
    c.add(usage("a learning rate of 0", "--learning-rate", "must be positive and finite, not 0.0",
        train("--learning-rate", "0")));
    c.add(usage("a negative learning rate", "--learning-rate", "must be positive and finite, not -0.1",
        train("--learning-rate", "-0.1")));
    c.add(usage("a layer of size 0", "--hidden", "layer sizes must be positive, not 0", train("--hidden", "16,0")));
    c.add(usage("an unknown activation", "activation 'swish'", "expected one of sigmoid, tanh, relu",
        train("--activation", "swish")));
    c.add(usage("an unknown optimizer", "optimizer 'adamax'", "expected one of sgd, momentum", train("--optimizer", "adamax")));
    c.add(usage("an unknown loss", "loss 'hinge'", "expected one of softmax-cross-entropy", train("--loss", "hinge")));
    c.add(usage("an unknown option", "'--epochz'", "Unknown options: '--epochz', '3' (did you mean --epochs?)",
        train("--epochz", "3")));
    c.add(usage("a number that is not one", "'--epochs'", "'ten' is not an int", train("--epochs", "ten")));
    c.add(usage("0 partitions", "--partitions", "must be positive, not 0", train("--partitions", "0")));
    c.add(usage("an unknown format", "--format", "unknown --format 'parquet'",
        train("--data", "three-classes.csv", "--format", "parquet")));
    c.add(usage("a dropout rate of 1", "--dropout", "must be in [0, 1), not 1.0", train("--dropout", "1")));
    c.add(usage("dropout in float32", "--dropout", "is implemented for --precision float64 only",
        train("--dropout", "0.2", "--precision", "float32")));
    c.add(usage("dropout with L-BFGS", "--dropout", "does not apply to --optimizer lbfgs",
        train("--dropout", "0.2", "--optimizer", "lbfgs")));
    c.add(usage("options L-BFGS would ignore", "--l1, --clip-norm", "do not apply to --optimizer lbfgs",
        train("--optimizer", "lbfgs", "--l1", "0.5", "--clip-norm", "1")));
    c.add(usage("an early-stopping metric the loss cannot move", "--early-stopping-metric",
        "rmse measures numeric predictions, but --loss softmax-cross-entropy predicts classes; use loss or accuracy",
        train("--loss", "softmax-cross-entropy", "--early-stopping", "2", "--early-stopping-metric", "rmse")));
    c.add(usage("an early-stopping metric the labels cannot move", "--early-stopping-metric",
        "rmse measures numeric predictions, but three-classes.csv has 3 classes (softmax cross-entropy)",
        train("--data", "three-classes.csv", "--early-stopping", "2", "--early-stopping-metric", "rmse")));
    c.add(usage("train --out an existing directory", "models/good", "already exists; pass --overwrite to replace it",
        List.of("train", "--data", "three-classes.csv", "--out", "models/good")));
    c.add(data("train --overwrite a directory that is not a model's, refused before training", "not-a-model",
        "exists and holds more than a sparkprop model (notes.txt); refusing to replace it",
        // A missing data file would be reported first if the check came after reading the data.
        List.of("train", "--data", "nowhere.csv", "--out", "not-a-model", "--overwrite", "--master", "local[1]")));
    c.add(usage("an unknown master URL", "--master 'bogus://x'",
        "is not a Spark master URL: expected local, local[N], local[*]",
        List.of("train", "--data", "three-classes.csv", "--master", "bogus://x")));
    c.add(usage("a feature count of 0 or less", "--features", "must be positive, not -3",
        train("--data", "beyond-features.libsvm", "--features", "-3")));
    c.add(usage("a negative label column", "--label-column", "counts columns from 0, so it cannot be -2",
        train("--data", "three-classes.csv", "--label-column", "-2")));
    c.add(usage("CSV options on LIBSVM data", "--header and --label-column",
        "do not apply to beyond-features.libsvm, read as LIBSVM",
        train("--data", "beyond-features.libsvm", "--header", "--label-column", "0")));
    c.add(usage("a negative penalty, before Spark starts", "--l1", "must be zero or positive and finite, not -0.5",
        List.of("train", "--data", "three-classes.csv", "--l1", "-0.5", "--master", "spark://127.0.0.1:1")));
    c.add(usage("a stopping threshold that is not a number", "--target-loss",
        "must be zero or positive and finite, not NaN", train("--target-loss", "NaN")));
    c.add(usage("a schedule misspelt, before Spark starts", "--schedule", "unknown learning-rate schedule 'bogus'",
        List.of("train", "--data", "three-classes.csv", "--schedule", "bogus", "--master", "spark://127.0.0.1:1")));
    c.add(usage("a layer width that is not a number", "--hidden", "'x' is not a layer width",
        train("--hidden", "16,x")));
    c.add(usage("an empty --out", "--out", "is empty: give the directory to save the model in",
        List.of("train", "--data", "three-classes.csv", "--out", "", "--master", "local[1]")));
    c.add(usage("--resume of a file", "--resume three-classes.csv", "not a directory; give the run's --checkpoint-dir",
        train("--data", "three-classes.csv", "--resume", "three-classes.csv")));
    c.add(data("a negative label under --loss softmax-cross-entropy", "negative-label.csv:2",
        "label -1 is not a class index: expected an integer in 0..2",
        train("--data", "negative-label.csv", "--loss", "softmax-cross-entropy")));
    c.add(usage("an empty --data", "--data", "is empty: give a file, a directory or a built-in set", train("--data", "")));
    c.add(usage("predict --out an existing file", "three-classes.csv", "already exists; pass --overwrite to replace it",
        List.of("predict", "--model", "models/good", "--data", "three-classes.csv", "--out", "three-classes.csv")));
    c.add(usage("a regression loss on class names", "--loss squared-error",
        "predicts numbers, but the labels of named-classes.csv are class names",
        train("--data", "named-classes.csv", "--loss", "squared-error")));
    c.add(usage("a test set of numeric labels for training data that names its classes", "beyond-features.libsvm",
        "has numeric labels, but the training data names its classes (0 cat, 1 dog); give a CSV file with the same names",
        train("--data", "named-classes.csv", "--test-data", "beyond-features.libsvm")));
    c.add(usage("--label-column by a name the header lacks", "--label-column size",
        "no such column in the header of undeclared-header.csv; its columns are width, height, class",
        train("--data", "undeclared-header.csv", "--header", "--label-column", "size")));
    c.add(usage("--label-column by name without --header", "--label-column class",
        "names a column, which needs --header: the header line holds the names",
        train("--data", "undeclared-header.csv", "--label-column", "class")));
    c.add(usage("a --delimiter of more than one character", "--delimiter '::'",
        "is not one character; for a tab write tab", train("--data", "three-classes.csv", "--delimiter", "::")));
    c.add(usage("a --delimiter that occurs in numbers", "--delimiter '.'", "can occur inside a number",
        train("--data", "three-classes.csv", "--delimiter", ".")));
    c.add(usage("--delimiter for LIBSVM data", "--delimiter", "does not apply to beyond-features.libsvm, read as LIBSVM",
        train("--data", "beyond-features.libsvm", "--delimiter", ";")));
    c.add(usage("evaluate without --model", "'--model=DIR'", "Missing required option", List.of("evaluate")));

    // More partitions than examples: empty partitions, and it works.
    c.add(new Case("train with more partitions than examples", 0, "", "", List.of("tiny", "tiny/config.properties",
        "tiny/evaluation.json", "tiny/history.jsonl", "tiny/model.json", "tiny/weights.bin"),
        false, List.of("train", "--data", "three-classes.csv", "--partitions", "16", "--epochs", "2", "--out", "tiny",
            "--master", "local[2]")));
    c.add(new Case("predict on a .tsv file: tab-separated", 0, "", "", List.of("from-tsv.csv"), false,
        List.of("predict", "--model", "models/good", "--data", "features-only.tsv", "--out", "from-tsv.csv",
            "--master", "local[1]")));
    c.add(new Case("predict on rows without a label", 0, "", "", List.of("unlabeled.csv"), false,
        List.of("predict", "--model", "models/good", "--data", "features-only.csv", "--out", "unlabeled.csv",
            "--master", "local[1]")));
    c.add(new Case("predict with more partitions than examples", 0, "", "", List.of("all-rows.csv"), false,
        List.of("predict", "--model", "models/good", "--data", "three-classes.csv", "--partitions", "16",
            "--out", "all-rows.csv", "--master", "local[2]")));

    // Model files (made by writeModelCorpus), through evaluate and predict.
    c.add(data("a model that does not exist", "models/none", "not a sparkprop model directory",
        evaluate("models/none", "--data", "three-classes.csv")));
    c.add(data("a model with one flipped byte in its weights", "models/flipped/weights.bin",
        "checksum mismatch (the file is damaged or was altered)", evaluate("models/flipped", "--data", "three-classes.csv")));
    c.add(data("predict with a flipped byte in the weights", "models/flipped/weights.bin", "checksum mismatch",
        predict("models/flipped", "three-classes.csv")));
    c.add(data("truncated weights", "models/truncated/weights.bin",
        "the file has 208 bytes; the header says 27 parameters (216 bytes)",
        evaluate("models/truncated", "--data", "three-classes.csv")));
    c.add(data("an unknown format version", "models/next-version/model.json",
        "format version " + (ModelFile.VERSION + 1) + " is newer than this sparkprop understands (" + ModelFile.VERSION + ")",
        evaluate("models/next-version", "--data", "three-classes.csv")));
    c.add(data("a model's training record edited: a seed that is not a number", "models/seed-text/model.json",
        "\"training\" records seed as x, not a number; pass --data to evaluate on data of your own",
        evaluate("models/seed-text")));
    c.add(data("a model whose recorded data is not where evaluate runs", "moved.csv",
        "no such file or directory; it is the data models/moved-data/model.json records: run evaluate where the model"
            + " was trained, or pass --data", evaluate("models/moved-data")));
    c.add(data("a model's training record without what rebuilds its test set", "models/good/model.json",
        "\"training\" does not record testFraction, which rebuilds the held-out test set", evaluate("models/good")));
    c.add(data("header sizes that do not match the weights", "models/sizes/model.json",
        "\"parameters\" is 27 but a 2-5-3 network has 33 parameters",
        evaluate("models/sizes", "--data", "three-classes.csv")));
    c.add(data("header sizes beyond any array, refused before allocating", "models/huge/model.json",
        "more than a Java array holds", evaluate("models/huge", "--data", "three-classes.csv")));
    c.add(data("a 12.8 GB header over 216 bytes of weights, refused before allocating", "models/oversized/weights.bin",
        "the file has 216 bytes; the header says 1600280003 parameters (12802240024 bytes)",
        evaluate("models/oversized", "--data", "three-classes.csv")));
    c.add(data("a header that is not JSON", "models/not-json/model.json", "not valid JSON",
        evaluate("models/not-json", "--data", "three-classes.csv")));

    // Bad data under evaluate and predict: nothing written either.
    c.add(data("evaluate on a malformed CSV", "wrong-columns.csv:4", "expected 3 columns, found 2",
        evaluate("models/good", "--data", "wrong-columns.csv")));
    c.add(data("predict on a malformed CSV", "nan.csv:4", "NaN in column 2", predict("models/good", "nan.csv")));
    c.add(data("predict --out inside a file", "three-classes.csv/predictions.csv", "cannot write the predictions",
        List.of("predict", "--model", "models/good", "--data", "three-classes.csv", "--out", "three-classes.csv/predictions.csv",
            "--master", "local[1]")));
    c.add(data("predict on data with the wrong feature count", "digits", "has 64 features; the model expects 2",
        predict("models/good", "digits")));
    c.add(data("evaluate on rows without a label", "features-only.csv",
        "has 1 feature; the training data has 2; if its rows have no label column, they can be scored with predict,"
            + " not evaluated", evaluate("models/good", "--data", "features-only.csv")));
    c.add(data("predict on a CSV of neither the features alone nor the features and a label", "four-columns.csv",
        "has 4 columns; the model takes 2 features, so a row holds 2 columns, or 3 with a label",
        predict("models/good", "four-columns.csv")));
    c.add(data("predict on rows without a label, given a label column", "features-only.csv:1",
        "has 2 columns, as many as the model's features, so no label column; yet label column 2 was given",
        command(List.of("predict", "--model", "models/good", "--data", "features-only.csv", "--label-column", "1"),
            new String[0], "--out", "predictions.csv", "--master", "local[1]")));

    // Last: --verbose adds the stack trace, and the line still ends the output.
    c.add(new Case("--verbose shows the stack trace", 1, "models/flipped/weights.bin", "checksum mismatch", List.of(), true,
        evaluate("models/flipped", "--data", "three-classes.csv", "--verbose")));
    return c;
  }

  private static Case data(String what, String place, String problem, List<String> args) {
    return new Case(what, 1, place, problem, List.of(), false, args);
  }

  private static Case usage(String what, String place, String problem, List<String> args) {
    return new Case(what, 2, place, problem, List.of(), false, args);
  }

  /** train, saving to a directory that must not appear. */
  private static List<String> train(String... args) {
    return command(List.of("train"), args, "--out", "model", "--master", "local[1]");
  }

  private static List<String> evaluate(String model, String... args) {
    return command(List.of("evaluate", "--model", model), args, "--master", "local[1]");
  }

  /** predict, writing to a file that must not appear. */
  private static List<String> predict(String model, String data) {
    return command(List.of("predict", "--model", model, "--data", data), new String[0],
        "--out", "predictions.csv", "--master", "local[1]");
  }

  private static List<String> command(List<String> head, String[] args, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(Arrays.asList(args));
    all.addAll(Arrays.asList(tail));
    return all;
  }

  @TestFactory
  Stream<DynamicTest> everyBadInput() throws Exception {
    copyTextCorpus(dir);
    writeIdxCorpus(dir.resolve("idx"));
    writeModelCorpus(dir.resolve("models"));
    Files.writeString(Files.createDirectory(dir.resolve("not-a-model")).resolve("notes.txt"), "kept\n");
    List<Case> cases = corpus();

    Path work = Files.createDirectory(dir.resolve("run"));
    List<List<String>> commands = cases.stream().map(Case::args).toList();
    JSON.writeValue(work.resolve("cases.json").toFile(), commands);
    // The runner works in the corpus directory, so messages show the paths as the cases give them.
    Cli.Result runner = Cli.run(dir, InProcessCli.class, 20, work.resolve("cases.json").toString(),
        work.resolve("results.json").toString());
    assertEquals(0, runner.status(), runner::toString);
    JsonNode results = JSON.readTree(work.resolve("results.json").toFile());
    assertEquals(cases.size(), results.size());
    double total = 0;
    for (JsonNode r : results) {
      total += r.get("seconds").asDouble();
    }
    System.out.printf("BadInputCorpusTest: %d commands in one JVM, %.1f s inside it%n", cases.size(), total);

    return IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(
        cases.get(i).what() + " → exit " + cases.get(i).status(), () -> check(cases.get(i), results.get(i))));
  }

  private static void check(Case c, JsonNode result) {
    int status = result.get("status").asInt();
    String err = result.get("err").asText();
    List<String> created = strings(result.get("created"));
    List<String> removed = strings(result.get("removed"));
    String report = "sparkprop " + String.join(" ", c.args()) + "\nexit " + status + "\n--- stdout\n"
        + result.get("out").asText() + "\n--- stderr\n" + err + "\n--- created " + created + ", removed " + removed;

    assertEquals(c.status(), status, report);
    assertEquals(List.of(), removed, report);
    assertEquals(c.created(), created, "what is left behind\n" + report);
    if (c.status() == 0) {
      return;
    }
    List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
    String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    if (c.verbose()) {
      assertTrue(err.contains("\tat "), "--verbose shows the stack trace\n" + report);
    } else {
      assertEquals(1, lines.size(), "one line on stderr\n" + report);
    }
    assertTrue(last.startsWith("sparkprop: "), report);
    assertTrue(last.contains(c.place()), "names the place " + c.place() + "\n" + report);
    assertTrue(last.contains(c.problem()), "names the problem " + c.problem() + "\n" + report);
    if (c.status() == 1) {
      // Data and model files read like a compiler's diagnostics: the place comes first.
      assertTrue(last.startsWith("sparkprop: " + c.place()), "starts with the place\n" + report);
    }
    assertFalse(result.get("out").asText().contains("model saved"), report);
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }

  // ---------------------------------------------------------------------------------------------
  // The corpus on disk

  private static void copyTextCorpus(Path to) throws IOException, URISyntaxException {
    Path from = Path.of(BadInputCorpusTest.class.getResource("/bad-input").toURI());
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  /** Six 2×2 images with labels 0, 1, 2, 0, 1, 2, as good IDX, then one thing wrong per directory. */
  static void writeIdxCorpus(Path root) throws IOException {
    byte[] pixels = new byte[6 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 37);
    }
    byte[] labels = {0, 1, 2, 0, 1, 2};
    byte[] images = idx(new int[] {6, 2, 2}, pixels);
    byte[] labelFile = idx(new int[] {6}, labels);

    byte[] badMagic = images.clone();
    badMagic[0] = 0x12;
    badMagic[1] = 0x34;
    pair(root.resolve("bad-magic"), badMagic, labelFile);
    pair(root.resolve("four-dims"), idx(new int[] {6, 2, 2, 1}, pixels), labelFile);
    pair(root.resolve("label-dims"), images, idx(new int[] {6, 1}, labels));
    pair(root.resolve("short-images"), Arrays.copyOf(images, images.length - 5), labelFile);
    pair(root.resolve("short-labels"), images, Arrays.copyOf(labelFile, labelFile.length - 2));
    pair(root.resolve("cut-header"), Arrays.copyOf(images, 6), labelFile);
    pair(root.resolve("count-mismatch"), images, idx(new int[] {5}, Arrays.copyOf(labels, 5)));
    Files.createDirectories(root.resolve("no-labels"));
    Files.write(root.resolve("no-labels/train-images-idx3-ubyte"), images);

    // 8×8 random pixels do not compress, so cutting the gzip file in half cuts the records.
    byte[] noise = new byte[6 * 64];
    new Random(6).nextBytes(noise);
    byte[] gzipped = gzip(idx(new int[] {6, 8, 8}, noise));
    Path truncated = Files.createDirectories(root.resolve("truncated-gzip"));
    Files.write(truncated.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gzipped, gzipped.length / 2));
    Files.write(truncated.resolve("train-labels-idx1-ubyte.gz"), gzip(labelFile));

    // A directory as MNIST ships, whose official test set has a class the training set lacks.
    Path outside = root.resolve("labels-outside");
    pair(outside, images, labelFile);
    Files.write(outside.resolve("t10k-images-idx3-ubyte"), images);
    Files.write(outside.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {6}, new byte[] {0, 1, 2, 9, 1, 2}));
  }

  private static void pair(Path dir, byte[] images, byte[] labels) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("train-images-idx3-ubyte"), images);
    Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
  }

  /** An unsigned-byte IDX file: 00 00 08 rank, the sizes as big-endian int32, the data. */
  private static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put(new byte[] {0, 0, 0x08, (byte) dims.length});
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A good 2-4-3 model, and copies of it with one thing wrong each. */
  static void writeModelCorpus(Path root) throws IOException {
    double[] parameters = new double[ARCHITECTURE.layout().size()];
    for (int i = 0; i < parameters.length; i++) {
      parameters[i] = Math.sin(i + 1) * 0.5;
    }
    Model model = new Model(ARCHITECTURE, parameters, Scaling.STANDARDIZE,
        new FeatureScaler(new double[] {2.5, 3.5}, new double[] {0.6, 0.6}), 3,
        Map.of("data", "three-classes.csv", "seed", 42L), Map.of());
    Path good = root.resolve("good");
    ModelFile.save(model, good, false);

    Path flipped = copy(good, root.resolve("flipped"));
    byte[] weights = Files.readAllBytes(flipped.resolve(ModelFile.WEIGHTS));
    weights[17] ^= 0x10;
    Files.write(flipped.resolve(ModelFile.WEIGHTS), weights);

    Path truncated = copy(good, root.resolve("truncated"));
    Files.write(truncated.resolve(ModelFile.WEIGHTS), Arrays.copyOf(weights, weights.length - 8));

    editHeader(copy(good, root.resolve("next-version")), h -> h.put("version", ModelFile.VERSION + 1));
    editHeader(copy(good, root.resolve("sizes")), h -> h.withArray("/architecture/sizes").set(1, 5));
    editHeader(copy(good, root.resolve("huge")), h -> {
      h.withArray("/architecture/sizes").set(1, 2_000_000_000);
      long count = 2L * 2_000_000_000 + 2_000_000_000 + 2_000_000_000L * 3 + 3;
      h.put("parameters", count);
      h.withObject("/weights").put("count", count);
    });
    editHeader(copy(good, root.resolve("oversized")), h -> {
      h.withObject("/architecture").putArray("sizes").add(2).add(40_000).add(40_000).add(3);
      long count = 2L * 40_000 + 40_000 + 40_000L * 40_000 + 40_000 + 40_000L * 3 + 3;
      h.put("parameters", count);
      h.withObject("/weights").put("count", count);
    });
    editHeader(copy(good, root.resolve("seed-text")), h -> h.withObject("/training").put("seed", "x"));
    editHeader(copy(good, root.resolve("moved-data")), h -> h.withObject("/training").put("data", "moved.csv"));
    Path notJson = copy(good, root.resolve("not-json"));
    Files.writeString(notJson.resolve(ModelFile.HEADER), "{\"format\": \"sparkprop-model\", ");
  }

  private static Path copy(Path model, Path to) throws IOException {
    Files.createDirectories(to);
    for (String name : new String[] {ModelFile.HEADER, ModelFile.WEIGHTS}) {
      Files.copy(model.resolve(name), to.resolve(name));
    }
    return to;
  }

  private static void editHeader(Path model, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path header = model.resolve(ModelFile.HEADER);
    ObjectNode root = (ObjectNode) JSON.readTree(header.toFile());
    edit.accept(root);
    JSON.writerWithDefaultPrettyPrinter().writeValue(header.toFile(), root);
  }
}
