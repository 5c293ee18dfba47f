package dev.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Stopping early, and keeping the epoch worth keeping. */
class StoppingTest {

  /** Few, noisy examples and a large network: it memorises the training set and overfits fast. */
  private static final Architecture BIG = new Architecture(new int[] {2, 128, 128, 4}, Activation.RELU,
      Loss.SOFTMAX_CROSS_ENTROPY);

  private static LocalEngine overfittingSetup() {
    DenseDataset blobs = Synthetic.generate(Synthetic.Kind.BLOBS, 21, 120);
    LocalData data = LocalData.prepare(blobs, 1, 4, 0.0, 0.5, Scaling.STANDARDIZE);
    return new LocalEngine(new Network(BIG), 4, data.shards());
  }

  private static final class Recorder implements TrainingListener {
    final List<double[]> params = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    @Override
    public void epochFinished(EpochStats stats, double[] parameters) {
      params.add(parameters.clone());
    }

    @Override
    public void warn(String message) {
      warnings.add(message);
    }
  }

  @Test
  @DisplayName("early stopping ends the run after `patience` epochs without improvement and keeps the best epoch's parameters")
  void keepsBestEpoch() {
    LocalEngine engine = overfittingSetup();
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 15, 200, 4, 0.0);
    Stopping stopping = new Stopping(Stopping.Metric.LOSS, 5, 0.0, 0.0, 0.0);
    Recorder recorder = new Recorder();
    Trainer.Result result = new Trainer(new Network(BIG), config, stopping).train(engine, recorder);

    int ran = result.history().size();
    assertTrue(ran < 200, "ran all " + ran + " epochs");
    assertEquals(ran - 5, result.bestEpoch(), "stops exactly `patience` epochs after the best");
    double bestLoss = Double.POSITIVE_INFINITY;
    int argBest = 0;
    for (EpochStats s : result.history()) {
      if (s.validation().meanLoss() < bestLoss) {
        bestLoss = s.validation().meanLoss();
        argBest = s.epoch();
      }
    }
    assertEquals(argBest, result.bestEpoch());
    assertArrayEquals(recorder.params.get(argBest - 1), result.parameters(), 0.0);
    assertEquals(bestLoss, engine.evaluate(result.parameters(), Role.VALIDATION).meanLoss(), 0.0);
    assertNotNull(result.stopReason());
    assertTrue(result.stopReason().contains("epoch " + argBest), result.stopReason());
  }

  @Test
  @DisplayName("rising validation loss under falling training loss is reported once, naming the epoch it began")
  void warnsOfOverfitting() {
    LocalEngine engine = overfittingSetup();
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 15, 60, 4, 0.0);
    Recorder recorder = new Recorder();
    Trainer.Result result = new Trainer(new Network(BIG), config).train(engine, recorder);
    assertNull(result.stopReason());
    assertEquals(60, result.history().size());
    assertTrue(!recorder.warnings.isEmpty(), "no overfitting warning in 60 epochs on 60 examples");
    String first = recorder.warnings.get(0);
    int since = Integer.parseInt(first.replaceAll(".*since epoch (\\d+).*", "$1"));
    List<EpochStats> h = result.history();
    for (int e = since; e < since + Stopping.OVERFITTING_EPOCHS; e++) {
      assertTrue(h.get(e).validation().meanLoss() > h.get(e - 1).validation().meanLoss(), "epoch " + (e + 1));
      assertTrue(h.get(e).trainLoss() < h.get(e - 1).trainLoss(), "epoch " + (e + 1));
    }
  }

  @Test
  @DisplayName("a target training loss or a time budget ends the run after the epoch that meets it")
  void targetLossAndTimeBudget() {
    LocalEngine engine = overfittingSetup();
    TrainConfig config = new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 15, 200, 4, 0.0);
    Trainer.Result byLoss = new Trainer(new Network(BIG), config, new Stopping(Stopping.Metric.LOSS, 0, 0, 0.3, 0))
        .train(engine, TrainingListener.SILENT);
    List<EpochStats> h = byLoss.history();
    assertTrue(h.get(h.size() - 1).trainLoss() <= 0.3);
    assertTrue(h.size() == 1 || h.get(h.size() - 2).trainLoss() > 0.3);
    assertTrue(byLoss.stopReason().contains("reached the target"));

    Trainer.Result byTime = new Trainer(new Network(BIG), config, new Stopping(Stopping.Metric.LOSS, 0, 0, 0, 1e-9))
        .train(engine, TrainingListener.SILENT);
    assertEquals(1, byTime.history().size());
    assertTrue(byTime.stopReason().contains("time budget"));
  }

  @Test
  @DisplayName("accuracy watches only classifiers and RMSE only regressions: the other would never improve")
  void aMetricThatCannotMoveIsRefused() {
    TrainConfig config = new TrainConfig(Adam.defaults(), 15, 5, 4, 0.0);
    Architecture regression = new Architecture(new int[] {2, 8, 1}, Activation.TANH, Loss.SQUARED_ERROR);
    for (Architecture a : List.of(BIG, regression)) {
      Stopping.Metric wrong = a.loss().isClassification() ? Stopping.Metric.RMSE : Stopping.Metric.ACCURACY;
      Stopping.Metric right = a.loss().isClassification() ? Stopping.Metric.ACCURACY : Stopping.Metric.RMSE;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Trainer(new Network(a), config, new Stopping(wrong, 3, 0, 0, 0)));
      assertTrue(e.getMessage().contains("use loss, or " + right.cliName()), e.getMessage());
      assertTrue(right.fits(a.loss()) && Stopping.Metric.LOSS.fits(a.loss()));
    }
  }

  @Test
  void earlyStoppingWithoutValidationIsRefused() {
    DenseDataset blobs = Synthetic.generate(Synthetic.Kind.BLOBS, 21, 120);
    LocalData data = LocalData.prepare(blobs, 1, 4, 0.0, 0.0, Scaling.STANDARDIZE);
    LocalEngine engine = new LocalEngine(new Network(BIG), 4, data.shards());
    TrainConfig config = new TrainConfig(Adam.defaults(), 15, 5, 4, 0.0);
    assertThrows(IllegalArgumentException.class, () -> new Trainer(new Network(BIG), config,
        new Stopping(Stopping.Metric.ACCURACY, 3, 0, 0, 0)).train(engine, TrainingListener.SILENT));
  }
}
