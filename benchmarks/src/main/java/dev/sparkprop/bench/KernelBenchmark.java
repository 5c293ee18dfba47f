package dev.sparkprop.bench;

import dev.sparkprop.math.Blas;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.nn.Workspace;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One partition's kernel, {@link Network#gradient}, against the bare GEMMs it is built on, at
 * several batch sizes m (examples per partition per call), on one thread.
 *
 * <p>{@link #gemmOnly} issues exactly the GEMMs that {@code gradient} issues, with the same
 * shapes, transposes and betas, and nothing else: no bias broadcast, activation, loss or bias
 * sums. Its speed is the ceiling the kernel can reach at that batch size, so the ratio of the two
 * says how much of the kernel's time goes to everything that is not matrix multiplication.
 *
 * <p>FLOPs per call, with n_0 … n_L the layer widths (multiply and add counted as two):
 * <pre>
 *   forward   z_l = W_l · a_{l−1}            2·m·Σ_{l=1..L} n_l·n_{l−1}
 *   backward  dW_l += delta_l · a_{l−1}ᵀ     2·m·Σ_{l=1..L} n_l·n_{l−1}
 *             delta_{l−1} = W_lᵀ · delta_l   2·m·Σ_{l=2..L} n_l·n_{l−1}
 * </pre>
 * Both benchmarks are credited with these same FLOPs; the O(m·Σ n_l) element-wise work of the
 * kernel is not counted, it is what the ratio measures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelBenchmark {

  /** The network measured: the Fashion-MNIST default, 784-256-128-10, ReLU, softmax cross-entropy. */
  static final int[] SIZES = {784, 256, 128, 10};

  /**
   * Set by the suite to the BLAS its own JVM loaded; the fork refuses to run with another one,
   * so the report's BLAS note is true of the measurements.
   */
  static final String EXPECTED_BLAS = "sparkprop.bench.expectedBlas";

  @Param({"64", "128", "256", "512"})
  public int m;

  private Network network;
  private double[] params;
  private double[] x;
  private double[] targets;
  private double[] gradient;
  private Workspace workspace;

  // gemmOnly's own buffers, shaped as the Workspace's: a_l (n_l × m) and two deltas.
  private ParameterLayout layout;
  private double[][] activations;
  private double[] deltaA;
  private double[] deltaB;

  static Architecture architecture() {
    return new Architecture(SIZES, Activation.RELU, Loss.SOFTMAX_CROSS_ENTROPY);
  }

  /** The FLOPs of one call at batch size m, as in the class comment. */
  static double flops(int m) {
    double layers = 0;
    double deltas = 0;
    for (int l = 1; l < SIZES.length; l++) {
      double product = (double) SIZES[l] * SIZES[l - 1];
      layers += product;
      if (l >= 2) {
        deltas += product;
      }
    }
    return 2.0 * m * (2 * layers + deltas);
  }

  @Setup(Level.Trial)
  public void setUp() {
    String expected = System.getProperty(EXPECTED_BLAS);
    if (expected != null && !expected.equals(Blas.implementation())) {
      throw new IllegalStateException("the benchmark JVM loaded " + Blas.describe()
          + ", the suite's JVM " + expected + "; check the JVM flags and the native library path");
    }
    Architecture architecture = architecture();
    network = new Network(architecture);
    layout = network.layout();
    params = Initializer.initialize(architecture, 20240601L);
    SplittableRandom random = new SplittableRandom(7);
    // Pixel-like inputs in [0, 1) and uniform class labels.
    x = new double[SIZES[0] * m];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble();
    }
    targets = new double[m];
    for (int j = 0; j < m; j++) {
      targets[j] = random.nextInt(SIZES[SIZES.length - 1]);
    }
    gradient = new double[network.parameterCount()];
    workspace = new Workspace(architecture, m);

    int layers = layout.layers();
    activations = new double[layers + 1][];
    int widest = 0;
    for (int l = 1; l <= layers; l++) {
      activations[l] = new double[layout.rows(l) * m];
      widest = Math.max(widest, layout.rows(l));
    }
    deltaA = new double[widest * m];
    deltaB = new double[widest * m];
  }

  /**
   * Both benchmarks accumulate into the gradient (and gemmOnly's forward into its activations,
   * beta = 1 as in the kernel); starting each iteration from zero keeps the numbers ordinary.
   */
  @Setup(Level.Iteration)
  public void clear() {
    Arrays.fill(gradient, 0.0);
    for (int l = 1; l < activations.length; l++) {
      Arrays.fill(activations[l], 0.0);
    }
  }

  /** The kernel: forward, loss and backward over m examples. Returns the loss (consumed by JMH). */
  @Benchmark
  public double forwardBackward() {
    return network.gradient(params, x, 0, targets, 0, m, gradient, workspace);
  }

  /** The same GEMMs as {@link #forwardBackward}, in the same order, and nothing else. */
  @Benchmark
  public double gemmOnly() {
    int last = layout.layers();
    double[] in = x;
    for (int l = 1; l <= last; l++) {
      int n = layout.rows(l);
      int k = layout.columns(l);
      // z_l = W_l · a_{l−1} (+ C: the kernel puts the bias there first and uses beta = 1)
      Blas.gemm(false, false, n, m, k, 1.0, params, layout.weightOffset(l), n, in, 0, k,
          1.0, activations[l], 0, n);
      in = activations[l];
    }
    double[] delta = activations[last];
    for (int l = last; l >= 1; l--) {
      int n = layout.rows(l);
      int k = layout.columns(l);
      double[] below = l > 1 ? activations[l - 1] : x;
      // dW_l += delta_l · a_{l−1}ᵀ
      Blas.gemm(false, true, n, k, m, 1.0, delta, 0, n, below, 0, k,
          1.0, gradient, layout.weightOffset(l), n);
      if (l > 1) {
        double[] next = delta == deltaA ? deltaB : deltaA;
        // delta_{l−1} = W_lᵀ · delta_l
        Blas.gemm(true, false, k, m, n, 1.0, params, layout.weightOffset(l), n, delta, 0, n,
            0.0, next, 0, k);
        delta = next;
      }
    }
    return delta[0];
  }
}
