package dev.sparkprop.train;

/**
 * The defaults that depend on the data, in one place. They aim for a first run without flags
 * that trains well on a CSV of a few hundred rows and on a 60,000-image set alike.
 */
public final class Defaults {

  /** Hidden layer widths. */
  public static final int[] HIDDEN = {128, 64};

  /** The largest default batch: large enough to keep the GEMMs efficient and Spark's per-iteration cost amortised. */
  public static final int MAX_BATCH = 128;

  /**
   * The batch size at which {@code --scale-learning-rate} leaves the learning rate unchanged;
   * Goyal et al. (2017) state the linear scaling rule against 256 as well. With Adam's default
   * 0.001 this gives 0.004 at batch 1,024, which keeps Fashion-MNIST's accuracy (docs/BENCHMARKS.md).
   */
  public static final int LEARNING_RATE_REFERENCE_BATCH = 256;

  /** A small data set still gets about this many optimizer steps. */
  public static final int MIN_ITERATIONS = 500;

  public static final int MIN_EPOCHS = 10;
  public static final int MAX_EPOCHS = 200;

  public static final long SEED = 42;
  public static final double TEST_FRACTION = 0.2;
  public static final double VALIDATION_FRACTION = 0.1;

  private Defaults() {}

  /**
   * {@link #MAX_BATCH}, or a tenth of the training set rounded up where that is smaller. An
   * epoch then has ten iterations or more, except on sets of a few dozen examples, where
   * rounding up leaves six to nine (11 examples: batches of 2, six iterations).
   */
  public static int batchSize(long trainingExamples) {
    long tenth = (trainingExamples + 9) / 10;
    return (int) Math.max(1, Math.min(MAX_BATCH, tenth));
  }

  /** Enough epochs for {@link #MIN_ITERATIONS} steps, within [{@link #MIN_EPOCHS}, {@link #MAX_EPOCHS}]. */
  public static int epochs(long trainingExamples, int batchSize) {
    long perEpoch = (trainingExamples + batchSize - 1) / batchSize;
    long wanted = (MIN_ITERATIONS + perEpoch - 1) / perEpoch;
    return (int) Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, wanted));
  }
}
