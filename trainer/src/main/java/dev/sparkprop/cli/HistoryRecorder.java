package dev.sparkprop.cli;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.io.RunHistory;
import dev.sparkprop.train.Engine;
import dev.sparkprop.train.EpochPlan;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.Evaluation;
import dev.sparkprop.train.TrainingListener;
import java.util.List;

/**
 * Writes each epoch to the run's history as it ends. With {@code trainMetrics}, it first scores
 * the whole training set under the epoch's parameters, so that the history holds train and
 * validation metrics measured alike (the epoch's running loss moves with the parameters, and
 * includes dropout). That costs one forward pass over the training set per epoch, in a single
 * Spark job: little next to the epoch's hundreds of jobs.
 */
final class HistoryRecorder implements TrainingListener {

  private final RunHistory.Writer history;
  private final Engine engine;
  private final boolean trainMetrics;
  private final List<EpochStats> resumed;
  private EpochPlan plan;

  /**
   * @param resumed the epochs a resumed run's checkpoint already holds, written first (their
   *     training-set metrics were not kept, only their running loss and validation)
   */
  HistoryRecorder(RunHistory.Writer history, Engine engine, boolean trainMetrics, List<EpochStats> resumed) {
    this.history = history;
    this.engine = engine;
    this.trainMetrics = trainMetrics;
    this.resumed = List.copyOf(resumed);
  }

  @Override
  public void started(EpochPlan plan) {
    this.plan = plan;
    for (EpochStats stats : resumed) {
      history.append(RunHistory.Entry.of(stats, plan.epochs(), plan.iterationsPerEpoch(), null));
    }
  }

  @Override
  public void epochFinished(EpochStats stats, double[] parameters) {
    Evaluation train = trainMetrics ? engine.evaluate(parameters, Role.TRAIN) : null;
    // L-BFGS reports once, at the end, without a plan: its iterations are full-batch steps.
    int epochs = plan != null ? plan.epochs() : stats.epoch();
    int iterations = plan != null ? plan.iterationsPerEpoch() : 1;
    history.append(RunHistory.Entry.of(stats, epochs, iterations, train));
  }
}
