package dev.sparkprop.nn;

import dev.sparkprop.datasets.Seeds;
import java.util.SplittableRandom;

/**
 * Initial parameters from a seed. Hidden layers use the scheme their activation calls for
 * (Glorot for sigmoid, tanh and identity; He for the rectifiers); the output layer, which feeds
 * a softmax, sigmoid or identity, uses Glorot. Biases start at zero, so symmetry is broken by
 * the weights alone.
 */
public final class Initializer {

  private Initializer() {}

  public static double[] initialize(Architecture architecture, long seed) {
    ParameterLayout layout = architecture.layout();
    double[] params = new double[layout.size()];
    for (int l = 1; l <= layout.layers(); l++) {
      // One stream per layer, so a layer's weights do not depend on the sizes of the ones below.
      SplittableRandom random = new SplittableRandom(Seeds.derive(seed, "init", l));
      boolean output = l == layout.layers();
      Activation.Init scheme = output ? Activation.Init.GLOROT : architecture.activation().init();
      int fanIn = layout.columns(l);
      int fanOut = layout.rows(l);
      int off = layout.weightOffset(l);
      int count = layout.weightCount(l);
      switch (scheme) {
        case GLOROT -> {
          double r = Math.sqrt(6.0 / (fanIn + fanOut));
          for (int i = 0; i < count; i++) {
            params[off + i] = (2.0 * random.nextDouble() - 1.0) * r;
          }
        }
        case HE -> {
          double std = Math.sqrt(2.0 / fanIn);
          for (int i = 0; i < count; i++) {
            params[off + i] = gaussian(random) * std;
          }
        }
      }
    }
    return params;
  }

  /** Box–Muller; SplittableRandom has no nextGaussian in Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u;
    do {
      u = random.nextDouble();
    } while (u == 0.0);
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }
}
