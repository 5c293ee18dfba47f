package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Spark UI tells the story of a run: every training job names its (first) epoch and iteration out of their totals. */
class JobDescriptionTest {

  private static final JavaSparkContext SC = SparkTests.context();

  @Test
  @DisplayName("with a job per step, iteration i of epoch e runs as the job 'sparkprop epoch e/E iteration i/N'")
  void jobsNameEpochAndIteration() throws Exception {
    assertEquals(List.of(
        "sparkprop epoch 1/2 iteration 1/3", "sparkprop epoch 1/2 iteration 2/3", "sparkprop epoch 1/2 iteration 3/3",
        "sparkprop epoch 2/2 iteration 1/3", "sparkprop epoch 2/2 iteration 2/3", "sparkprop epoch 2/2 iteration 3/3"),
        trainingJobs(false));
  }

  @Test
  @DisplayName("a standing job is named by the first iteration it runs, 'onwards'")
  void standingJobNamesItsFirstIteration() throws Exception {
    assertEquals(List.of("sparkprop epoch 1/2 iteration 1/3 onwards"), trainingJobs(true));
  }

  /** The descriptions of the training jobs of a run of 2 epochs of 3 iterations, in order. */
  private static List<String> trainingJobs(boolean standing) throws Exception {
    List<String> descriptions = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        String d = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
        if (d != null) {
          descriptions.add(d);
        }
      }
    };
    SC.sc().addSparkListener(listener);
    Architecture arch = new Architecture(new int[] {2, 4, 4}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    PreparedData data = PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 3, 100), null,
        new PreparedData.Options(2, 5, 0.2, 0.0, Scaling.STANDARDIZE, null));
    try (SparkEngine engine = new SparkEngine(SC, data, arch, 4, Precision.FLOAT64, false, Reduction.DETERMINISTIC,
        true, standing)) {
      // 80 training examples, batch 30: 3 iterations per epoch, 2 epochs.
      new Trainer(new Network(arch), new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 30, 2, 5, 0.0))
          .train(engine, TrainingListener.SILENT);
    } finally {
      data.release();
      // Listener events arrive on Spark's bus thread: wait for them before looking.
      SC.sc().listenerBus().waitUntilEmpty();
      SC.sc().removeSparkListener(listener);
    }
    return descriptions.stream().filter(d -> d.contains(" iteration ")).toList();
  }

  @Test
  @DisplayName("without a plan (L-BFGS) the description leaves out the epochs' total")
  void withoutPlan() {
    assertEquals("sparkprop epoch 3/10 iteration 45/235", SparkEngine.describeIteration(2, 10, 44, 235));
    assertEquals("sparkprop epoch 1 iteration 1/1", SparkEngine.describeIteration(0, 0, 0, 1));
  }
}
