package dev.sparkprop.ml;

import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.io.Model;
import dev.sparkprop.nn.Loss;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A feed-forward network regressor for Spark ML pipelines, trained by sparkprop's data-parallel
 * engine: one identity output with squared-error loss. The model adds {@code prediction}.
 *
 * <p>A label far from unit scale trains badly from unit-scale initial weights; {@code
 * targetScaling} {@code standardize} rescales it for training, and the model maps its output
 * back, so predictions are in the label's units either way.
 */
public final class MlpRegressor extends MlpEstimator<MlpRegressor, MlpRegressionModel> {

  private static final long serialVersionUID = 1L;

  private final Param<String> targetScaling;

  public MlpRegressor() {
    this(Identifiable.randomUID("mlpRegressor"));
  }

  /** The constructor Spark's {@code copy} and reader use. */
  public MlpRegressor(String uid) {
    super(uid);
    targetScaling = new Param<>(this, "targetScaling", "rescaling of the label for training, fitted on the training"
        + " rows: none, standardize or minmax; predictions are always in the label's units", valid(MlpRegressor::isScaling));
    setDefault(targetScaling, "none");
  }

  public Param<String> targetScaling() {
    return targetScaling;
  }

  public String getTargetScaling() {
    return $(targetScaling);
  }

  public MlpRegressor setTargetScaling(String value) {
    set(targetScaling, nonNull(targetScaling, value));
    return this;
  }

  private static boolean isScaling(String name) {
    try {
      Scaling.parse(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  Scaling labelScaling() {
    return Scaling.parse(getTargetScaling());
  }

  @Override
  Task task(LabelStats labels, LabelStats.Locator locator, StructField label) {
    return new Task(Loss.SQUARED_ERROR, 0);
  }

  @Override
  MlpRegressionModel newModel(Model trained) {
    return new MlpRegressionModel(uid(), trained);
  }

  @Override
  StructType addOutputColumns(StructType schema) {
    return append(schema, getPredictionCol(), DataTypes.DoubleType);
  }

  @Override
  public MlpRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<MlpRegressor> read() {
    return new ModelPersistence.EstimatorReader<>(MlpRegressor.class);
  }

  public static MlpRegressor load(String path) {
    return read().load(path);
  }
}
