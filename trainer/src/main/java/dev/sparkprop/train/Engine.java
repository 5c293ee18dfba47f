package dev.sparkprop.train;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Dropout;

/**
 * Where the training loop gets its sums. The loop is the same whether the examples sit in this
 * process ({@link LocalEngine}) or in Spark partitions (the {@code spark} package); an engine
 * only answers "what do the examples of this batch sum to under these parameters".
 */
public interface Engine extends AutoCloseable {

  /**
   * Told the run's plan before its first iteration, so that an engine can label its work
   * (Spark's job descriptions say "epoch 3/10").
   */
  default void started(EpochPlan plan) {}

  /** The number of examples of a role over all partitions. */
  long examples(Role role);

  /** The sums over global batch {@code batch} of {@code epoch}, under {@code params}. */
  GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch);

  /**
   * As {@link #gradient(double[], Shard.Batching, int, int)}, with inverted dropout on the hidden
   * layers. An engine that cannot drop units refuses an active {@code dropout} rather than
   * silently training without it.
   */
  default GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch, Dropout dropout) {
    if (dropout != null && dropout.active()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement dropout");
    }
    return gradient(params, batching, epoch, batch);
  }

  /** Metrics of the whole role under {@code params}. */
  Evaluation evaluate(double[] params, Role role);

  @Override
  default void close() {}
}
