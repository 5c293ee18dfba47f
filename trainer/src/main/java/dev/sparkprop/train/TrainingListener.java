package dev.sparkprop.train;

/** Receives progress from the training loop; the command line prints it. */
public interface TrainingListener {

  default void started(EpochPlan plan) {}

  default void epochFinished(EpochStats stats) {}

  TrainingListener SILENT = new TrainingListener() {};
}
