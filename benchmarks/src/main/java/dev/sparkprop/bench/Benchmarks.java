package dev.sparkprop.bench;

import dev.sparkprop.math.Blas;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs benchmark suites by name and writes their tables to {@code benchmarks/results/}.
 *
 * <pre>
 *   benchmarks/run                 # every suite
 *   benchmarks/run kernels step    # some of them
 *   benchmarks/run reduction       # only the step suite's reduction table
 *   benchmarks/run wire            # only its serialization table
 *   benchmarks/run blocks          # only its broadcast block size table
 *   benchmarks/run timeline        # only its timeline of one step
 *   benchmarks/run warmup          # only the scaling suite's fresh-JVM Spark against in-process
 *   SPARKPROP_BENCH_WARMUP_ITERATIONS=8000 benchmarks/run warmup   # ... run for longer
 * </pre>
 */
public final class Benchmarks {

  /** A suite: prints Markdown tables and writes CSV files into the results directory. */
  @FunctionalInterface
  interface Suite {
    void run(Path results) throws Exception;
  }

  private static final Map<String, Suite> SUITES = new LinkedHashMap<>();

  static {
    SUITES.put("kernels", KernelSuite::run);
    SUITES.put("step", StepSuite::run);
    SUITES.put("reduction", StepSuite::reduction);
    SUITES.put("wire", StepSuite::wire);
    SUITES.put("blocks", StepSuite::blockSize);
    SUITES.put("timeline", StepTimeline::run);
    SUITES.put("scaling", ScalingSuite::run);
    SUITES.put("warmup", WarmupCurve::run);
    SUITES.put("mllib", MllibSuite::run);
  }

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    List<String> names = args.length == 0 ? List.copyOf(SUITES.keySet()) : Arrays.asList(args);
    for (String name : names) {
      if (!SUITES.containsKey(name)) {
        System.err.println("unknown suite '" + name + "'; the suites are " + SUITES.keySet());
        System.exit(2);
      }
    }
    Path results = Path.of(System.getProperty("sparkprop.bench.results", "benchmarks/results"));
    System.out.println(machine());
    for (String name : names) {
      System.out.println("\n## " + name + "\n");
      SUITES.get(name).run(results);
    }
  }

  /** What the numbers were measured on. */
  static String machine() {
    Runtime rt = Runtime.getRuntime();
    return String.format("machine: %d cores, %.1f GiB heap max, Java %s (%s), BLAS %s, OPENBLAS_NUM_THREADS=%s",
        rt.availableProcessors(), rt.maxMemory() / (1024.0 * 1024 * 1024), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Blas.describe(), System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"));
  }
}
