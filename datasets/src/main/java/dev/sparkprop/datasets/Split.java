package dev.sparkprop.datasets;

import java.io.Serializable;

/**
 * A seeded three-way split of {@code n} examples into train, validation and test sets of exact
 * sizes, decided one example at a time.
 *
 * <p>Rule: with {@code pos = p.apply(index)} for a {@link Permutation} {@code p} of {@code [0, n)},
 * an example is TEST at position {@code pos} when {@code pos < test}, VALIDATION at
 * {@code pos - test} when {@code pos < test + validation}, else TRAIN at
 * {@code pos - test - validation}. So the sizes are exact, positions within a role are dense, and a
 * Spark partition finds the role of each of its examples without seeing the others.
 *
 * <p>The permutation is keyed by {@code Seeds.derive(seed, "split")}, not by {@code seed} itself,
 * so that the split is unrelated to any other permutation drawn from the same master seed, such as
 * an epoch's shuffle.
 */
public final class Split implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The set an example belongs to. */
  public enum Role {
    TRAIN,
    VALIDATION,
    TEST
  }

  private final long seed;
  private final long n;
  private final long testCount;
  private final long validationCount;
  private final Permutation permutation;

  /**
   * @param seed            the master seed
   * @param n               number of examples
   * @param testCount       examples held out for the final test
   * @param validationCount examples held out for validation
   */
  public Split(long seed, long n, long testCount, long validationCount) {
    if (n < 0 || testCount < 0 || validationCount < 0 || testCount > n || validationCount > n - testCount) {
      throw new IllegalArgumentException("cannot hold out " + testCount + " test and " + validationCount
          + " validation examples from " + n);
    }
    this.seed = seed;
    this.n = n;
    this.testCount = testCount;
    this.validationCount = validationCount;
    this.permutation = new Permutation(Seeds.derive(seed, "split"), n);
  }

  /**
   * {@code round(n · fraction)}: the size of a held-out set given as a fraction.
   *
   * @throws IllegalArgumentException unless {@code 0 <= fraction < 1}
   */
  public static long countFor(long n, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1), got " + fraction);
    }
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    return Math.round(n * fraction);
  }

  public Role roleOf(long index) {
    long pos = permutation.apply(index);
    if (pos < testCount) {
      return Role.TEST;
    }
    return pos < testCount + validationCount ? Role.VALIDATION : Role.TRAIN;
  }

  /** The position of example {@code index} within its role, in {@code [0, count(roleOf(index)))}. */
  public long indexInRole(long index) {
    long pos = permutation.apply(index);
    if (pos < testCount) {
      return pos;
    }
    return pos < testCount + validationCount ? pos - testCount : pos - testCount - validationCount;
  }

  public long count(Role role) {
    return switch (role) {
      case TRAIN -> trainCount();
      case VALIDATION -> validationCount;
      case TEST -> testCount;
    };
  }

  public long size() {
    return n;
  }

  public long seed() {
    return seed;
  }

  public long trainCount() {
    return n - testCount - validationCount;
  }

  public long validationCount() {
    return validationCount;
  }

  public long testCount() {
    return testCount;
  }

  @Override
  public String toString() {
    return "Split[n=" + n + ", train=" + trainCount() + ", validation=" + validationCount
        + ", test=" + testCount + "]";
  }
}
