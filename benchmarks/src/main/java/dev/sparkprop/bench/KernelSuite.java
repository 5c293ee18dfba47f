package dev.sparkprop.bench;

import dev.sparkprop.math.Blas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The kernel suite: runs {@link KernelBenchmark} under JMH in one forked JVM per batch size and
 * benchmark, and reports the kernel's GFLOP/s beside those of its bare GEMMs.
 *
 * <p>The fork gets the Spark/netlib flags from the system property {@code sparkprop.jvm.options}
 * (set by {@code benchmarks/run}) and inherits the environment, so OPENBLAS_NUM_THREADS=1 from
 * that script keeps BLAS on one thread: the kernel runs on one thread per partition in training.
 */
final class KernelSuite {

  private static final String FORWARD_BACKWARD = "forwardBackward";
  private static final String GEMM_ONLY = "gemmOnly";

  private KernelSuite() {}

  static void run(Path results) throws Exception {
    String blas = Blas.implementation();
    String threads = System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset");

    String flags = System.getProperty("sparkprop.jvm.options", "").trim();
    List<String> forkFlags = new ArrayList<>();
    if (!flags.isEmpty()) {
      forkFlags.addAll(Arrays.asList(flags.split("\\s+")));
    } else {
      // Not started by benchmarks/run: JMH then gives the fork this JVM's own flags.
      System.err.println("sparkprop.jvm.options is not set; the benchmark JVM inherits this JVM's flags");
    }
    forkFlags.add("-Xmx4g");
    forkFlags.add("-D" + KernelBenchmark.EXPECTED_BLAS + "=" + blas);

    // One JMH run per batch size, so that the two benchmarks of a row are measured back to back:
    // on a shared machine the load drifts over minutes, and the ratio is the number that matters.
    Map<Integer, Map<String, Result<?>>> byBatch = new TreeMap<>();
    double worstError = 0;
    for (String batch : batchSizes()) {
      ChainedOptionsBuilder options = new OptionsBuilder()
          .include(KernelBenchmark.class.getSimpleName())
          .param("m", batch)
          .forks(1)
          // About 20 s per batch size and benchmark, two to three minutes in all.
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2))
          .shouldFailOnError(true);
      String[] args = forkFlags.toArray(String[]::new);
      if (flags.isEmpty()) {
        options.jvmArgsAppend(args);
      } else {
        options.jvmArgs(args);
      }
      for (RunResult run : new Runner(options.build()).run()) {
        String label = run.getParams().getBenchmark();
        String method = label.substring(label.lastIndexOf('.') + 1);
        int m = Integer.parseInt(run.getParams().getParam("m"));
        Result<?> result = run.getPrimaryResult();
        byBatch.computeIfAbsent(m, k -> new TreeMap<>()).put(method, result);
        if (Double.isFinite(result.getScoreError())) {
          worstError = Math.max(worstError, result.getScoreError() / result.getScore());
        }
      }
    }

    String shape = KernelBenchmark.architecture().shape();
    String threadWords = "1".equals(threads) ? "one thread" : "OPENBLAS_NUM_THREADS=" + threads;
    Report report = new Report("Kernels: forward+backward vs plain GEMM, " + shape + ", " + threadWords,
        "examples per partition", "fwd+bwd ms", "fwd+bwd GFLOP/s", "GEMM-only ms",
        "GEMM-only GFLOP/s (same shapes)", "ratio");
    for (Map.Entry<Integer, Map<String, Result<?>>> e : byBatch.entrySet()) {
      int m = e.getKey();
      double kernelMs = millis(e.getValue().get(FORWARD_BACKWARD));
      double gemmMs = millis(e.getValue().get(GEMM_ONLY));
      double flops = KernelBenchmark.flops(m);
      double kernelGflops = flops / (kernelMs * 1e6);
      double gemmGflops = flops / (gemmMs * 1e6);
      report.row(m, kernelMs, kernelGflops, gemmMs, gemmGflops, kernelGflops / gemmGflops);
    }
    report.note("BLAS in the benchmark JVM: " + Blas.describe() + ", OPENBLAS_NUM_THREADS=" + threads
        + "; JMH, 1 fork per row and column, 3 × 2 s warm-up, 5 × 2 s measured, mean time per call"
        + String.format(Locale.ROOT, " (99.9%% confidence half-width at most %.0f%% of a mean).", 100 * worstError));
    report.note("FLOPs per call of m examples: forward 2·m·Σ_l n_l·n_{l−1}, backward dW_l 2·m·Σ_l n_l·n_{l−1}"
        + " and delta_{l−1} 2·m·Σ_{l≥2} n_l·n_{l−1} (= " + String.format(Locale.ROOT, "%.4f", KernelBenchmark.flops(1) / 1e6)
        + " MFLOP per example here); both columns are credited with the same FLOPs. GEMM-only issues"
        + " exactly the kernel's GEMMs and nothing else; ratio = fwd+bwd GFLOP/s / GEMM-only GFLOP/s"
        + " (the issue's target is ≥ 0.8).");
    report.publish(results, "kernels");
  }

  /** The batch sizes KernelBenchmark declares for m. */
  private static String[] batchSizes() throws NoSuchFieldException {
    return KernelBenchmark.class.getField("m").getAnnotation(Param.class).value();
  }

  private static double millis(Result<?> result) {
    if (result == null) {
      return Double.NaN;
    }
    return switch (result.getScoreUnit()) {
      case "us/op" -> result.getScore() / 1e3;
      case "ms/op" -> result.getScore();
      case "ns/op" -> result.getScore() / 1e6;
      case "s/op" -> result.getScore() * 1e3;
      default -> throw new IllegalStateException("unexpected unit " + result.getScoreUnit());
    };
  }
}
