package dev.sparkprop.nn;

import dev.sparkprop.datasets.Seeds;
import java.io.Serializable;

/**
 * Inverted dropout on the hidden layers for one epoch of training (Srivastava et al., 2014):
 * a_l ← a_l ⊙ mask / (1 − rate), each unit kept with probability 1 − rate.
 *
 * <p>The keep/drop decision for (epoch, example, layer, unit) is a pure function of
 * (seed, epoch, the example's index in its role, layer, unit), computed by chaining
 * {@link Seeds#mix}: no random stream is consumed, so the masks are the same whatever the
 * partition layout, the chunking or the order in which tasks run, and a retried Spark task
 * drops exactly the units the first attempt dropped. The top 53 bits of the final hash, read
 * as a uniform double u in [0, 1), keep the unit when u ≥ rate.
 *
 * @param rate the probability of dropping a unit, 0 ≤ rate &lt; 1 (0: no dropout)
 * @param seed the run's master seed
 * @param epoch the 0-based epoch, so every epoch draws fresh masks
 */
public record Dropout(double rate, long seed, int epoch) implements Serializable {

  private static final long PURPOSE = Seeds.hash("dropout");

  public Dropout {
    if (!(rate >= 0.0 && rate < 1.0)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + rate);
    }
  }

  /** Whether any unit can be dropped; with rate 0 the kernels take the plain path. */
  public boolean active() {
    return rate > 0.0;
  }

  /** The factor a kept unit is multiplied by, 1 / (1 − rate), so the expected activation is unchanged. */
  public double scale() {
    return 1.0 / (1.0 - rate);
  }

  /** Whether unit {@code unit} (0-based) of hidden layer {@code layer} (1-based) is kept for example {@code id}. */
  public boolean keeps(long id, int layer, int unit) {
    return keeps(exampleKey(epochKey(), id, layer), unit);
  }

  /**
   * The hash of (seed, "dropout", epoch): the same value {@code Seeds.derive(seed, "dropout",
   * epoch)} gives, spelled out so that no varargs array is allocated.
   */
  long epochKey() {
    return Seeds.mix(Seeds.mix(seed, PURPOSE), epoch);
  }

  /** The key of one example's one layer, from which each unit's decision is one more mix. */
  static long exampleKey(long epochKey, long id, int layer) {
    return Seeds.mix(Seeds.mix(epochKey, id), layer);
  }

  boolean keeps(long exampleKey, int unit) {
    double u = (Seeds.mix(exampleKey, unit) >>> 11) * 0x1.0p-53;
    return u >= rate;
  }
}
