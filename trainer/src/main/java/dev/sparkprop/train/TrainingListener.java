package dev.sparkprop.train;

/** Receives progress from the training loop; the command line prints it. */
public interface TrainingListener {

  default void started(EpochPlan plan) {}

  /**
   * Called after every iteration's optimizer step, on the driver, so it must be cheap: a
   * listener that draws should throttle itself.
   */
  default void iterationFinished(IterationProgress progress) {}

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

  /** Hands every event to each listener in turn, in the order given. */
  static TrainingListener all(TrainingListener... listeners) {
    TrainingListener[] each = listeners.clone();
    return new TrainingListener() {
      @Override
      public void started(EpochPlan plan) {
        for (TrainingListener l : each) {
          l.started(plan);
        }
      }

      @Override
      public void iterationFinished(IterationProgress progress) {
        for (TrainingListener l : each) {
          l.iterationFinished(progress);
        }
      }

      @Override
      public void epochFinished(EpochStats stats, double[] parameters) {
        for (TrainingListener l : each) {
          l.epochFinished(stats, parameters);
        }
      }

      @Override
      public void warn(String message) {
        for (TrainingListener l : each) {
          l.warn(message);
        }
      }
    };
  }
}
