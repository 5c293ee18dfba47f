package dev.sparkprop.nn;

import java.util.Locale;

/**
 * The arithmetic of the forward and backward passes. Master parameters, optimizer state and
 * the sums across partitions stay in double either way; float32 rounds the parameters once per
 * step and runs the layers in single precision, about twice the GEMM throughput.
 */
public enum Precision {
  FLOAT64,
  FLOAT32;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Precision parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "float64", "double", "fp64" -> FLOAT64;
      case "float32", "float", "fp32" -> FLOAT32;
      default -> throw new IllegalArgumentException("unknown precision '" + name + "'; expected float64 or float32");
    };
  }
}
