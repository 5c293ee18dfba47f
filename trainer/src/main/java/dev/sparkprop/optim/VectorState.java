package dev.sparkprop.optim;

/**
 * What every optimizer state here shares: a step count, and the per-parameter vectors that a
 * checkpoint must carry and a resume must put back. A subclass writes only its update rule.
 */
abstract class VectorState implements OptimizerState {

  private final String optimizer;
  private final double[][] vectors;
  private long steps;

  /**
   * @param optimizer the name a mismatched snapshot is reported under
   * @param vectors the state's own per-parameter vectors, in the order snapshots hold them
   */
  VectorState(String optimizer, double[]... vectors) {
    this.optimizer = optimizer;
    this.vectors = vectors;
  }

  /** Updates {@code params} in place; {@code t} is the 1-based number of this step. */
  abstract void update(double[] params, double[] gradient, double learningRate, long t);

  @Override
  public final void step(double[] params, double[] gradient, double learningRate) {
    update(params, gradient, learningRate, steps + 1);
    steps++;
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final Snapshot snapshot() {
    return Snapshot.of(steps, vectors);
  }

  @Override
  public final void restore(Snapshot snapshot) {
    snapshot.copyInto(optimizer, vectors);
    steps = snapshot.steps();
  }
}
