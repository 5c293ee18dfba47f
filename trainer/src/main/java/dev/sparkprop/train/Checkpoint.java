package dev.sparkprop.train;

import dev.sparkprop.optim.OptimizerState;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a run needs to go on exactly where it stopped, taken between two iterations.
 * Batch i of epoch e is a pure function of (seed, e, i) (a Feistel permutation per epoch, see
 * {@link Shard.Batching}), dropout masks of (seed, e, example), and the learning rate of the
 * optimizer's step count, so the position {@code (epoch, iteration)} together with the
 * parameters and the optimizer state fixes every later update. The rest is bookkeeping the run
 * reports: the current epoch's partial sums (so the epoch's training loss comes out the same),
 * the finished epochs' statistics, and early stopping's best epoch.
 *
 * @param settings every setting that changes the result, by name; a run resumes only from a
 *     checkpoint with the same settings
 * @param epoch the 0-based epoch of the next iteration to run; {@code epochs} when the run is done
 * @param iteration the 0-based iteration within {@code epoch} to run next
 * @param parameters the parameters after the last iteration taken
 * @param optimizer the optimizer's state after it
 * @param epochLossSum the current epoch's summed batch losses so far
 * @param epochExamples the current epoch's examples so far
 * @param epochComputeNanos the current epoch's compute time so far
 * @param epochSeconds the current epoch's training time so far
 * @param elapsedSeconds the run's time so far, which the time budget counts against
 * @param history the finished epochs
 * @param best early stopping's best parameters so far, or null
 * @param bestScore their validation score (NaN without)
 * @param bestEpoch their 1-based epoch (0 without)
 * @param overfittingFrom the epoch the last overfitting warning named (0 for none), so a resumed
 *     run does not warn twice
 * @param stopReason why the run stopped early, when the checkpoint is its last; else null
 */
public record Checkpoint(SortedMap<String, String> settings, int epoch, int iteration, double[] parameters,
    OptimizerState.Snapshot optimizer, double epochLossSum, long epochExamples, long epochComputeNanos,
    double epochSeconds, double elapsedSeconds, List<EpochStats> history, double[] best, double bestScore,
    int bestEpoch, int overfittingFrom, String stopReason) {

  public Checkpoint {
    settings = new TreeMap<>(settings);
    if (epoch < 0 || iteration < 0) {
      throw new IllegalArgumentException("a checkpoint's position is epoch " + epoch + ", iteration " + iteration);
    }
    if (parameters == null || optimizer == null || history == null) {
      throw new IllegalArgumentException("a checkpoint needs parameters, optimizer state and history");
    }
    history = List.copyOf(history);
    // Copies: the loop goes on updating its arrays while the checkpoint is being written.
    parameters = parameters.clone();
    best = best == null ? null : best.clone();
  }

  /** "epoch E, iteration I" in the 1-based words of the progress lines: where the run goes on. */
  public String position() {
    return iteration == 0 ? "the start of epoch " + (epoch + 1)
        : "epoch " + (epoch + 1) + " after iteration " + iteration;
  }

  /**
   * Checks that a run with {@code current} settings may go on from this checkpoint.
   *
   * @throws IllegalArgumentException naming the first setting that differs, with both values
   */
  public void requireSameSettings(Map<String, String> current) {
    SortedMap<String, String> mine = new TreeMap<>(current);
    if (mine.equals(settings)) {
      return;
    }
    TreeMap<String, String> keys = new TreeMap<>(settings);
    keys.putAll(mine);
    for (String key : keys.keySet()) {
      String then = settings.get(key);
      String now = mine.get(key);
      if (then == null ? now != null : !then.equals(now)) {
        throw new IllegalArgumentException(String.format(
            "cannot resume: the checkpoint's run had %s = %s, this run has %s; give the original run's options",
            key, then == null ? "(unset)" : then, now == null ? "(unset)" : now));
      }
    }
  }
}
