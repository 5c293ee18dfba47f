package dev.sparkprop.datasets;

import java.io.Serializable;

/**
 * A seeded pseudo-random bijection of {@code [0, n)}, evaluated one element at a time.
 *
 * <p>Why: to shuffle an epoch or split a dataset, each Spark partition must decide on its own
 * where each of its examples falls, without a shuffle stage and without an array of {@code n}
 * positions. With {@code position = apply(index)} the split and the composition of every batch
 * depend only on the seed and {@code n}, never on how the data happen to be partitioned, so runs
 * with different partition counts see the same examples in the same batches.
 *
 * <p>How: a balanced Feistel network on {@code 2k} bits, {@code k >= 1} the least with
 * {@code 2^(2k) >= n}. A value {@code x} splits into halves {@code L = x >>> k} and
 * {@code R = x mod 2^k}; each of the {@value #ROUNDS} rounds maps {@code (L, R)} to
 * {@code (R, L xor F_r(R))} with {@code F_r(R) = finalise(R + key_r) mod 2^k}, {@code finalise}
 * the splitmix64 finaliser and {@code key_r = Seeds.mix(seed, r)}. Every round is invertible, so
 * the network permutes {@code [0, 2^(2k))}; cycle-walking (apply it again until the result is
 * below {@code n}) restricts it to a permutation of {@code [0, n)}. Since {@code 2^(2k) < 4n},
 * that takes fewer than 4 network evaluations on average.
 */
public final class Permutation implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int ROUNDS = 6;

  private final long seed;
  private final long n;
  private final int halfBits;
  private final long halfMask;
  private final long[] keys;

  /** @param n the domain size, {@code >= 0} */
  public Permutation(long seed, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int k = 1;
    while (k < 32 && (1L << (2 * k)) < n) {
      k++;
    }
    this.seed = seed;
    this.n = n;
    this.halfBits = k;
    this.halfMask = k == 32 ? 0xffff_ffffL : (1L << k) - 1;
    this.keys = new long[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      keys[r] = Seeds.mix(seed, r);
    }
  }

  /** The position of element {@code i}. */
  public long apply(long i) {
    check(i);
    long x = i;
    do {
      x = encrypt(x);
    } while (Long.compareUnsigned(x, n) >= 0);
    return x;
  }

  /** The element at position {@code p}: {@code inverse(apply(i)) == i}. */
  public long inverse(long p) {
    check(p);
    long x = p;
    do {
      x = decrypt(x);
    } while (Long.compareUnsigned(x, n) >= 0);
    return x;
  }

  public long size() {
    return n;
  }

  public long seed() {
    return seed;
  }

  private void check(long i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("index " + i + " outside [0, " + n + ")");
    }
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (int r = 0; r < ROUNDS; r++) {
      long next = left ^ round(r, right);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  private long decrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (int r = ROUNDS - 1; r >= 0; r--) {
      long previous = right ^ round(r, left);
      right = left;
      left = previous;
    }
    return (left << halfBits) | right;
  }

  private long round(int r, long half) {
    return Seeds.finalise(half + keys[r]) & halfMask;
  }

  @Override
  public String toString() {
    return "Permutation[seed=" + seed + ", n=" + n + "]";
  }
}
