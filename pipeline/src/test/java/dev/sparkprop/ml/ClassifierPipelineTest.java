package dev.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.ml.examples.PipelineExample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's pipeline example, run as a test: VectorAssembler, StandardScaler and
 * MlpClassifier on the digits CSV, cross-validated over two learning rates, saved, loaded and
 * applied.
 */
class ClassifierPipelineTest {

  @TempDir
  static Path temp;

  private static PipelineExample.Summary summary;
  private static String printed;

  @BeforeAll
  static void runTheExample() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      summary = PipelineExample.run(SparkSessions.local(), "data/digits-600.csv", "digit",
          temp.resolve("model").toString(), out);
    }
    printed = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void crossValidationTriesBothLearningRatesAndKeepsTheBetter() {
    assertArrayEquals(PipelineExample.STEP_SIZES, summary.stepSizes());
    double[] accuracy = summary.foldAccuracy();
    assertEquals(2, accuracy.length);
    double best = Math.max(accuracy[0], accuracy[1]);
    assertEquals(accuracy[0] >= accuracy[1] ? summary.stepSizes()[0] : summary.stepSizes()[1], summary.bestStepSize());
    assertTrue(best > 0.85, "mean fold accuracy of the better learning rate: " + best);
    MlpClassificationModel mlp = mlpOf(summary.best());
    assertEquals(summary.bestStepSize(), (Double) mlp.trained().training().get("learningRate"), 0.0);
    assertTrue(printed.contains("cross-validation: stepSize"), printed);
  }

  @Test
  void theChosenPipelineClassifiesHeldOutDigits() {
    assertTrue(summary.testAccuracy() > 0.85, "test accuracy " + summary.testAccuracy());
    MlpClassificationModel mlp = mlpOf(summary.best());
    assertEquals(10, mlp.numClasses());
    assertEquals(64, mlp.numFeatures());
  }

  @Test
  void theLoadedPipelinePredictsExactlyWhatTheOriginalDid() {
    assertEquals(summary.testAccuracy(), summary.loadedTestAccuracy(), 0.0);
    List<Row> original = outputs(summary.best(), summary.test());
    List<Row> loaded = outputs(summary.loaded(), summary.test());
    assertEquals(summary.test().count(), original.size());
    assertEquals(original.size(), loaded.size());
    for (int i = 0; i < original.size(); i++) {
      Row a = original.get(i);
      Row b = loaded.get(i);
      assertArrayEquals(((Vector) a.get(0)).toArray(), ((Vector) b.get(0)).toArray(), "rawPrediction of row " + i);
      assertArrayEquals(((Vector) a.get(1)).toArray(), ((Vector) b.get(1)).toArray(), "probability of row " + i);
      assertEquals(a.getDouble(2), b.getDouble(2), "prediction of row " + i);
    }
    MlpClassificationModel before = mlpOf(summary.best());
    MlpClassificationModel after = mlpOf(summary.loaded());
    assertEquals(before.uid(), after.uid());
    assertArrayEquals(before.trained().parameters(), after.trained().parameters());
  }

  @Test
  void outputColumnsAreThoseOfASparkClassifier() {
    List<Row> rows = outputs(summary.best(), summary.test());
    for (Row r : rows) {
      double[] raw = ((Vector) r.get(0)).toArray();
      double[] p = ((Vector) r.get(1)).toArray();
      assertEquals(10, raw.length);
      assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
      int argmax = 0;
      for (int k = 1; k < p.length; k++) {
        argmax = p[k] > p[argmax] ? k : argmax;
      }
      assertEquals(argmax, r.getDouble(2));
      // Softmax of the logits: p_k / p_0 = exp(z_k − z_0).
      assertEquals(Math.exp(raw[3] - raw[0]), p[3] / p[0], 1e-9 * Math.exp(raw[3] - raw[0]));
    }
  }

  @Test
  void theSavedStageHoldsASparkpropModel() throws Exception {
    Path stages = temp.resolve("model").resolve("stages");
    Path stage;
    try (Stream<Path> dirs = Files.list(stages)) {
      stage = dirs.filter(d -> d.getFileName().toString().contains("mlpClassifier")).findFirst().orElseThrow();
    }
    assertTrue(Files.isDirectory(stage.resolve("metadata")));
    Model model = ModelFile.load(stage.resolve(ModelPersistence.MODEL_DIR));
    assertArrayEquals(mlpOf(summary.best()).trained().parameters(), model.parameters());
    assertEquals("64-32-10 relu softmax-cross-entropy", model.architecture().toString());
  }

  private static List<Row> outputs(PipelineModel model, Dataset<Row> rows) {
    return model.transform(rows).select("rawPrediction", "probability", "prediction").collectAsList();
  }

  private static MlpClassificationModel mlpOf(PipelineModel pipeline) {
    Transformer[] stages = pipeline.stages();
    return (MlpClassificationModel) stages[stages.length - 1];
  }
}
