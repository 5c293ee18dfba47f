package dev.sparkprop.ml;

import dev.sparkprop.io.Model;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;

/**
 * A trained {@link MlpClassifier}: adds the logits as {@code rawPrediction}, their softmax as
 * {@code probability} and the most probable class index as {@code prediction}. An output whose
 * column name is set to the empty string is left out. As with Spark's own classifiers, the
 * prediction column is declared nominal with K values, and the two vector columns as groups of
 * K attributes, so that later stages know the class count without scanning the data.
 */
public final class MlpClassificationModel extends MlpModel<MlpClassificationModel> {

  private static final long serialVersionUID = 1L;

  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  /** The constructor {@link MlpClassifier#fit} and the reader use. */
  public MlpClassificationModel(String uid, Model trained) {
    super(uid, trained);
    if (!trained.architecture().loss().isClassification()) {
      throw new IllegalArgumentException("a classification model needs a classification network, not "
          + trained.architecture());
    }
    probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name (empty: none)");
    rawPredictionCol = new Param<>(this, "rawPredictionCol", "logits column name (empty: none)");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
  }

  /** K, the number of classes. */
  public int numClasses() {
    return trained().classes();
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  public String getRawPredictionCol() {
    return $(rawPredictionCol);
  }

  public MlpClassificationModel setProbabilityCol(String value) {
    set(probabilityCol, MlpEstimator.outputColumn(probabilityCol, value));
    return this;
  }

  public MlpClassificationModel setRawPredictionCol(String value) {
    set(rawPredictionCol, MlpEstimator.outputColumn(rawPredictionCol, value));
    return this;
  }

  /** The logits of one feature vector. */
  public Vector predictRaw(Vector features) {
    return Vectors.dense(scorer().logits(features));
  }

  /** The class probabilities of one feature vector. */
  public Vector predictProbability(Vector features) {
    Scorer s = scorer();
    return Vectors.dense(s.outputs(s.logits(features)));
  }

  /** The most probable class of one feature vector. */
  public double predict(Vector features) {
    return Scorer.argmax(scorer().logits(features));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Scorer scorer = scorer();
    // The network runs once per row: probability and prediction are derived from the logits
    // column, and the logits are dropped again when no rawPrediction column is wanted.
    String raw = getRawPredictionCol().isEmpty() ? "_" + uid() + "_logits" : getRawPredictionCol();
    UserDefinedFunction logits = functions.udf(
        (UDF1<Vector, Vector>) v -> Vectors.dense(scorer.logits(v)), SQLDataTypes.VectorType());
    Dataset<Row> out = dataset.toDF()
        .withColumn(raw, logits.apply(functions.col(getFeaturesCol())).as(raw, classVector(raw)));
    Column z = functions.col(raw);
    if (!getProbabilityCol().isEmpty()) {
      UserDefinedFunction probabilities = functions.udf(
          (UDF1<Vector, Vector>) v -> Vectors.dense(scorer.outputs(v.toArray())), SQLDataTypes.VectorType());
      out = out.withColumn(getProbabilityCol(),
          probabilities.apply(z).as(getProbabilityCol(), classVector(getProbabilityCol())));
    }
    if (!getPredictionCol().isEmpty()) {
      // Softmax keeps the order, so the largest logit is the most probable class.
      UserDefinedFunction argmax = functions.udf(
          (UDF1<Vector, Double>) v -> (double) Scorer.argmax(v.toArray()), DataTypes.DoubleType);
      out = out.withColumn(getPredictionCol(),
          argmax.apply(z).as(getPredictionCol(), classIndex(getPredictionCol())));
    }
    return getRawPredictionCol().isEmpty() ? out.drop(raw) : out;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    MlpEstimator.requireFeatures(schema, getFeaturesCol());
    StructType s = MlpEstimator.append(schema, getRawPredictionCol(), SQLDataTypes.VectorType(),
        classVector(getRawPredictionCol()));
    s = MlpEstimator.append(s, getProbabilityCol(), SQLDataTypes.VectorType(), classVector(getProbabilityCol()));
    return MlpEstimator.append(s, getPredictionCol(), DataTypes.DoubleType, classIndex(getPredictionCol()));
  }

  /** A column holding one class index of K; none for a column left out (no name). */
  private Metadata classIndex(String column) {
    return column.isEmpty() ? Metadata.empty()
        : NominalAttribute.defaultAttr().withName(column).withNumValues(numClasses()).toMetadata();
  }

  /** A column holding one value per class; none for a column left out (no name). */
  private Metadata classVector(String column) {
    return column.isEmpty() ? Metadata.empty() : new AttributeGroup(column, numClasses()).toMetadata();
  }

  @Override
  public MlpClassificationModel copy(ParamMap extra) {
    MlpClassificationModel copy = copyValues(new MlpClassificationModel(uid(), trained()), extra);
    return copy.setParent(parent());
  }

  public static MLReader<MlpClassificationModel> read() {
    return new ModelPersistence.Reader<>(MlpClassificationModel.class, MlpClassificationModel::new);
  }

  public static MlpClassificationModel load(String path) {
    return read().load(path);
  }
}
