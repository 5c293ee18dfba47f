package dev.sparkprop.train;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.ParameterLayout;
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

  public Trainer(Network network, TrainConfig config) {
    this.network = network;
    this.config = config;
  }

  /** The outcome of a run: the final parameters and each epoch's statistics. */
  public record Result(double[] parameters, List<EpochStats> history) {}

  public Result train(Engine engine, TrainingListener listener) {
    long examples = engine.examples(Role.TRAIN);
    EpochPlan plan = new EpochPlan(examples, config.batchSize(), config.epochs());
    Shard.Batching batching = new Shard.Batching(config.seed(), examples, config.batchSize());
    listener.started(plan);

    double[] params = Initializer.initialize(network.architecture(), config.seed());
    OptimizerState state = config.optimizer().newState(params.length);
    double baseRate = config.optimizer().learningRate();
    double learningRate = baseRate;
    boolean validate = engine.examples(Role.VALIDATION) > 0;
    List<EpochStats> history = new ArrayList<>();
    long runStart = System.nanoTime();

    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      double lossSum = 0.0;
      long seen = 0;
      long computeNanos = 0;
      for (int batch = 0; batch < plan.iterationsPerEpoch(); batch++) {
        learningRate = baseRate * config.warmup().factor(state.steps());
        GradientSum sum = engine.gradient(params, batching, epoch, batch);
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
        addL2(params, gradient);
        checkFinite(sum.loss(), gradient, epoch, batch, learningRate);
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
    }
    return new Result(params, List.copyOf(history));
  }

  private void addL2(double[] params, double[] gradient) {
    double lambda = config.l2();
    if (lambda == 0.0) {
      return;
    }
    ParameterLayout layout = network.layout();
    for (int l = 1; l <= layout.layers(); l++) {
      int off = layout.weightOffset(l);
      int end = off + layout.weightCount(l);
      for (int i = off; i < end; i++) {
        gradient[i] += lambda * params[i];
      }
    }
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
