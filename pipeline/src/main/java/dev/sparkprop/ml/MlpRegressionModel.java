package dev.sparkprop.ml;

import dev.sparkprop.io.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A trained {@link MlpRegressor}: adds the network's output as {@code prediction}. */
public final class MlpRegressionModel extends MlpModel<MlpRegressionModel> {

  private static final long serialVersionUID = 1L;

  /** The constructor {@link MlpRegressor#fit} and the reader use. */
  public MlpRegressionModel(String uid, Model trained) {
    super(uid, trained);
    if (trained.architecture().loss().isClassification() || trained.architecture().outputs() != 1) {
      throw new IllegalArgumentException("a regression model needs a network with one regression output, not "
          + trained.architecture());
    }
  }

  /** The prediction for one feature vector. */
  public double predict(Vector features) {
    return scorer().value(features);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    if (getPredictionCol().isEmpty()) {
      return dataset.toDF();
    }
    Scorer scorer = scorer();
    UserDefinedFunction predict = functions.udf(
        (UDF1<Vector, Double>) scorer::value, DataTypes.DoubleType);
    return dataset.toDF().withColumn(getPredictionCol(), predict.apply(functions.col(getFeaturesCol())));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    MlpEstimator.requireFeatures(schema, getFeaturesCol());
    return MlpEstimator.append(schema, getPredictionCol(), DataTypes.DoubleType);
  }

  @Override
  public MlpRegressionModel copy(ParamMap extra) {
    MlpRegressionModel copy = copyValues(new MlpRegressionModel(uid(), trained()), extra);
    return copy.setParent(parent());
  }

  public static MLReader<MlpRegressionModel> read() {
    return new ModelPersistence.Reader<>(MlpRegressionModel.class, MlpRegressionModel::new);
  }

  public static MlpRegressionModel load(String path) {
    return read().load(path);
  }
}
