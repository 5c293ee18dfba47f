package dev.sparkprop.spark;

import java.util.Locale;

/**
 * How the partitions' sums are added up. Floating-point addition is not associative, so the
 * order matters in the last bits, and those bits grow over thousands of steps.
 */
public enum Reduction {

  /**
   * The driver collects one sum per partition and adds them in partition order, so two runs
   * with the same seed and partitions agree bit for bit whatever the timing, retried tasks
   * included. Without a tree the driver receives P sums, as {@code treeReduce} does up to four
   * partitions; beyond that it skips the tree's shuffle stage but holds P gradients at once.
   */
  DETERMINISTIC,

  /**
   * Spark's {@code treeReduce}: sums are combined in the order tasks finish, so results agree
   * only to rounding (about 1e-9 relative over a test's iterations).
   */
  ARRIVAL;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Reduction parse(String name) {
    for (Reduction r : values()) {
      if (r.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown reduction '" + name + "'; expected deterministic or arrival");
  }
}
