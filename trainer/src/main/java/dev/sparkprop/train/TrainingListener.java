package dev.sparkprop.train;

/** Receives progress from the training loop; the command line prints it. */
public interface TrainingListener {

  default void started(EpochPlan plan) {}

  default void epochFinished(EpochStats stats) {}

  /**
   * Also called at the end of each epoch, with the parameters as they stand (to be read, not
   * kept: the loop goes on updating the array). By default hands over to the one-argument form.
   */
  default void epochFinished(EpochStats stats, double[] parameters) {
    epochFinished(stats);
  }

  /** Something the user should know about the run, such as overfitting. */
  default void warn(String message) {}

  TrainingListener SILENT = new TrainingListener() {};
}
