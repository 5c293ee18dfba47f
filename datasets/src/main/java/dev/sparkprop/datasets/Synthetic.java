package dev.sparkprop.datasets;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Small generated classification and regression problems for smoke tests and demonstrations.
 *
 * <p>Each example is a pure function of {@code (seed, index)}: it is drawn from a
 * {@link SplittableRandom} seeded with {@code Seeds.derive(seed, "synthetic." + kind, index)}, so a
 * Spark partition generates exactly its own examples, in any order, and a retried task gets the
 * same ones. Gaussian noise uses Box–Muller with {@link StrictMath}, whose results are specified
 * to the bit, rather than {@code Math} or {@code nextGaussian()}, which may differ between JVMs.
 *
 * <ul>
 *   <li>{@link Kind#XOR}: {@code (x, y)} uniform in [-1, 1]², label 1 when exactly one of x, y is
 *       positive (sign(x)·sign(y) < 0), else 0; then Gaussian noise σ = 0.05 is added to the
 *       features, blurring the boundaries at the axes.
 *   <li>{@link Kind#SPIRALS}: two interleaved arms of 1.5 turns, class {@code index % 2}; with t
 *       uniform in [0, 1), radius {@code 0.1 + 0.9t}, angle {@code 3πt + π·class}, plus noise
 *       σ = 0.03. Neighbouring arms are 0.3 apart, so the classes are separable but not linearly.
 *   <li>{@link Kind#BLOBS}: 4 classes, class {@code index % 4}, a unit-variance Gaussian around
 *       the centre (0, 3), (3, 0), (0, -3) or (-3, 0); about 3% of points fall nearer another
 *       centre.
 *   <li>{@link Kind#FRIEDMAN1}: regression, Friedman's benchmark #1 (J. H. Friedman,
 *       "Multivariate Adaptive Regression Splines", Annals of Statistics 19(1), 1991): ten
 *       features x1..x10 uniform on [0, 1] and target
 *       {@code y = 10 sin(π x1 x2) + 20 (x3 − 0.5)² + 10 x4 + 5 x5 + ε}, ε ~ N(0, 1); x6..x10
 *       do not enter y. The noiseless part is computed from the features as stored (rounded to
 *       float), so that it is exactly a function of what a model sees. Its variance is about
 *       23.8, so y's is about 24.8 and the best possible R² about 0.96.
 * </ul>
 *
 * <p>{@link Kind#classes()} is the number of classes of a classification problem and 0 for
 * regression, where the "label" is the real target, as in {@code LabelStats.classes()}.
 */
public final class Synthetic {
  private static final double[][] BLOB_CENTRES = {{0, 3}, {3, 0}, {0, -3}, {-3, 0}};

  private Synthetic() {
  }

  /** The generated problems. */
  public enum Kind {
    XOR(2, 2, 2000),
    SPIRALS(2, 2, 2000),
    BLOBS(2, 4, 3000),
    FRIEDMAN1(10, 0, 2000);

    private final int features;
    private final int classes;
    private final int defaultSize;
    private final long purposeHash;

    Kind(int features, int classes, int defaultSize) {
      this.features = features;
      this.classes = classes;
      this.defaultSize = defaultSize;
      this.purposeHash = Seeds.hash("synthetic." + name().toLowerCase(Locale.ROOT));
    }

    public int features() {
      return features;
    }

    /** The number of classes, or 0 for a regression problem (whose labels are real targets). */
    public int classes() {
      return classes;
    }

    /** The number of examples to generate when the user names no size. */
    public int defaultSize() {
      return defaultSize;
    }

    /** The seed of example {@code index}: {@code Seeds.derive(seed, "synthetic.<kind>", index)}. */
    public long exampleSeed(long seed, long index) {
      return Seeds.mix(Seeds.mix(seed, purposeHash), index);
    }

    /**
     * Writes the features of example {@code index} to {@code out[offset .. offset + features)}
     * and returns its label: the class, or the real target of a regression problem.
     */
    public double example(long seed, long index, float[] out, int offset) {
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0, got " + index);
      }
      SplittableRandom random = new SplittableRandom(exampleSeed(seed, index));
      return switch (this) {
        case XOR -> xor(random, out, offset);
        case SPIRALS -> spiral(random, (int) (index % 2), out, offset);
        case BLOBS -> blob(random, (int) (index % 4), out, offset);
        case FRIEDMAN1 -> friedman1(random, out, offset);
      };
    }
  }

  /** Examples {@code 0 .. n-1} of {@code kind}. */
  public static DenseDataset generate(Kind kind, long seed, int n) {
    return generate(kind, seed, 0, n);
  }

  /**
   * Examples {@code from .. to-1} of {@code kind}: the same as those rows of a larger
   * {@code generate}, which is what lets each partition make its own share.
   */
  public static DenseDataset generate(Kind kind, long seed, long from, long to) {
    if (from < 0 || to < from || to - from > ExampleBuffer.MAX_ARRAY / kind.features()) {
      throw new IllegalArgumentException("cannot generate examples [" + from + ", " + to + ")");
    }
    int n = (int) (to - from);
    int d = kind.features();
    float[] features = new float[n * d];
    double[] labels = new double[n];
    for (int i = 0; i < n; i++) {
      labels[i] = kind.example(seed, from + i, features, i * d);
    }
    return new DenseDataset(d, features, labels);
  }

  /**
   * The kind named {@code name}, ignoring case; {@code friedman} is accepted for
   * {@link Kind#FRIEDMAN1}, the only one of Friedman's problems here.
   *
   * @throws IllegalArgumentException naming the known kinds when there is none such
   */
  public static Kind parse(String name) {
    String key = name.trim();
    for (Kind kind : Kind.values()) {
      if (kind.name().equalsIgnoreCase(key)) {
        return kind;
      }
    }
    if (key.equalsIgnoreCase("friedman")) {
      return Kind.FRIEDMAN1;
    }
    throw new IllegalArgumentException("unknown synthetic dataset '" + name + "': expected one of "
        + Arrays.stream(Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", ")));
  }

  private static double xor(SplittableRandom random, float[] out, int offset) {
    double x = 2 * random.nextDouble() - 1;
    double y = 2 * random.nextDouble() - 1;
    double label = (x > 0) != (y > 0) ? 1 : 0;
    out[offset] = (float) (x + 0.05 * gaussian(random));
    out[offset + 1] = (float) (y + 0.05 * gaussian(random));
    return label;
  }

  private static double spiral(SplittableRandom random, int arm, float[] out, int offset) {
    double t = random.nextDouble();
    double radius = 0.1 + 0.9 * t;
    double angle = 3 * Math.PI * t + Math.PI * arm;
    out[offset] = (float) (radius * StrictMath.cos(angle) + 0.03 * gaussian(random));
    out[offset + 1] = (float) (radius * StrictMath.sin(angle) + 0.03 * gaussian(random));
    return arm;
  }

  private static double blob(SplittableRandom random, int blob, float[] out, int offset) {
    out[offset] = (float) (BLOB_CENTRES[blob][0] + gaussian(random));
    out[offset + 1] = (float) (BLOB_CENTRES[blob][1] + gaussian(random));
    return blob;
  }

  private static double friedman1(SplittableRandom random, float[] out, int offset) {
    for (int i = 0; i < 10; i++) {
      out[offset + i] = (float) random.nextDouble();
    }
    return friedman1Mean(out[offset], out[offset + 1], out[offset + 2], out[offset + 3],
        out[offset + 4]) + gaussian(random);
  }

  /**
   * The noiseless part of Friedman #1, {@code 10 sin(π x1 x2) + 20 (x3 − 0.5)² + 10 x4 + 5 x5};
   * {@link StrictMath#sin} so that the targets are the same on every JVM.
   */
  static double friedman1Mean(double x1, double x2, double x3, double x4, double x5) {
    double c = x3 - 0.5;
    return 10.0 * StrictMath.sin(Math.PI * x1 * x2) + 20.0 * c * c + 10.0 * x4 + 5.0 * x5;
  }

  /** One standard normal draw (Box–Muller, the cosine half). */
  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble(); // in (0, 1], so the logarithm is finite
    double u2 = random.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }
}
