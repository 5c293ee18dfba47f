package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.train.LocalData;
import dev.sparkprop.train.LocalEngine;
import dev.sparkprop.train.Lbfgs;
import dev.sparkprop.train.Shard;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * sparkprop's L-BFGS and Spark MLlib's MLP solve the same convex problem to the same optimum.
 * An MLP with no hidden layer is softmax regression, whose mean cross-entropy is convex; MLlib
 * fits it with the same Breeze L-BFGS. MLlib averages the loss per block of {@code blockSize}
 * rows and then over blocks, so the data are one partition of four full blocks, where that
 * average is the plain mean sparkprop minimises.
 */
class LbfgsAgainstMllibTest {

  private static final int N = 512;
  private static final int BLOCK = 128;
  private static final int ITERATIONS = 500;
  private static final double TOLERANCE = 1e-12;

  @Test
  @DisplayName("L-BFGS reaches MLlib's optimum on softmax regression (no hidden layer)")
  void sameOptimumAsMllib() {
    DenseDataset blobs = Synthetic.generate(Synthetic.Kind.BLOBS, 17, N);
    LocalData data = LocalData.prepare(blobs, 1, 3, 0.0, 0.0, Scaling.STANDARDIZE);
    Architecture softmaxRegression = new Architecture(new int[] {2, 4}, Activation.IDENTITY, Loss.SOFTMAX_CROSS_ENTROPY);
    Network network = new Network(softmaxRegression);
    LocalEngine engine = new LocalEngine(network, 4, data.shards());
    Lbfgs.Result ours = Lbfgs.minimize(network, engine, Initializer.initialize(softmaxRegression, 3), 0.0,
        ITERATIONS, TOLERANCE, Lbfgs.DEFAULT_MEMORY);

    // The same scaled examples, as MLlib takes them.
    Shard train = data.shards().get(Role.TRAIN).get(0);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      double[] x = new double[2];
      for (int k = 0; k < 2; k++) {
        x[k] = train.x()[i * 2 + k];
      }
      rows.add(RowFactory.create(train.y()[i], Vectors.dense(x)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())});
    SparkSession spark = SparkSession.builder().master("local[1]").appName("lbfgs-against-mllib")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      Dataset<Row> frame = spark.createDataFrame(rows, schema).coalesce(1);
      MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {2, 4}).setBlockSize(BLOCK).setMaxIter(ITERATIONS).setTol(TOLERANCE).setSeed(3)
          .fit(frame);
      double[] history = mllib.summary().objectiveHistory();
      double theirs = history[history.length - 1];
      assertTrue(ours.converged(), "sparkprop stopped by " + ours.stop());
      assertEquals(theirs, ours.finalLoss(), 1e-7 * theirs,
          "MLlib's optimum " + theirs + " after " + history.length + " iterations, ours " + ours.finalLoss()
              + " after " + ours.iterations());
    } finally {
      spark.stop();
    }
  }
}
