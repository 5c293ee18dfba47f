package dev.sparkprop.train;

/**
 * Where an epoch stands after one of its iterations, for live progress.
 *
 * @param epoch 1-based
 * @param epochs the planned number of epochs (a run may stop earlier)
 * @param iteration 1-based, within the epoch
 * @param iterations per epoch
 * @param meanLoss the mean training loss over the epoch's examples so far
 * @param examples training examples processed so far in this epoch
 * @param seconds wall time since the epoch started
 */
public record IterationProgress(int epoch, int epochs, int iteration, int iterations, double meanLoss,
    long examples, double seconds) {

  /** Examples per second so far in this epoch. */
  public double examplesPerSecond() {
    return seconds > 0 ? examples / seconds : 0.0;
  }

  /** Seconds until the epoch's last iteration, at the pace so far. */
  public double epochSecondsLeft() {
    return seconds / iteration * (iterations - iteration);
  }
}
