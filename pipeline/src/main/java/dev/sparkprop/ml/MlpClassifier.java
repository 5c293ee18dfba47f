package dev.sparkprop.ml;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.io.Model;
import dev.sparkprop.nn.Loss;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A feed-forward network classifier for Spark ML pipelines, trained by sparkprop's data-parallel
 * engine: labels are class indices 0..K−1 (as StringIndexer makes them), and the network ends in
 * a softmax over K outputs with cross-entropy loss, for two classes as well.
 *
 * <pre>{@code
 * MlpClassifier mlp = new MlpClassifier().setLayers(64, 32).setMaxIter(20).setStepSize(0.003);
 * PipelineModel model = new Pipeline().setStages(new PipelineStage[] {assembler, scaler, mlp}).fit(train);
 * }</pre>
 *
 * <p>The model adds {@code rawPrediction} (the logits), {@code probability} (their softmax) and
 * {@code prediction} (the most probable class), as Spark's classifiers do.
 */
public final class MlpClassifier extends MlpEstimator<MlpClassifier, MlpClassificationModel> {

  private static final long serialVersionUID = 1L;

  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  public MlpClassifier() {
    this(Identifiable.randomUID("mlpClassifier"));
  }

  /** The constructor Spark's {@code copy} and reader use. */
  public MlpClassifier(String uid) {
    super(uid);
    probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name (empty: none)");
    rawPredictionCol = new Param<>(this, "rawPredictionCol", "logits column name (empty: none)");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
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

  public MlpClassifier setProbabilityCol(String value) {
    set(probabilityCol, outputColumn(probabilityCol, value));
    return this;
  }

  public MlpClassifier setRawPredictionCol(String value) {
    set(rawPredictionCol, outputColumn(rawPredictionCol, value));
    return this;
  }

  @Override
  Task task(LabelStats labels, LabelStats.Locator locator, StructField label) {
    // Checked before K is derived from the largest label, so a label such as 1e9 or 2.5 gets
    // a message naming its row rather than a network with a billion outputs.
    if (!labels.allIntegers() || labels.min() < 0 || labels.max() >= LabelStats.MAX_DISTINCT) {
      labels.checkClassLabels(LabelStats.MAX_DISTINCT, locator);
    }
    int declared = declaredClasses(label);
    if (declared > 0) {
      labels.checkClassLabels(declared, locator);
    }
    if (labels.min() == labels.max()) {
      throw new DataFormatException(labels.source(), 0, "only one class (label " + (long) labels.max()
          + ") in the data");
    }
    return new Task(Loss.SOFTMAX_CROSS_ENTROPY, Math.max(2, Math.max((int) labels.max() + 1, declared)));
  }

  /**
   * The classes the label column's metadata declares, as StringIndexer writes it, or 0. A
   * training split or a cross-validation fold may lack the last class; the model still gets an
   * output for it, as Spark's own classifiers do.
   */
  private static int declaredClasses(StructField label) {
    Attribute attribute = Attribute.fromStructField(label);
    if (attribute instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
      return (Integer) nominal.getNumValues().get();
    }
    return attribute instanceof BinaryAttribute ? 2 : 0;
  }

  @Override
  MlpClassificationModel newModel(Model trained) {
    return new MlpClassificationModel(uid(), trained);
  }

  @Override
  StructType addOutputColumns(StructType schema) {
    StructType s = append(schema, getRawPredictionCol(), SQLDataTypes.VectorType());
    s = append(s, getProbabilityCol(), SQLDataTypes.VectorType());
    return append(s, getPredictionCol(), DataTypes.DoubleType);
  }

  @Override
  public MlpClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<MlpClassifier> read() {
    return new ModelPersistence.EstimatorReader<>(MlpClassifier.class);
  }

  public static MlpClassifier load(String path) {
    return read().load(path);
  }
}
