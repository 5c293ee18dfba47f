package dev.sparkprop.ml;

import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.io.Model;
import dev.sparkprop.nn.Loss;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A feed-forward network regressor for Spark ML pipelines, trained by sparkprop's data-parallel
 * engine: one identity output with squared-error loss. The model adds {@code prediction}.
 *
 * <p>The label is used as it is; for a label far from unit scale, a smaller {@code stepSize}
 * or a rescaled label trains more easily.
 */
public final class MlpRegressor extends MlpEstimator<MlpRegressor, MlpRegressionModel> {

  private static final long serialVersionUID = 1L;

  public MlpRegressor() {
    this(Identifiable.randomUID("mlpRegressor"));
  }

  /** The constructor Spark's {@code copy} and reader use. */
  public MlpRegressor(String uid) {
    super(uid);
  }

  @Override
  Task task(LabelStats labels) {
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
    return new DefaultParamsReader<>();
  }

  public static MlpRegressor load(String path) {
    return read().load(path);
  }
}
