package dev.sparkprop.nn;

/**
 * Where each layer's weights and biases live in the one flat parameter vector. This is the only
 * place that knows the layout:
 *
 * <pre>
 *   [ W_1 | b_1 | W_2 | b_2 | … | W_L | b_L ]
 * </pre>
 *
 * where W_l is n_l × n_{l−1} in column-major order (leading dimension n_l) and b_l has n_l
 * entries. A gradient has the same layout, so it is one array to sum, send and apply.
 * Layers here are numbered 1..L as in the package notation.
 */
public final class ParameterLayout {

  private final int[] sizes;
  private final int[] offsets; // offsets[l] = start of W_l; offsets[L + 1] = total size
  private final int size;

  ParameterLayout(int[] sizes) {
    this.sizes = sizes.clone();
    int layers = sizes.length - 1;
    this.offsets = new int[layers + 2];
    long at = 0;
    for (int l = 1; l <= layers; l++) {
      offsets[l] = (int) at;
      at += (long) sizes[l] * sizes[l - 1] + sizes[l];
      if (at > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("the network has " + at + " parameters, more than a Java array holds");
      }
    }
    offsets[layers + 1] = (int) at;
    this.size = (int) at;
  }

  /** Total number of parameters. */
  public int size() {
    return size;
  }

  public int layers() {
    return sizes.length - 1;
  }

  /** n_l × n_{l−1}: rows of W_l. */
  public int rows(int l) {
    return sizes[l];
  }

  /** Columns of W_l. */
  public int columns(int l) {
    return sizes[l - 1];
  }

  public int weightOffset(int l) {
    return offsets[l];
  }

  public int weightCount(int l) {
    return sizes[l] * sizes[l - 1];
  }

  public int biasOffset(int l) {
    return offsets[l] + weightCount(l);
  }
}
