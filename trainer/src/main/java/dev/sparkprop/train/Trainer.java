package dev.sparkprop.train;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.optim.GradientClipping;
import dev.sparkprop.optim.OptimizerState;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one training loop, for every engine: per iteration, ask the engine for the batch's sums,
 * divide once by the batch's example count, add the L2 term, and take one optimizer step.
 */
public final class Trainer {

  private final Network network;
  private final TrainConfig config;
  private final Stopping stopping;
  private final Checkpointer checkpointer; // null: no checkpoints
  private final int checkpointEvery;
  private final Map<String, String> runSettings;
  private String lastCheckpoint; // where the last checkpoint of the current run went, for messages

  public Trainer(Network network, TrainConfig config) {
    this(network, config, Stopping.NONE);
  }

  public Trainer(Network network, TrainConfig config, Stopping stopping) {
    this(network, config, stopping, null, 0, Map.of());
  }

  private Trainer(Network network, TrainConfig config, Stopping stopping, Checkpointer checkpointer,
      int checkpointEvery, Map<String, String> runSettings) {
    Loss loss = network.architecture().loss();
    if (!stopping.metric().fits(loss)) {
      throw new IllegalArgumentException("early stopping on " + stopping.metric().cliName() + " does not fit a network"
          + " trained with " + loss.cliName() + "; use loss, or " + (loss.isClassification() ? "accuracy" : "rmse"));
    }
    this.network = network;
    this.config = config;
    this.stopping = stopping;
    this.checkpointer = checkpointer;
    this.checkpointEvery = checkpointEvery;
    this.runSettings = Map.copyOf(runSettings);
  }

  /**
   * This trainer, also handing a {@link Checkpoint} to {@code checkpointer} at the end of every
   * epoch and, with {@code everyIterations > 0}, after every {@code everyIterations}-th
   * iteration of the run.
   *
   * @param runSettings what else fixes the result besides the network, the {@link TrainConfig}
   *     and the {@link Stopping} rules (the data, its partitioning, the kernels' precision...),
   *     by name; stored in each checkpoint, and a resumed run must have the same
   */
  public Trainer withCheckpoints(Checkpointer checkpointer, int everyIterations, Map<String, String> runSettings) {
    if (checkpointer == null) {
      throw new IllegalArgumentException("a checkpointer is required");
    }
    if (everyIterations < 0) {
      throw new IllegalArgumentException("checkpoint interval must be zero or positive, not " + everyIterations);
    }
    return new Trainer(network, config, stopping, checkpointer, everyIterations, runSettings);
  }

  /**
   * Everything that changes the result, by name: the caller's run settings, the architecture,
   * each component of the {@link TrainConfig}, and the stopping rules except the time budget
   * (a resumed run counts the time already spent, and time does not repeat anyway).
   */
  public Map<String, String> settings() {
    Map<String, String> all = new TreeMap<>(runSettings);
    all.put("architecture", network.architecture().toString());
    components("", config, all);
    components("stopping.", new Stopping(stopping.metric(), stopping.patience(), stopping.minImprovement(),
        stopping.targetLoss(), 0.0), all);
    return all;
  }

  /** A record's components by name, read through reflection so that a new one is never forgotten. */
  private static void components(String prefix, Record record, Map<String, String> into) {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      try {
        into.put(prefix + c.getName(), String.valueOf(c.getAccessor().invoke(record)));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
      }
    }
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
    return train(engine, listener, null);
  }

  /**
   * Trains from {@code resume} on, or from the start when it is null. A resumed run takes the
   * same steps as the run that wrote the checkpoint would have taken after it, so it ends with
   * the same parameters, bit for bit when the engine sums in a fixed order.
   *
   * @throws IllegalArgumentException if the checkpoint's settings are not this run's
   */
  public Result train(Engine engine, TrainingListener listener, Checkpoint resume) {
    // Read once: every checkpoint of the run carries the same settings.
    SortedMap<String, String> settings = new TreeMap<>(settings());
    if (resume != null) {
      resume.requireSameSettings(settings);
    }
    long examples = engine.examples(Role.TRAIN);
    EpochPlan plan = new EpochPlan(examples, config.batchSize(), config.epochs());
    Shard.Batching batching = new Shard.Batching(config.seed(), examples, config.batchSize());
    engine.started(plan);
    listener.started(plan);

    double[] params = Initializer.initialize(network.architecture(), config.seed());
    OptimizerState state = config.optimizer().newState(params.length, weightMask());
    if (resume != null) {
      if (resume.parameters().length != params.length) {
        throw new IllegalArgumentException("cannot resume: the checkpoint has " + resume.parameters().length
            + " parameters, the network " + params.length);
      }
      params = resume.parameters().clone();
      state.restore(resume.optimizer());
    }
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
    int firstEpoch = 0;
    int firstBatch = 0;
    if (resume != null) {
      history.addAll(resume.history());
      best = resume.best() == null ? null : resume.best().clone();
      bestScore = resume.bestScore();
      bestEpoch = resume.bestEpoch();
      stopReason = resume.stopReason();
      overfittingFrom = resume.overfittingFrom();
      runStart -= (long) (resume.elapsedSeconds() * 1e9);
      firstEpoch = stopReason != null ? config.epochs() : resume.epoch();
      firstBatch = resume.iteration();
    }
    lastCheckpoint = resume == null ? null : "the one this run resumed from (" + resume.position() + ")";

    for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      double lossSum = 0.0;
      long seen = 0;
      long computeNanos = 0;
      int startBatch = 0;
      if (epoch == firstEpoch && firstBatch > 0) {
        // Mid-epoch: the epoch's sums so far, so that its reported training loss is the same.
        lossSum = resume.epochLossSum();
        seen = resume.epochExamples();
        computeNanos = resume.epochComputeNanos();
        epochStart -= (long) (resume.epochSeconds() * 1e9);
        startBatch = firstBatch;
      }
      // Without dropout the engine is asked exactly as before, so any engine serves.
      Dropout dropout = config.dropout() > 0.0 ? new Dropout(config.dropout(), config.seed(), epoch) : null;
      for (int batch = startBatch; batch < plan.iterationsPerEpoch(); batch++) {
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
        listener.iterationFinished(new IterationProgress(epoch + 1, plan.epochs(), batch + 1,
            plan.iterationsPerEpoch(), lossSum / seen, seen, (System.nanoTime() - epochStart) / 1e9));
        boolean lastOfEpoch = batch + 1 == plan.iterationsPerEpoch();
        if (checkpointer != null && checkpointEvery > 0 && !lastOfEpoch
            && ((long) epoch * plan.iterationsPerEpoch() + batch + 1) % checkpointEvery == 0) {
          checkpoint(new Checkpoint(settings, epoch, batch + 1, params, state.snapshot(), lossSum, seen,
              computeNanos, (System.nanoTime() - epochStart) / 1e9, (System.nanoTime() - runStart) / 1e9, history,
              best, bestScore, bestEpoch, overfittingFrom, null));
        }
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
        }
      }
      if (stopReason == null && stopping.targetLoss() > 0 && stats.trainLoss() <= stopping.targetLoss()) {
        stopReason = String.format("training loss %.4f reached the target %.4f", stats.trainLoss(), stopping.targetLoss());
      }
      if (stopReason == null && stopping.timeBudgetSeconds() > 0 && stats.elapsedSeconds() >= stopping.timeBudgetSeconds()) {
        stopReason = String.format("time budget of %.0f s used up", stopping.timeBudgetSeconds());
      }
      if (checkpointer != null) {
        // After the stopping decision, so that a run killed after its last epoch does not train on when resumed.
        checkpoint(new Checkpoint(settings, epoch + 1, 0, params, state.snapshot(), 0.0, 0, 0, 0.0,
            stats.elapsedSeconds(), history, best, bestScore, bestEpoch, overfittingFrom, stopReason));
      }
      if (stopReason != null) {
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

  private void checkpoint(Checkpoint c) {
    String where = checkpointer.save(c);
    lastCheckpoint = where + " (" + c.position() + ")";
  }

  /**
   * Stops the run on a loss or gradient that is not finite, before the step could spoil the
   * parameters; no checkpoint is written after this point, so the last one is the last good state.
   */
  private void checkFinite(double loss, double[] gradient, int epoch, int batch, double learningRate) {
    double norm = 0.0;
    for (double g : gradient) {
      norm += g * g;
    }
    if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
      String kept = checkpointer == null ? ""
          : lastCheckpoint == null ? "; no checkpoint was written before it"
          : "; the last good checkpoint is " + lastCheckpoint;
      // The advice names no option: the command line sets the rate with --learning-rate, a
      // pipeline with stepSize, and the message reaches both.
      throw new TrainingDivergedException(String.format(
          "training diverged in epoch %d, iteration %d: the %s is not finite at learning rate %g;"
              + " try a smaller learning rate or feature scaling%s",
          epoch + 1, batch + 1, Double.isFinite(loss) ? "gradient" : "loss", learningRate, kept));
    }
  }
}
