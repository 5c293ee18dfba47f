package dev.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DataFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator's contract: determinism, Params, persistence of its settings, and clear refusals. */
class EstimatorTest {

  @TempDir
  Path temp;

  /** The digits as (features, digit) rows, in file order. */
  private static List<Row> digits;

  @BeforeAll
  static void readDigits() {
    Dataset<Row> csv = SparkSessions.local().read().option("header", true).option("inferSchema", true)
        .csv("data/digits-600.csv");
    String[] pixels = Arrays.stream(csv.columns()).filter(c -> !c.equals("digit")).toArray(String[]::new);
    digits = new VectorAssembler().setInputCols(pixels).setOutputCol("features").transform(csv)
        .select("features", "digit").collectAsList();
  }

  /** The same rows in the same order, cut into {@code partitions} partitions. */
  private static Dataset<Row> digits(int partitions) {
    SparkSession spark = SparkSessions.local();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(sc.parallelize(digits, partitions), digits.get(0).schema());
  }

  private static MlpClassifier small() {
    return new MlpClassifier().setLabelCol("digit").setLayers(16).setMaxIter(2).setBlockSize(100).setStepSize(0.01);
  }

  @Test
  void sameSeedSameModelWhateverThePartitioning() {
    double[] one = small().fit(digits(1)).trained().parameters();
    MlpClassificationModel three = small().fit(digits(3));
    assertEquals(3, ((Number) three.trained().training().get("partitions")).intValue());
    double[] p3 = three.trained().parameters();
    assertEquals(one.length, p3.length);
    double worst = 0;
    for (int i = 0; i < one.length; i++) {
      worst = Math.max(worst, Math.abs(one[i] - p3[i]));
    }
    // Only the order in which partition sums are added differs.
    assertTrue(worst < 1e-9, "largest parameter difference " + worst);
    assertFalse(Arrays.equals(one, small().setSeed(8).fit(digits(1)).trained().parameters()),
        "another seed starts elsewhere");
  }

  @Test
  void paramsHaveSparkNamesDefaultsAndSurviveSaveAndLoad() throws Exception {
    MlpClassifier mlp = new MlpClassifier();
    for (String name : List.of("featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol",
        "seed", "maxIter", "stepSize", "blockSize", "layers", "activation", "optimizer", "l2", "dropout",
        "validationFraction", "earlyStopping")) {
      assertTrue(mlp.hasParam(name), name);
    }
    assertEquals("features", mlp.getFeaturesCol());
    assertEquals("rawPrediction", mlp.getRawPredictionCol());
    assertFalse(mlp.isDefined(mlp.stepSize()), "unset: the optimizer's own learning rate");

    mlp.setLayers(20, 10).setActivation("tanh").setOptimizer("momentum").setStepSize(0.02).setL2(1e-4)
        .setDropout(0.1).setSeed(99).setLabelCol("y").setProbabilityCol("");
    String path = temp.resolve("estimator").toString();
    mlp.save(path);
    MlpClassifier loaded = MlpClassifier.load(path);
    assertEquals(mlp.uid(), loaded.uid());
    assertArrayEquals(new int[] {20, 10}, loaded.getLayers());
    assertEquals("tanh", loaded.getActivation());
    assertEquals("momentum", loaded.getOptimizer());
    assertEquals(0.02, loaded.getStepSize());
    assertEquals(1e-4, loaded.getL2());
    assertEquals(0.1, loaded.getDropout());
    assertEquals(99L, loaded.getSeed());
    assertEquals("y", loaded.getLabelCol());
    assertEquals("", loaded.getProbabilityCol());
    assertFalse(loaded.isSet(loaded.maxIter()));
  }

  @Test
  void estimatorAndModelSerialize() throws Exception {
    MlpClassifier mlp = small().setActivation("tanh");
    MlpClassifier back = roundTrip(mlp);
    assertEquals(mlp.uid(), back.uid());
    assertEquals("tanh", back.getActivation());
    assertThrows(IllegalArgumentException.class, () -> back.setActivation("softplus"), "validators survive");
    MlpClassificationModel model = small().setMaxIter(1).fit(digits(1));
    assertArrayEquals(model.trained().parameters(), roundTrip(model).trained().parameters());
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void copyKeepsTheSettingsAndAppliesTheExtraOnes() {
    MlpClassifier mlp = new MlpClassifier().setLayers(5).setMaxIter(4);
    MlpClassifier copy = mlp.copy(new ParamMap().put(mlp.stepSize().w(0.5)));
    assertEquals(mlp.uid(), copy.uid());
    assertArrayEquals(new int[] {5}, copy.getLayers());
    assertEquals(4, copy.getMaxIter());
    assertEquals(0.5, copy.getStepSize());
    assertFalse(mlp.isSet(mlp.stepSize()), "the original is unchanged");
  }

  @Test
  void invalidSettingsAreRefusedWhenSet() {
    MlpClassifier mlp = new MlpClassifier();
    assertThrows(IllegalArgumentException.class, () -> mlp.setActivation("softplus"));
    assertThrows(IllegalArgumentException.class, () -> mlp.setOptimizer("adamax"));
    assertThrows(IllegalArgumentException.class, () -> mlp.setLayers(8, 0));
    assertThrows(IllegalArgumentException.class, () -> mlp.setDropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> mlp.setMaxIter(0));
  }

  @Test
  void aNullSettingIsRefusedByName() {
    // Spark's own validation would print the value and end in a NullPointerException.
    MlpClassifier mlp = new MlpClassifier();
    assertEquals("activation cannot be null",
        assertThrows(IllegalArgumentException.class, () -> mlp.setActivation(null)).getMessage());
    assertEquals("layers cannot be null",
        assertThrows(IllegalArgumentException.class, () -> mlp.setLayers((int[]) null)).getMessage());
    assertEquals("featuresCol cannot be null",
        assertThrows(IllegalArgumentException.class, () -> mlp.setFeaturesCol(null)).getMessage());
    assertEquals("probabilityCol cannot be null; the empty name leaves the column out",
        assertThrows(IllegalArgumentException.class, () -> mlp.setProbabilityCol(null)).getMessage());
    assertEquals("targetScaling cannot be null",
        assertThrows(IllegalArgumentException.class, () -> new MlpRegressor().setTargetScaling(null)).getMessage());
    MlpClassificationModel model = small().setMaxIter(1).fit(digits(1));
    assertEquals("predictionCol cannot be null; the empty name leaves the column out",
        assertThrows(IllegalArgumentException.class, () -> model.setPredictionCol(null)).getMessage());
    assertEquals("features", mlp.getFeaturesCol(), "a refused value leaves the setting as it was");
  }

  @Test
  void aStageOfAnotherKindIsNamedWhenLoaded() throws Exception {
    String regressor = temp.resolve("regressor").toString();
    new MlpRegressor().save(regressor);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MlpClassifier.load(regressor));
    assertEquals(regressor + ": the stage saved there is MlpRegressor, not MlpClassifier; read it with MlpRegressor.load",
        e.getMessage());
    String model = temp.resolve("model").toString();
    small().setMaxIter(1).fit(digits(1)).save(model);
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> MlpRegressionModel.load(model));
    assertEquals(model + ": the stage saved there is MlpClassificationModel, not MlpRegressionModel;"
        + " read it with MlpClassificationModel.load", m.getMessage());
    String spark = temp.resolve("assembler").toString();
    new VectorAssembler().save(spark);
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> MlpClassifier.load(spark));
    assertEquals(spark + ": the stage saved there is org.apache.spark.ml.feature.VectorAssembler, not MlpClassifier",
        other.getMessage());
  }

  @Test
  void rowsTheTrainerWouldRefuseAreRefusedWhenScored() {
    MlpClassificationModel model = small().setMaxIter(1).fit(digits(1));
    double[] x = ((Vector) digits.get(0).get(0)).toArray();
    x[3] = 1e39;
    assertEquals("DataFrame: a features vector has entry 3 = 1.0E39, beyond float32's range (±3.4e38),"
        + " in which the model takes features", scoringError(model, Vectors.dense(x)));
    x[3] = Double.NaN;
    assertEquals("DataFrame: a features vector has entry 3 = NaN; drop or impute such rows first (Imputer)",
        scoringError(model, Vectors.dense(x)));
    assertEquals("DataFrame: a row has no features (null); drop or fill such rows first", scoringError(model, null));
    x[3] = 3e38; // within float32's range
    assertEquals(10, model.predictProbability(Vectors.dense(x)).size());
  }

  /** The message of the DataFormatException that scoring {@code features} in a DataFrame ends in. */
  private static String scoringError(MlpClassificationModel model, Vector features) {
    StructType schema = new StructType().add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), true);
    Dataset<Row> rows = SparkSessions.local().createDataFrame(List.of(RowFactory.create(features)), schema);
    Exception e = assertThrows(Exception.class, () -> model.transform(rows).collectAsList());
    Throwable cause = e;
    while (cause != null && !(cause instanceof DataFormatException)) {
      cause = cause.getCause();
    }
    assertNotNull(cause, "no DataFormatException in " + e);
    return cause.getMessage();
  }

  @Test
  void aFeaturesColumnThatIsNoVectorIsNamed() {
    Dataset<Row> wrong = digits(1).withColumn("features", functions.lit(1.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small().fit(wrong));
    assertTrue(e.getMessage().contains("column features must be a vector"), e.getMessage());
    assertTrue(e.getMessage().contains("VectorAssembler"), e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> small().setLabelCol("class").fit(digits(1)));
    assertTrue(missing.getMessage().contains("no label column class"), missing.getMessage());
    // The fitted model checks its input at schema time too, so a Pipeline's check catches it.
    MlpClassificationModel model = small().setMaxIter(1).fit(digits(1));
    IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
        () -> model.transformSchema(wrong.schema()));
    assertTrue(late.getMessage().contains("column features must be a vector"), late.getMessage());
  }

  @Test
  void noRowsIsADataErrorEvenWithoutPartitions() {
    Dataset<Row> none = SparkSessions.local().createDataFrame(List.of(), digits(1).schema());
    DataFormatException e = assertThrows(DataFormatException.class, () -> small().fit(none));
    assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
  }

  @Test
  void aFeatureBeyondFloat32IsNamedByItsRow() {
    List<Row> rows = new ArrayList<>(digits(1).collectAsList());
    double[] x = ((Vector) rows.get(4).get(0)).toArray();
    x[0] = 1e39; // finite as a double, infinite as the float32 the features are held in
    rows.set(4, RowFactory.create(Vectors.dense(x), rows.get(4).get(1)));
    Dataset<Row> huge = SparkSessions.local().createDataFrame(rows, digits(1).schema());
    Exception e = assertThrows(Exception.class, () -> small().fit(huge));
    Throwable cause = e;
    while (cause != null && !(cause instanceof DataFormatException)) {
      cause = cause.getCause();
    }
    assertNotNull(cause, "no DataFormatException in " + e);
    assertTrue(cause.getMessage().contains(":5: feature 0 is 1.0E39, beyond float32's range"), cause.getMessage());
  }

  @Test
  void classLabelsMustBeClassIndices() {
    Dataset<Row> halves = digits(1).withColumn("digit", functions.col("digit").divide(2.0));
    DataFormatException e = assertThrows(DataFormatException.class, () -> small().fit(halves));
    // The first row's digit is 0, the second's 1: halved, that is 0.5, the first non-integer.
    assertEquals("DataFrame[features, digit]:2: label 0.5 is not a class index: expected an integer in 0..999",
        e.getMessage());
  }

  @Test
  void classesDeclaredByTheLabelsMetadataCountEvenWhenAbsent() {
    // As StringIndexer declares them: a split or a fold may lack the last classes.
    Dataset<Row> twelve = digits(1).withColumn("digit", functions.col("digit").as("digit",
        NominalAttribute.defaultAttr().withName("digit").withNumValues(12).toMetadata()));
    MlpClassificationModel model = small().setMaxIter(1).fit(twelve);
    assertEquals(12, model.numClasses());
    Dataset<Row> five = digits(1).withColumn("digit", functions.col("digit").as("digit",
        NominalAttribute.defaultAttr().withName("digit").withNumValues(5).toMetadata()));
    DataFormatException e = assertThrows(DataFormatException.class, () -> small().fit(five));
    assertTrue(e.getMessage().contains("expected an integer in 0..4"), e.getMessage());
  }

  @Test
  void settingsThatWouldBeIgnoredAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> small().setOptimizer("lbfgs").fit(digits(1)));
    assertTrue(e.getMessage().contains("stepSize"), e.getMessage());
    MlpClassifier batched = new MlpClassifier().setLabelCol("digit").setLayers(16).setMaxIter(2).setBlockSize(100);
    IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
        () -> batched.setOptimizer("lbfgs").fit(digits(1)));
    assertTrue(full.getMessage().contains("blockSize"), full.getMessage());
    IllegalArgumentException blind = assertThrows(IllegalArgumentException.class,
        () -> small().setEarlyStopping(2).fit(digits(1)));
    assertTrue(blind.getMessage().contains("validationFraction"), blind.getMessage());
  }

  @Test
  void aValidationFractionIsHeldOutAndScored() {
    MlpClassificationModel model = small().setMaxIter(3).setValidationFraction(0.2).setEarlyStopping(1)
        .fit(digits(2));
    assertEquals(480, ((Number) model.trained().training().get("trainExamples")).intValue());
    assertTrue(model.trained().metrics().containsKey("validation.accuracy"), model.trained().metrics().toString());
    int best = ((Number) model.trained().training().get("bestEpoch")).intValue();
    assertTrue(best >= 1 && best <= 3, "best epoch " + best);
    // L-BFGS takes no epochs to watch, but the rows it held out are still scored, at the end.
    MlpClassificationModel full = new MlpClassifier().setLabelCol("digit").setLayers(16).setMaxIter(3)
        .setOptimizer("lbfgs").setValidationFraction(0.2).fit(digits(2));
    assertTrue(full.trained().metrics().containsKey("validation.accuracy"), full.trained().metrics().toString());
  }

  @Test
  void outputColumnsDeclareTheClassCountAsSparksClassifiersDo() {
    MlpClassificationModel model = small().setMaxIter(1).fit(digits(2));
    Dataset<Row> out = model.transform(digits(2));
    for (StructType schema : List.of(out.schema(), model.transformSchema(digits(2).schema()))) {
      NominalAttribute prediction = (NominalAttribute) Attribute.fromStructField(schema.apply("prediction"));
      assertEquals(10, prediction.getNumValues().get());
      assertEquals(10, AttributeGroup.fromStructField(schema.apply("probability")).size());
      assertEquals(10, AttributeGroup.fromStructField(schema.apply("rawPrediction")).size());
    }
  }

  @Test
  void outputColumnsCanBeLeftOutOrRenamed() {
    MlpClassificationModel model = small().setMaxIter(1).fit(digits(2));
    Dataset<Row> out = model.setRawPredictionCol("").setProbabilityCol("p").setPredictionCol("guess")
        .transform(digits(2));
    assertArrayEquals(new String[] {"features", "digit", "p", "guess"}, out.columns());
    assertNotEquals(0, out.count());
  }
}
