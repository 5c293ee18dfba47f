package dev.sparkprop.train;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.Split;
import dev.sparkprop.datasets.Split.Role;
import java.io.Serializable;

/**
 * One partition's examples, dealt into their roles (training, validation, test) and scaled.
 * Built the same way in-process and on a Spark executor, so both see identical shards.
 */
public final class ShardSet implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Shard[] byRole;

  private ShardSet(Shard[] byRole) {
    this.byRole = byRole;
  }

  public Shard get(Role role) {
    return byRole[role.ordinal()];
  }

  public long bytes() {
    long b = 0;
    for (Shard s : byRole) {
      b += s.bytes();
    }
    return b;
  }

  /** Whether every value is an integer in 0..255, so a byte holds it exactly. */
  private static boolean allBytes(float[] values) {
    for (float v : values) {
      if (!(v >= 0f && v <= 255f && v == (int) v)) {
        return false;
      }
    }
    return values.length > 0;
  }

  /**
   * The run's split of n source examples into test, validation and training roles: the one
   * place its seed and sizes are derived, for the local and the distributed engine alike.
   */
  public static Split split(long seed, long n, double testFraction, double validationFraction, String source) {
    long test = Split.countFor(n, testFraction);
    long validation = Split.countFor(n, validationFraction);
    if (n - test - validation <= 0) {
      throw new DataFormatException(source, 0, "only " + n + " examples: nothing left to train on after holding out "
          + test + " for testing and " + validation + " for validation");
    }
    return new Split(seed, n, test, validation);
  }

  /**
   * Deals the raw examples of one partition (their {@code index} being their position in the
   * source) into roles by {@code split}, re-indexes each by its position within the role, and
   * applies {@code scaler} to the features.
   */
  public static ShardSet of(Shard raw, Split split, FeatureScaler scaler) {
    return of(raw, split, scaler, FeatureScaler.identity(1));
  }

  /**
   * As {@link #of(Shard, Split, FeatureScaler)}, and rescales every target by the one-column
   * {@code targetScaler}: a regression network then trains, and is evaluated, on standardized
   * targets, and {@link Evaluation#inTargetUnits} turns its errors back into the target's units.
   */
  public static ShardSet of(Shard raw, Split split, FeatureScaler scaler, FeatureScaler targetScaler) {
    int d = raw.features();
    int n = raw.size();
    Role[] roles = Role.values();
    int[] counts = new int[roles.length];
    Role[] roleOf = new Role[n];
    for (int i = 0; i < n; i++) {
      roleOf[i] = split.roleOf(raw.index()[i]);
      counts[roleOf[i].ordinal()]++;
    }
    boolean bytes = allBytes(raw.x());
    float[][] x = new float[roles.length][];
    byte[][] codes = new byte[roles.length][];
    double[][] y = new double[roles.length][];
    long[][] index = new long[roles.length][];
    for (Role r : roles) {
      int c = counts[r.ordinal()];
      if (bytes) {
        codes[r.ordinal()] = new byte[c * d];
      } else {
        x[r.ordinal()] = new float[c * d];
      }
      y[r.ordinal()] = new double[c];
      index[r.ordinal()] = new long[c];
    }
    int[] at = new int[roles.length];
    for (int i = 0; i < n; i++) {
      int r = roleOf[i].ordinal();
      int j = at[r]++;
      if (bytes) {
        for (int k = 0; k < d; k++) {
          codes[r][j * d + k] = (byte) raw.x()[i * d + k];
        }
      } else {
        System.arraycopy(raw.x(), i * d, x[r], j * d, d);
        scaler.apply(x[r], j * d, d);
      }
      y[r][j] = targetScaler.apply(0, raw.y()[i]);
      index[r][j] = split.indexInRole(raw.index()[i]);
    }
    Shard[] shards = new Shard[roles.length];
    for (Role r : roles) {
      int o = r.ordinal();
      shards[o] = bytes ? Shard.coded(d, codes[o], scaler, y[o], index[o]) : new Shard(d, x[o], y[o], index[o]);
    }
    return new ShardSet(shards);
  }
}
