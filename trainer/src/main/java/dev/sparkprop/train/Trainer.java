package dev.sparkprop.train;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.optim.GradientClipping;
import dev.sparkprop.optim.OptimizerState;
import java.util.ArrayList;
import java.util.List;

/**
 * The one training loop, for every engine: per iteration, ask the engine for the batch's sums,
 * divide once by the batch's example count, add the L2 term, and take one optimizer step.
 */
public final class Trainer {

  private final Network network;
  private final TrainConfig config;
  private final Stopping stopping;

  public Trainer(Network network, TrainConfig config) {
    this(network, config, Stopping.NONE);
  }

  public Trainer(Network network, TrainConfig config, Stopping stopping) {
    this.network = network;
    this.config = config;
    this.stopping = stopping;
  }

  /**
   * The outcome of a run.
   *
   * @param parameters the parameters to keep: the best epoch's under early stopping, else the last
   * @param bestEpoch the 1-based epoch those parameters come from
   * @param stopReason why the run ended before its last epoch, or null if it ran them all
   */
  public record Result(double[] parameters, List<EpochStats> history, int bestEpoch, String stopReason) {}

  public Result train(Engine engine, TrainingListener listener) {
    long examples = engine.examples(Role.TRAIN);
    EpochPlan plan = new EpochPlan(examples, config.batchSize(), config.epochs());
    Shard.Batching batching = new Shard.Batching(config.seed(), examples, config.batchSize());
    listener.started(plan);

    double[] params = Initializer.initialize(network.architecture(), config.seed());
    OptimizerState state = config.optimizer().newState(params.length, weightMask());
    double baseRate = config.optimizer().learningRate();
    double learningRate = baseRate;
    boolean validate = engine.examples(Role.VALIDATION) > 0;
    if (stopping.earlyStopping() && !validate) {
      throw new IllegalArgumentException("early stopping watches the validation set, and there is none:"
          + " give --validation-fraction or --validation-data");
    }
    List<EpochStats> history = new ArrayList<>();
    double[] best = null;
    double bestScore = Double.NaN;
    int bestEpoch = 0;
    String stopReason = null;
    int overfittingFrom = 0;
    long runStart = System.nanoTime();

    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      double lossSum = 0.0;
      long seen = 0;
      long computeNanos = 0;
      // Without dropout the engine is asked exactly as before, so any engine serves.
      Dropout dropout = config.dropout() > 0.0 ? new Dropout(config.dropout(), config.seed(), epoch) : null;
      for (int batch = 0; batch < plan.iterationsPerEpoch(); batch++) {
        learningRate = baseRate * config.schedule().factor(state.steps());
        GradientSum sum = dropout == null ? engine.gradient(params, batching, epoch, batch)
            : engine.gradient(params, batching, epoch, batch, dropout);
        computeNanos += sum.computeNanos();
        if (sum.count() != plan.batchExamples(batch)) {
          throw new IllegalStateException("batch " + batch + " of epoch " + (epoch + 1) + " summed "
              + sum.count() + " examples, expected " + plan.batchExamples(batch));
        }
        double[] gradient = sum.gradient();
        double scale = 1.0 / sum.count();
        for (int i = 0; i < gradient.length; i++) {
          gradient[i] *= scale;
        }
        addPenalties(params, gradient);
        checkFinite(sum.loss(), gradient, epoch, batch, learningRate);
        if (config.clipNorm() > 0) {
          GradientClipping.clipByGlobalNorm(gradient, config.clipNorm());
        }
        state.step(params, gradient, learningRate);
        lossSum += sum.loss();
        seen += sum.count();
      }
      double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
      double computeSeconds = computeNanos / 1e9;
      Evaluation validation = validate ? engine.evaluate(params, Role.VALIDATION) : null;
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      EpochStats stats = new EpochStats(epoch + 1, lossSum / seen, validation, seconds,
          seen / trainSeconds, (System.nanoTime() - runStart) / 1e9, computeSeconds,
          trainSeconds - computeSeconds, learningRate);
      history.add(stats);
      listener.epochFinished(stats, params);

      if (validate) {
        int from = overfittingSince(history);
        if (from > 0 && from != overfittingFrom) {
          overfittingFrom = from;
          listener.warn(String.format("validation loss has risen since epoch %d while training loss kept falling:"
              + " the network is overfitting (consider fewer epochs, --l2 or early stopping)", from));
        }
      }
      if (stopping.earlyStopping()) {
        double score = stopping.metric().of(validation);
        if (best == null || stopping.metric().improves(score, bestScore, stopping.minImprovement())) {
          best = params.clone();
          bestScore = score;
          bestEpoch = epoch + 1;
        } else if (epoch + 1 - bestEpoch >= stopping.patience()) {
          stopReason = String.format("early stopping: validation %s has not improved for %d epochs; keeping epoch %d (%s %.4f)",
              stopping.metric().cliName(), stopping.patience(), bestEpoch, stopping.metric().cliName(), bestScore);
          break;
        }
      }
      if (stopping.targetLoss() > 0 && stats.trainLoss() <= stopping.targetLoss()) {
        stopReason = String.format("training loss %.4f reached the target %.4f", stats.trainLoss(), stopping.targetLoss());
        break;
      }
      if (stopping.timeBudgetSeconds() > 0 && stats.elapsedSeconds() >= stopping.timeBudgetSeconds()) {
        stopReason = String.format("time budget of %.0f s used up", stopping.timeBudgetSeconds());
        break;
      }
    }
    if (stopping.earlyStopping()) {
      if (stopReason == null && bestEpoch < history.size()) {
        stopReason = String.format("keeping epoch %d, the best by validation %s (%.4f)", bestEpoch,
            stopping.metric().cliName(), bestScore);
      }
      return new Result(best, List.copyOf(history), bestEpoch, stopReason);
    }
    return new Result(params, List.copyOf(history), history.size(), stopReason);
  }

  /**
   * The epoch after the validation loss's minimum when, for the last {@link Stopping#OVERFITTING_EPOCHS}
   * epochs, validation loss rose every epoch while training loss fell; otherwise 0.
   */
  static int overfittingSince(List<EpochStats> history) {
    int k = Stopping.OVERFITTING_EPOCHS;
    int n = history.size();
    if (n <= k) {
      return 0;
    }
    for (int i = n - k; i < n; i++) {
      EpochStats before = history.get(i - 1);
      EpochStats now = history.get(i);
      if (!(now.validation().meanLoss() > before.validation().meanLoss() && now.trainLoss() < before.trainLoss())) {
        return 0;
      }
    }
    int start = n - k;
    while (start > 1 && history.get(start - 1).validation().meanLoss() > history.get(start - 2).validation().meanLoss()
        && history.get(start - 1).trainLoss() < history.get(start - 2).trainLoss()) {
      start--;
    }
    return history.get(start).epoch();
  }

  /** The gradients of the L1 and L2 penalties, on the weights only. */
  private void addPenalties(double[] params, double[] gradient) {
    double l1 = config.l1();
    double l2 = config.l2();
    if (l1 == 0.0 && l2 == 0.0) {
      return;
    }
    ParameterLayout layout = network.layout();
    for (int l = 1; l <= layout.layers(); l++) {
      int off = layout.weightOffset(l);
      int end = off + layout.weightCount(l);
      for (int i = off; i < end; i++) {
        gradient[i] += l1 * Math.signum(params[i]) + l2 * params[i];
      }
    }
  }

  /** True for weights, false for biases: what weight decay may touch. */
  private boolean[] weightMask() {
    ParameterLayout layout = network.layout();
    boolean[] mask = new boolean[layout.size()];
    for (int l = 1; l <= layout.layers(); l++) {
      java.util.Arrays.fill(mask, layout.weightOffset(l), layout.weightOffset(l) + layout.weightCount(l), true);
    }
    return mask;
  }

  private static void checkFinite(double loss, double[] gradient, int epoch, int batch, double learningRate) {
    double norm = 0.0;
    for (double g : gradient) {
      norm += g * g;
    }
    if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
      throw new TrainingDivergedException(String.format(
          "training diverged in epoch %d, iteration %d: the %s is not finite at learning rate %g;"
              + " try a smaller --learning-rate or feature scaling",
          epoch + 1, batch + 1, Double.isFinite(loss) ? "gradient" : "loss", learningRate));
    }
  }
}
