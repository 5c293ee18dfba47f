package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Vectors already in Spark (what the ML Pipeline adapter hands over) train exactly as the same
 * examples read from a source: same roles, same batches, same parameters, for any partitioning.
 */
class FromVectorsTest {

  private static final JavaSparkContext SC = SparkTests.context();
  private static final long SEED = 5;
  private static final PreparedData.Options OPTIONS =
      new PreparedData.Options(3, SEED, 0.2, 0.1, Scaling.STANDARDIZE, null);

  private static List<Tuple2<Vector, Double>> rows(DenseDataset data) {
    List<Tuple2<Vector, Double>> rows = new ArrayList<>();
    int d = data.featureCount();
    for (int i = 0; i < data.size(); i++) {
      double[] x = new double[d];
      for (int k = 0; k < d; k++) {
        x[k] = data.features()[i * d + k];
      }
      rows.add(new Tuple2<>(Vectors.dense(x), data.labels()[i]));
    }
    return rows;
  }

  private static double[] train(PreparedData data) {
    Architecture arch = new Architecture(new int[] {2, 8, 4}, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 40, 2, SEED, 0.0);
    try (SparkEngine engine = new SparkEngine(SC, data, arch, 4)) {
      return new Trainer(new Network(arch), config).train(engine, TrainingListener.SILENT).parameters();
    } finally {
      data.release();
    }
  }

  @Test
  void vectorsInAnyPartitioningTrainAsTheSourceDoes() {
    List<Tuple2<Vector, Double>> rows = rows(Synthetic.generate(Synthetic.Kind.BLOBS, 7, 300));
    double[] fromSource = train(PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 7, 300), null, OPTIONS));
    for (int partitions : new int[] {1, 4}) {
      PreparedData data = PreparedData.fromVectors(SC, SC.parallelize(rows, partitions), "rows", OPTIONS);
      assertEquals(Math.min(partitions, 3), data.partitions());
      assertEquals(300 - 60 - 30, data.count(Role.TRAIN));
      DistributedEqualsLocalTest.assertClose(fromSource, train(data), 1e-9);
    }
  }

  @Test
  void aSparseVectorIsItsDenseTwin() {
    List<Tuple2<Vector, Double>> dense = rows(Synthetic.generate(Synthetic.Kind.BLOBS, 7, 300));
    List<Tuple2<Vector, Double>> sparse = new ArrayList<>();
    for (Tuple2<Vector, Double> r : dense) {
      sparse.add(new Tuple2<>(r._1().toSparse(), r._2()));
    }
    DistributedEqualsLocalTest.assertClose(train(PreparedData.fromVectors(SC, SC.parallelize(dense, 2), "rows", OPTIONS)),
        train(PreparedData.fromVectors(SC, SC.parallelize(sparse, 2), "rows", OPTIONS)), 0.0);
  }

  @Test
  void aVectorOfAnotherWidthIsNamedByItsRow() {
    List<Tuple2<Vector, Double>> rows = new ArrayList<>(List.of(
        new Tuple2<>(Vectors.dense(1, 2), 0.0),
        new Tuple2<>(Vectors.dense(3, 4), 1.0),
        new Tuple2<>(Vectors.dense(5, 6, 7), 1.0)));
    JavaRDD<Tuple2<Vector, Double>> rdd = SC.parallelize(rows, 2);
    SparkException e = assertThrows(SparkException.class, () -> PreparedData.fromVectors(SC, rdd, "rows", OPTIONS));
    Throwable cause = e;
    while (cause != null && !(cause instanceof DataFormatException)) {
      cause = cause.getCause();
    }
    assertTrue(cause != null, "no DataFormatException in " + e);
    assertEquals("rows:3: has 3 features; the first row has 2", cause.getMessage());
  }

  @Test
  void noRowsIsADataError() {
    JavaRDD<Tuple2<Vector, Double>> none = SC.parallelize(new ArrayList<>(), 2);
    assertThrows(DataFormatException.class, () -> PreparedData.fromVectors(SC, none, "rows", OPTIONS));
  }
}
