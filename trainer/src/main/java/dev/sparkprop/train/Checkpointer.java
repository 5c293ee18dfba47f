package dev.sparkprop.train;

/**
 * Where the training loop puts its checkpoints (the {@code io} package stores them as files).
 * The loop decides when; the checkpointer decides how to make each one durable.
 */
public interface Checkpointer {

  /**
   * Stores {@code checkpoint} so that it survives the process being killed at any moment: either
   * it is complete once this returns, or the previous one is still there.
   *
   * @return where it went, for messages (e.g. a file name)
   */
  String save(Checkpoint checkpoint);
}
