package dev.sparkprop.ml;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.io.Model;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.optim.Optimizer;
import dev.sparkprop.optim.Schedule;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.train.Defaults;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.Lbfgs;
import dev.sparkprop.train.Stopping;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Tuple2;

/**
 * What {@link MlpClassifier} and {@link MlpRegressor} share: the Params, and {@link #fit}, which
 * hands the DataFrame's (features, label) rows to the trainer's data-parallel engine, the one
 * the command line uses.
 *
 * <p>Spark ML's Params are Scala: a Param is an object owned by its stage, found by reflection
 * through a public no-argument method that returns it, and created once the stage's uid is
 * known. Hence the fields are assigned in the constructor, after {@link #uid}, and every Param
 * has a public accessor of its own name. {@code maxIter}, {@code blockSize} and {@code stepSize}
 * have no default on purpose: unset, they take the data-dependent defaults of the command line
 * ({@link Defaults}) and the optimizer's own learning rate.
 *
 * <p>Rows are used in the DataFrame's order: an example's position decides its place in every
 * epoch's batches, so the same rows in the same order and the same seed give the same model
 * whatever the partitioning.
 *
 * @param <E> the estimator itself, so that setters chain
 * @param <M> the model it fits
 */
public abstract class MlpEstimator<E extends MlpEstimator<E, M>, M extends MlpModel<M>> extends Estimator<M>
    implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final LongParam seed;
  private final IntParam maxIter;
  private final DoubleParam stepSize;
  private final IntParam blockSize;
  private final IntArrayParam layers;
  private final Param<String> activation;
  private final Param<String> optimizer;
  private final DoubleParam l2;
  private final DoubleParam dropout;
  private final DoubleParam validationFraction;
  private final IntParam earlyStopping;

  protected MlpEstimator(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "features column name: a vector");
    labelCol = new Param<>(this, "labelCol", "label column name: a number");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    seed = new LongParam(this, "seed", "fixes initialisation, the validation split and the shuffles");
    maxIter = new IntParam(this, "maxIter", "epochs: passes over the training rows (unset: enough for "
        + Defaults.MIN_ITERATIONS + " iterations, " + Defaults.MIN_EPOCHS + " to " + Defaults.MAX_EPOCHS
        + "); with optimizer lbfgs, its most iterations", ParamValidators.gt(0));
    stepSize = new DoubleParam(this, "stepSize", "learning rate (unset: the optimizer's own)", ParamValidators.gt(0));
    blockSize = new IntParam(this, "blockSize", "batch size: examples per iteration over all partitions (unset: min("
        + Defaults.MAX_BATCH + ", a tenth of the training rows))", ParamValidators.gt(0));
    layers = new IntArrayParam(this, "layers", "hidden layer widths, from the input side; the input and output"
        + " widths follow from the data (unlike MultilayerPerceptronClassifier's layers, which include them)",
        valid(MlpEstimator::allPositive));
    activation = new Param<>(this, "activation", "hidden activation: sigmoid, tanh, relu, leaky-relu, identity",
        valid(MlpEstimator::isActivation));
    optimizer = new Param<>(this, "optimizer", "optimizer: " + Optimizer.NAMES + ", or lbfgs (full batch)",
        valid(MlpEstimator::isOptimizer));
    l2 = new DoubleParam(this, "l2", "L2 penalty on the weights (not the biases)", ParamValidators.gtEq(0));
    dropout = new DoubleParam(this, "dropout", "inverted dropout rate on the hidden layers, in [0, 1)",
        ParamValidators.inRange(0, 1, true, false));
    validationFraction = new DoubleParam(this, "validationFraction",
        "fraction of the rows held out and scored after every epoch, in [0, 1)", ParamValidators.inRange(0, 1, true, false));
    earlyStopping = new IntParam(this, "earlyStopping", "stop after this many epochs without improvement of the"
        + " validation loss and keep the best epoch; 0 for off (needs validationFraction)", ParamValidators.gtEq(0));

    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(seed, Defaults.SEED);
    setDefault(layers, Defaults.HIDDEN.clone());
    setDefault(activation, "relu");
    setDefault(optimizer, "adam");
    setDefault(l2, 0.0);
    setDefault(dropout, 0.0);
    setDefault(validationFraction, 0.0);
    setDefault(earlyStopping, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ----- Params, each with the accessor Spark finds it by, a getter and a setter

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public LongParam seed() {
    return seed;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public DoubleParam stepSize() {
    return stepSize;
  }

  public IntParam blockSize() {
    return blockSize;
  }

  public IntArrayParam layers() {
    return layers;
  }

  public Param<String> activation() {
    return activation;
  }

  public Param<String> optimizer() {
    return optimizer;
  }

  public DoubleParam l2() {
    return l2;
  }

  public DoubleParam dropout() {
    return dropout;
  }

  public DoubleParam validationFraction() {
    return validationFraction;
  }

  public IntParam earlyStopping() {
    return earlyStopping;
  }

  public String getFeaturesCol() {
    return $(featuresCol);
  }

  public String getLabelCol() {
    return $(labelCol);
  }

  public String getPredictionCol() {
    return $(predictionCol);
  }

  public long getSeed() {
    return (Long) $(seed);
  }

  /** The epochs; throws {@link java.util.NoSuchElementException} when unset (the data then decide). */
  public int getMaxIter() {
    return (Integer) $(maxIter);
  }

  /** The learning rate; throws {@link java.util.NoSuchElementException} when unset (the optimizer's then). */
  public double getStepSize() {
    return (Double) $(stepSize);
  }

  /** The batch size; throws {@link java.util.NoSuchElementException} when unset (the data then decide). */
  public int getBlockSize() {
    return (Integer) $(blockSize);
  }

  public int[] getLayers() {
    return $(layers).clone();
  }

  public String getActivation() {
    return $(activation);
  }

  public String getOptimizer() {
    return $(optimizer);
  }

  public double getL2() {
    return (Double) $(l2);
  }

  public double getDropout() {
    return (Double) $(dropout);
  }

  public double getValidationFraction() {
    return (Double) $(validationFraction);
  }

  public int getEarlyStopping() {
    return (Integer) $(earlyStopping);
  }

  @SuppressWarnings("unchecked")
  private E self() {
    return (E) this;
  }

  public E setFeaturesCol(String value) {
    set(featuresCol, nonNull(featuresCol, value));
    return self();
  }

  public E setLabelCol(String value) {
    set(labelCol, nonNull(labelCol, value));
    return self();
  }

  public E setPredictionCol(String value) {
    set(predictionCol, outputColumn(predictionCol, value));
    return self();
  }

  public E setSeed(long value) {
    set(seed, value);
    return self();
  }

  public E setMaxIter(int value) {
    set(maxIter, value);
    return self();
  }

  public E setStepSize(double value) {
    set(stepSize, value);
    return self();
  }

  public E setBlockSize(int value) {
    set(blockSize, value);
    return self();
  }

  public E setLayers(int... value) {
    set(layers, nonNull(layers, value).clone());
    return self();
  }

  public E setActivation(String value) {
    set(activation, nonNull(activation, value));
    return self();
  }

  public E setOptimizer(String value) {
    set(optimizer, nonNull(optimizer, value));
    return self();
  }

  public E setL2(double value) {
    set(l2, value);
    return self();
  }

  public E setDropout(double value) {
    set(dropout, value);
    return self();
  }

  public E setValidationFraction(double value) {
    set(validationFraction, value);
    return self();
  }

  public E setEarlyStopping(int value) {
    set(earlyStopping, value);
    return self();
  }

  /**
   * {@code value}, refused when null with a message naming the Param. Spark's validation prints
   * a rejected value with {@code toString}, so a null would reach the user as a bare
   * NullPointerException, or, for a Param without a validator, only at {@code fit}.
   */
  static <T> T nonNull(Param<?> param, T value) {
    if (value == null) {
      throw new IllegalArgumentException(param.name() + " cannot be null");
    }
    return value;
  }

  /** An output column's name: as {@link #nonNull}, saying how a column is left out instead. */
  static String outputColumn(Param<String> param, String value) {
    if (value == null) {
      throw new IllegalArgumentException(param.name() + " cannot be null; the empty name leaves the column out");
    }
    return value;
  }

  /** A predicate as the Scala function a Param validates with; serializable, as Params must be. */
  static <T> Function1<T, Object> valid(Check<T> check) {
    return (Function1<T, Object> & Serializable) value -> check.test(value);
  }

  interface Check<T> extends Serializable {
    boolean test(T value);
  }

  private static boolean allPositive(int[] widths) {
    for (int w : widths) {
      if (w <= 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isActivation(String name) {
    try {
      Activation.parse(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isOptimizer(String name) {
    if (isLbfgs(name)) {
      return true;
    }
    try {
      Optimizer.parse(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isLbfgs(String name) {
    return name.trim().toLowerCase(Locale.ROOT).equals("lbfgs");
  }

  // ----- What the subclasses decide

  /**
   * The task the labels ask for, checked against them: the loss and the number of classes (0 for
   * regression). {@code locator} names the row of an offending label; {@code label} is the
   * column, whose ML attribute metadata (StringIndexer's, say) may declare the classes.
   */
  abstract Task task(LabelStats labels, LabelStats.Locator locator, StructField label);

  record Task(Loss loss, int classes) {}

  /** A model around the trained network, with this estimator's uid. */
  abstract M newModel(Model trained);

  /** How the labels are rescaled for training: NONE unless the regressor is told otherwise. */
  Scaling labelScaling() {
    return Scaling.NONE;
  }

  /** The columns the model adds, in order, for {@link #transformSchema}. */
  abstract StructType addOutputColumns(StructType schema);

  // ----- Fitting

  @Override
  public M fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    String features = getFeaturesCol();
    String label = getLabelCol();
    String name = "DataFrame[" + features + ", " + label + "]";
    boolean lbfgs = isLbfgs(getOptimizer());
    // Refuse settings the chosen path would silently ignore, as the command line does.
    if (lbfgs && (isSet(stepSize) || isSet(blockSize) || getEarlyStopping() > 0 || getDropout() > 0)) {
      throw new IllegalArgumentException("optimizer lbfgs chooses its own steps, trains a fixed full-batch objective"
          + " and runs to maxIter iterations: stepSize, blockSize, dropout and earlyStopping do not apply");
    }
    if (getEarlyStopping() > 0 && getValidationFraction() == 0.0) {
      throw new IllegalArgumentException("earlyStopping watches the validation rows: set validationFraction too");
    }
    Optimizer opt = Optimizer.parse(lbfgs ? "sgd" : getOptimizer());
    if (isSet(stepSize)) {
      opt = opt.withLearningRate(getStepSize());
    }

    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    JavaRDD<Tuple2<Vector, Double>> examples = dataset
        .select(functions.col(features), functions.col(label).cast(DataTypes.DoubleType))
        .toJavaRDD()
        .map(MlpEstimator::example);
    // An empty local DataFrame has no partitions at all; with one, fromVectors says there are no rows.
    int partitions = Math.max(1, examples.getNumPartitions());
    PreparedData data = PreparedData.fromVectors(sc, examples, name, new PreparedData.Options(
        partitions, getSeed(), 0.0, getValidationFraction(), Scaling.NONE, null, labelScaling(), null));
    try {
      Task task = task(data.labels(), data.locator(data.labels()), dataset.schema().apply(label));
      Architecture architecture = Architecture.of(data.features(), getLayers(), task.loss().outputsFor(task.classes()),
          Activation.parse(getActivation()), task.loss());
      long trainCount = data.count(Role.TRAIN);
      int batch = isSet(blockSize) ? getBlockSize() : Defaults.batchSize(trainCount);
      int epochs = isSet(maxIter) ? getMaxIter() : Defaults.epochs(trainCount, batch);
      TrainConfig config = new TrainConfig(opt, batch, epochs, getSeed(), 0.0, getL2(),
          Schedule.CONSTANT, 0.0, getDropout());
      Stopping stopping = new Stopping(Stopping.Metric.LOSS, getEarlyStopping(), 0.0, 0.0, 0.0);

      Network network = new Network(architecture);
      double[] parameters;
      Map<String, Double> metrics = new LinkedHashMap<>();
      int bestEpoch;
      try (SparkEngine engine = new SparkEngine(sc, data, architecture, task.classes())) {
        if (lbfgs) {
          Lbfgs.Result r = Lbfgs.minimize(network, engine, Initializer.initialize(architecture, getSeed()), getL2(),
              epochs, Lbfgs.DEFAULT_TOLERANCE, Lbfgs.DEFAULT_MEMORY);
          parameters = r.parameters();
          bestEpoch = r.iterations();
          metrics.put("train.loss", r.finalLoss());
          // The held-out rows are scored once, at the end, as the command line does.
          if (data.count(Role.VALIDATION) > 0) {
            engine.evaluate(parameters, Role.VALIDATION).metrics().forEach((k, v) -> metrics.put("validation." + k, v));
          }
        } else {
          Trainer.Result r = new Trainer(network, config, stopping).train(engine, TrainingListener.SILENT);
          parameters = r.parameters();
          bestEpoch = r.bestEpoch();
          EpochStats kept = r.history().get(r.bestEpoch() - 1);
          metrics.put("train.loss", kept.trainLoss());
          if (kept.validation() != null) {
            kept.validation().metrics().forEach((k, v) -> metrics.put("validation." + k, v));
          }
        }
      }
      Map<String, Object> training = new LinkedHashMap<>();
      training.put("data", name);
      training.put("estimator", uid());
      training.put("seed", getSeed());
      training.put("validationFraction", getValidationFraction());
      training.put("partitions", data.partitions());
      training.put("optimizer", lbfgs ? "lbfgs" : opt.name());
      if (!lbfgs) {
        training.put("learningRate", opt.learningRate());
      }
      training.put("l2", getL2());
      training.put("dropout", getDropout());
      training.put("batchSize", batch);
      training.put("epochs", epochs);
      training.put(lbfgs ? "iterations" : "bestEpoch", bestEpoch);
      training.put("trainExamples", trainCount);
      Model trained = new Model(architecture, parameters, Scaling.NONE, data.scaler(), task.classes(), training, metrics,
          labelScaling(), data.targetScaler());
      M model = newModel(trained);
      copyValues(model, ParamMap.empty());
      return model.setParent(this);
    } finally {
      data.release();
    }
  }

  /** A row of (features, label) as the trainer takes it; a missing value is the user's data error. */
  private static Tuple2<Vector, Double> example(Row row) {
    if (row.isNullAt(0) || row.isNullAt(1)) {
      throw new DataFormatException("DataFrame", 0, "a row has no " + (row.isNullAt(0) ? "features" : "label")
          + " (null); drop or fill such rows first");
    }
    return new Tuple2<>((Vector) row.get(0), row.getDouble(1));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireFeatures(schema, getFeaturesCol());
    requireColumn(schema, getLabelCol(), "label");
    if (!(schema.apply(getLabelCol()).dataType() instanceof NumericType)) {
      throw new IllegalArgumentException("column " + getLabelCol() + " must be numeric, not "
          + schema.apply(getLabelCol()).dataType().simpleString() + "; StringIndexer turns strings into class indices");
    }
    return addOutputColumns(schema);
  }

  /** The features column must be there and hold vectors, for the estimator and its models alike. */
  static void requireFeatures(StructType schema, String column) {
    requireColumn(schema, column, "features");
    if (!(schema.apply(column).dataType().equals(SQLDataTypes.VectorType()))) {
      throw new IllegalArgumentException("column " + column + " must be a vector (org.apache.spark.ml.linalg),"
          + " not " + schema.apply(column).dataType().simpleString() + "; VectorAssembler makes one");
    }
  }

  static void requireColumn(StructType schema, String column, String role) {
    if (!List.of(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("there is no " + role + " column " + column + "; the columns are "
          + String.join(", ", schema.fieldNames()));
    }
  }

  /** {@code schema} with {@code column} appended, unless the name is empty (Spark's way to skip an output). */
  static StructType append(StructType schema, String column, DataType type) {
    return append(schema, column, type, Metadata.empty());
  }

  /** As {@link #append(StructType, String, DataType)}, the column carrying {@code metadata}. */
  static StructType append(StructType schema, String column, DataType type, Metadata metadata) {
    if (column.isEmpty()) {
      return schema;
    }
    if (List.of(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("output column " + column + " already exists");
    }
    return schema.add(new StructField(column, type, false, metadata));
  }

  @Override
  public abstract MlpEstimator<E, M> copy(ParamMap extra);
}
