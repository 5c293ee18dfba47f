package dev.sparkprop.train;

/**
 * The arithmetic of a run, in the words users know: an epoch is one pass over all N training
 * examples; an iteration is one global batch of {@code batchSize} examples (the last one of an
 * epoch may be smaller); so an epoch has ⌈N / batchSize⌉ iterations.
 */
public record EpochPlan(long examples, int batchSize, int epochs) {

  public EpochPlan {
    if (examples <= 0) {
      throw new IllegalArgumentException("there are no training examples");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, not " + batchSize);
    }
    if (epochs <= 0) {
      throw new IllegalArgumentException("epochs must be positive, not " + epochs);
    }
  }

  public int iterationsPerEpoch() {
    return (int) ((examples + batchSize - 1) / batchSize);
  }

  public long totalIterations() {
    return (long) iterationsPerEpoch() * epochs;
  }

  /** The number of examples in iteration {@code batch} (0-based) of any epoch. */
  public int batchExamples(int batch) {
    long start = (long) batch * batchSize;
    return (int) Math.min(batchSize, examples - start);
  }

  public String describe() {
    return String.format("%,d training examples, batch %,d: %,d iterations per epoch, %,d epochs, %,d iterations",
        examples, batchSize, iterationsPerEpoch(), epochs, totalIterations());
  }
}
