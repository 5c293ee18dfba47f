package dev.sparkprop.ml.examples;

import dev.sparkprop.ml.MlpClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * sparkprop in a Spark ML pipeline: read a CSV into a DataFrame, assemble and standardise the
 * features, choose the learning rate of an {@link MlpClassifier} by cross-validation, save the
 * best pipeline, load it back and score held-out rows with it.
 *
 * <pre>
 * pipeline/run-example [CSV [LABEL_COLUMN [MODEL_DIR]]]
 * </pre>
 *
 * <p>Defaults: the 600 handwritten digits shipped in {@code pipeline/data}, label column
 * {@code digit}, and {@code pipeline/target/example-model}. Every other column of the CSV is a
 * feature. The master is Spark's configuration's ({@code spark.master}), else {@code local[*]}.
 */
public final class PipelineExample {

  /** The learning rates cross-validation chooses from. */
  public static final double[] STEP_SIZES = {0.001, 0.01};

  private PipelineExample() {}

  /**
   * What one run produced.
   *
   * @param stepSizes the candidates, in grid order
   * @param foldAccuracy each candidate's mean accuracy over the folds, in the same order
   * @param bestStepSize the candidate cross-validation chose
   * @param best the chosen pipeline, refitted on all training rows
   * @param loaded {@code best} as saved and read back
   * @param test the held-out rows
   */
  public record Summary(double[] stepSizes, double[] foldAccuracy, double bestStepSize, PipelineModel best,
      PipelineModel loaded, Dataset<Row> test, double testAccuracy, double loadedTestAccuracy) {}

  public static void main(String[] args) throws IOException {
    String csv = args.length > 0 ? args[0] : "pipeline/data/digits-600.csv";
    String label = args.length > 1 ? args[1] : "digit";
    String modelDir = args.length > 2 ? args[2] : "pipeline/target/example-model";
    SparkConf conf = new SparkConf()
        .setAppName("sparkprop pipeline example")
        .setIfMissing("spark.master", "local[*]")
        .setIfMissing("spark.ui.enabled", "false")
        // 65 CSV columns make plans wider than Spark's default limit for printing them; say nothing of it.
        .setIfMissing("spark.sql.debug.maxToStringFields", "200");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      run(spark, csv, label, modelDir, System.out);
    } finally {
      spark.stop();
    }
  }

  /** The pipeline: VectorAssembler → StandardScaler → MlpClassifier. */
  public static Pipeline pipeline(String[] featureColumns, String label, MlpClassifier mlp) {
    VectorAssembler assembler = new VectorAssembler().setInputCols(featureColumns).setOutputCol("raw");
    StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features")
        .setWithMean(true).setWithStd(true);
    mlp.setFeaturesCol("features").setLabelCol(label);
    return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, mlp});
  }

  /** A small network and a few epochs: enough for the digits, and quick on a laptop. */
  public static MlpClassifier classifier() {
    return new MlpClassifier()
        .setLayers(32)
        .setOptimizer("adam")
        .setBlockSize(64)
        .setMaxIter(10)
        .setSeed(7);
  }

  public static Summary run(SparkSession spark, String csv, String label, String modelDir, PrintStream out)
      throws IOException {
    Dataset<Row> data = spark.read().option("header", true).option("inferSchema", true).csv(csv);
    String[] features = Arrays.stream(data.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);
    Dataset<Row>[] parts = data.randomSplit(new double[] {0.8, 0.2}, 7);
    Dataset<Row> train = parts[0].cache();
    Dataset<Row> test = parts[1].cache();
    out.printf("data: %s: %,d rows (%,d train, %,d test), %d features, label %s%n",
        new org.apache.hadoop.fs.Path(csv).getName(), data.count(), train.count(), test.count(), features.length,
        label);

    MlpClassifier mlp = classifier();
    Pipeline pipeline = pipeline(features, label, mlp);
    ParamMap[] grid = new ParamGridBuilder().addGrid(mlp.stepSize(), STEP_SIZES).build();
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
        .setLabelCol(label).setMetricName("accuracy");
    CrossValidator cv = new CrossValidator()
        .setEstimator(pipeline)
        .setEstimatorParamMaps(grid)
        .setEvaluator(accuracy)
        .setNumFolds(2)
        .setSeed(7);
    CrossValidatorModel cvModel = cv.fit(train);

    double[] stepSizes = new double[grid.length];
    double[] foldAccuracy = cvModel.avgMetrics();
    int bestIndex = 0;
    for (int i = 0; i < grid.length; i++) {
      stepSizes[i] = (Double) grid[i].apply(mlp.stepSize());
      out.printf("cross-validation: stepSize %.4f  mean accuracy %.4f over %d folds%n",
          stepSizes[i], foldAccuracy[i], cv.getNumFolds());
      if (foldAccuracy[i] > foldAccuracy[bestIndex]) {
        bestIndex = i;
      }
    }
    PipelineModel best = (PipelineModel) cvModel.bestModel();
    double testAccuracy = accuracy.evaluate(best.transform(test));
    out.printf("best: stepSize %.4f; test accuracy %.4f%n", stepSizes[bestIndex], testAccuracy);

    best.write().overwrite().save(modelDir);
    PipelineModel loaded = PipelineModel.load(modelDir);
    double loadedAccuracy = accuracy.evaluate(loaded.transform(test));
    out.printf("saved to %s and loaded back: test accuracy %.4f%n", modelDir, loadedAccuracy);
    return new Summary(stepSizes, foldAccuracy, stepSizes[bestIndex], best, loaded, test, testAccuracy, loadedAccuracy);
  }
}
