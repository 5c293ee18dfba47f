package dev.sparkprop.ml;

import dev.sparkprop.io.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

/**
 * What {@link MlpClassificationModel} and {@link MlpRegressionModel} share: the trained network
 * as the trainer's {@link Model} (architecture, parameters, scaling, training record), the
 * column Params, and persistence. {@link #write()} stores Spark's metadata and, beside it, the
 * model in our own format (see {@link ModelPersistence}), so a saved pipeline stage can also be
 * read by {@code sparkprop evaluate}.
 */
public abstract class MlpModel<M extends MlpModel<M>> extends org.apache.spark.ml.Model<M> implements MLWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Model trained;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;

  protected MlpModel(String uid, Model trained) {
    this.uid = uid;
    this.trained = trained;
    featuresCol = new Param<>(this, "featuresCol", "features column name: a vector");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The network, its parameters and how it was trained, as {@code sparkprop} saves models. */
  public Model trained() {
    return trained;
  }

  /** The number of input features the network takes. */
  public int numFeatures() {
    return trained.architecture().inputs();
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public String getFeaturesCol() {
    return $(featuresCol);
  }

  public String getPredictionCol() {
    return $(predictionCol);
  }

  @SuppressWarnings("unchecked")
  M self() {
    return (M) this;
  }

  public M setFeaturesCol(String value) {
    set(featuresCol, MlpEstimator.nonNull(featuresCol, value));
    return self();
  }

  public M setPredictionCol(String value) {
    set(predictionCol, MlpEstimator.outputColumn(predictionCol, value));
    return self();
  }

  @Override
  public MLWriter write() {
    return new ModelPersistence.Writer(this);
  }

  /** The scoring function the output columns are computed with. */
  Scorer scorer() {
    return new Scorer(trained.architecture(), trained.parameters(), trained.scaler(), trained.targetScaler());
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + ": uid=" + uid + ", network " + trained.architecture();
  }
}
