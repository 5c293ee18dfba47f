package dev.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.Scaling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MlpRegressor in TrainValidationSplit: fits a smooth nonlinear function, and survives save and load. */
class RegressorTest {

  @TempDir
  Path temp;

  /** y = x1² + 0.5 sin(3 x2) + noise of standard deviation 0.05, for x uniform on [−1, 1]². */
  static Dataset<Row> curve(int n, long seed, int partitions) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = 2 * random.nextDouble() - 1;
      double x2 = 2 * random.nextDouble() - 1;
      double y = x1 * x1 + 0.5 * Math.sin(3 * x2) + 0.05 * random.nextGaussian();
      rows.add(RowFactory.create(Vectors.dense(x1, x2), y));
    }
    StructType schema = new StructType()
        .add("features", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.DoubleType, false);
    return SparkSessions.local().createDataFrame(rows, schema).repartition(partitions);
  }

  @Test
  void trainValidationSplitChoosesAModelThatGeneralisesAndReloadsExactly() throws Exception {
    Dataset<Row> train = curve(400, 1, 2).cache();
    Dataset<Row> test = curve(200, 2, 2).cache();
    MlpRegressor mlp = new MlpRegressor().setLayers(16).setActivation("tanh").setOptimizer("lbfgs").setMaxIter(60)
        .setSeed(3);
    ParamMap[] grid = new ParamGridBuilder().addGrid(mlp.l2(), new double[] {0.0, 1e-3}).build();
    RegressionEvaluator r2 = new RegressionEvaluator().setMetricName("r2");
    TrainValidationSplit tvs = new TrainValidationSplit().setEstimator(mlp).setEstimatorParamMaps(grid)
        .setEvaluator(r2).setTrainRatio(0.75).setSeed(5);
    TrainValidationSplitModel fitted = tvs.fit(train);

    double[] validation = fitted.validationMetrics();
    assertEquals(2, validation.length);
    assertTrue(Math.max(validation[0], validation[1]) > 0.9, "validation R² " + validation[0] + ", " + validation[1]);
    MlpRegressionModel best = (MlpRegressionModel) fitted.bestModel();
    double testR2 = r2.evaluate(best.transform(test));
    assertTrue(testR2 > 0.9, "held-out R² " + testR2);
    assertEquals("2-16-1 tanh squared-error", best.trained().architecture().toString());

    String path = temp.resolve("tvs").toString();
    fitted.write().save(path);
    TrainValidationSplitModel loaded = TrainValidationSplitModel.load(path);
    MlpRegressionModel reloaded = (MlpRegressionModel) loaded.bestModel();
    assertEquals(best.uid(), reloaded.uid());
    List<Row> before = best.transform(test).select("prediction").collectAsList();
    List<Row> after = reloaded.transform(test).select("prediction").collectAsList();
    assertEquals(before, after);
    assertEquals(testR2, r2.evaluate(reloaded.transform(test)), 0.0);
  }

  @Test
  void aLabelInTheThousandsIsStandardizedForTrainingAndPredictedInItsUnits() throws Exception {
    Dataset<Row> data = curve(300, 6, 2).withColumn("label", functions.col("label").multiply(1000).plus(5000)).cache();
    MlpRegressionModel model = new MlpRegressor().setLayers(16).setActivation("tanh").setOptimizer("lbfgs")
        .setMaxIter(40).setSeed(3).setTargetScaling("standardize").fit(data);
    assertEquals(Scaling.STANDARDIZE, model.trained().targetScaling());
    double r2 = new RegressionEvaluator().setMetricName("r2").evaluate(model.transform(data));
    assertTrue(r2 > 0.9, "R² in the label's units " + r2);

    String path = temp.resolve("scaled").toString();
    model.save(path);
    MlpRegressionModel loaded = MlpRegressionModel.load(path);
    assertEquals(Scaling.STANDARDIZE, loaded.trained().targetScaling());
    assertEquals(model.transform(data).select("prediction").collectAsList(),
        loaded.transform(data).select("prediction").collectAsList());
  }

  @Test
  void predictsOneVectorAsTheColumnDoes() {
    Dataset<Row> data = curve(120, 4, 1);
    MlpRegressionModel model = new MlpRegressor().setLayers(4).setMaxIter(3).setBlockSize(40).setStepSize(0.01)
        .fit(data);
    List<Row> rows = model.transform(data).select("features", "prediction").collectAsList();
    for (Row r : rows) {
      assertEquals(r.getDouble(1), model.predict((org.apache.spark.ml.linalg.Vector) r.get(0)), 0.0);
    }
    assertArrayEquals(new String[] {"features", "label", "prediction"}, model.transform(data).columns());
  }
}
