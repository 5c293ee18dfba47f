package dev.sparkprop.datasets;

/**
 * Derivation of every random stream in the project from the one master seed.
 *
 * <p>A stream is named by a purpose ({@code "split"}, {@code "shuffle"}, {@code "init"}, ...) and
 * integer coordinates (epoch, partition, layer, example index, ...), and its seed is
 * {@code derive(master, purpose, coordinates...)}. Nothing depends on which executor runs a task or
 * in which order tasks run, so a retried or speculative Spark task draws exactly the numbers the
 * first attempt drew, and a run is reproducible from its master seed alone.
 *
 * <p>Formulas, with {@code f} the splitmix64 finaliser
 * {@code z ^= z>>>30; z *= 0xbf58476d1ce4e5b9; z ^= z>>>27; z *= 0x94d049bb133111eb; z ^= z>>>31}:
 * <ul>
 *   <li>{@code mix(a, b) = f(f(a + γ) ^ (b · μ))} with γ = 0x9e3779b97f4a7c15 (the splitmix64
 *       increment) and μ = 0xd1b54a32d192ed03 (odd). Both {@code f} and multiplication by an odd
 *       constant are bijections of the 64-bit integers, so for a fixed {@code a}, distinct
 *       {@code b} never collide, and vice versa.
 *   <li>{@code hash(purpose) = f(FNV-1a-64 over the purpose's UTF-16 chars)}: spelled out rather
 *       than {@code String.hashCode()} so that the 64 bits are used and the value is ours to keep
 *       stable.
 *   <li>{@code derive(seed, purpose, c1..ck) = mix(...mix(mix(seed, hash(purpose)), c1)..., ck)}.
 * </ul>
 * These values are part of the reproducibility contract: changing them changes every run.
 */
public final class Seeds {
  static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private static final long MULTIPLIER = 0xd1b54a32d192ed03L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Seeds() {
  }

  /** The splitmix64 finaliser: a bijection of the longs with full avalanche. */
  public static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Combines two values into a well-mixed 64-bit seed; order matters. */
  public static long mix(long a, long b) {
    return finalise(finalise(a + GOLDEN_GAMMA) ^ (b * MULTIPLIER));
  }

  /** A stable 64-bit hash of a purpose name. */
  public static long hash(String purpose) {
    long h = FNV_OFFSET;
    for (int i = 0; i < purpose.length(); i++) {
      h = (h ^ purpose.charAt(i)) * FNV_PRIME;
    }
    return finalise(h);
  }

  /** The seed of the stream named by {@code purpose} and {@code coordinates} under {@code seed}. */
  public static long derive(long seed, String purpose, long... coordinates) {
    long h = mix(seed, hash(purpose));
    for (long c : coordinates) {
      h = mix(h, c);
    }
    return h;
  }
}
