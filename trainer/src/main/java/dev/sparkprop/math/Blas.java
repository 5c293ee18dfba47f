package dev.sparkprop.math;

/**
 * The one door to BLAS. Every matrix is a column-major {@code double[]} (or {@code float[]} for
 * the single-precision {@link #sgemm}) with an offset and a leading dimension, exactly as Fortran
 * BLAS sees it, so a network's layers can be views into one flat parameter vector without
 * copying.
 *
 * <p>netlib-java (dev.ludovic.netlib) picks its implementation once per JVM: the system's native
 * BLAS through JNI when one is installed (OpenBLAS), else the Vector API version when the JVM
 * runs with {@code --add-modules jdk.incubator.vector}, else plain Java. It falls back without a
 * word, so {@link #implementation()} is printed at start-up.
 */
public final class Blas {

  private static final dev.ludovic.netlib.blas.BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();

  private Blas() {}

  /** Which implementation netlib chose in this JVM, e.g. {@code JNIBLAS}, {@code VectorBLAS} or {@code Java8BLAS}. */
  public static String implementation() {
    return BLAS.getClass().getSimpleName();
  }

  /** A human-readable line for logs: the implementation and what it means. */
  public static String describe() {
    String name = implementation();
    String kind = switch (name) {
      case "JNIBLAS" -> "native BLAS through JNI";
      case "VectorBLAS" -> "pure Java with the Vector API";
      default -> "pure Java without the Vector API (slowest)";
    };
    return name + " (" + kind + ")";
  }

  /**
   * C[cOff..] = alpha · op(A) · op(B) + beta · C, with op(A) m × k, op(B) k × n and C m × n.
   * Zero-sized products are legal and leave C scaled by beta, as BLAS does.
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k,
      double alpha, double[] a, int aOff, int lda,
      double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    BLAS.dgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k,
        alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * Single precision: C[cOff..] = alpha · op(A) · op(B) + beta · C, with op(A) m × k, op(B)
   * k × n and C m × n, every product and sum rounded to float. Half the bytes per operand of
   * {@link #gemm}, and twice the lanes per SIMD instruction, for callers that can live with a
   * relative rounding error of about 6e-8 (2^−24) per operation. Zero-sized products behave as
   * in {@link #gemm}.
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    BLAS.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k,
        alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }
}
