package dev.sparkprop.spark;

import java.util.Locale;

/**
 * How the partitions' sums are added up. Floating-point addition is not associative, so the
 * order matters in the last bits, and those bits grow over thousands of steps.
 */
public enum Reduction {

  /**
   * The driver receives one sum per partition and adds them in partition order, each as soon as
   * the ones before it have arrived, so two runs with the same seed and partitions agree bit for
   * bit whatever the timing, retried tasks included. Without a tree the driver receives P sums,
   * as {@code treeReduce} does up to four partitions; beyond that it skips the tree's shuffle
   * stage, and holds the sums that arrive ahead of their turn.
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
