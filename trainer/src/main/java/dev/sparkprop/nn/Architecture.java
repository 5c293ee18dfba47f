package dev.sparkprop.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * What a network is, without its weights: layer widths from input to output, the hidden
 * layers' activation, and the loss (which fixes the output function).
 *
 * @param sizes widths n_0 (inputs), n_1 … n_{L−1} (hidden), n_L (outputs); at least two
 */
public record Architecture(int[] sizes, Activation activation, Loss loss) implements Serializable {

  private static final long serialVersionUID = 1L;

  public Architecture {
    if (sizes == null || sizes.length < 2) {
      throw new IllegalArgumentException("a network needs an input and an output layer");
    }
    sizes = sizes.clone();
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] <= 0) {
        throw new IllegalArgumentException("layer " + i + " has size " + sizes[i] + "; sizes must be positive");
      }
    }
    if (activation == null || loss == null) {
      throw new IllegalArgumentException("activation and loss are required");
    }
    loss.checkOutputs(sizes[sizes.length - 1]);
  }

  /** A network with the given hidden widths between {@code inputs} and the loss's outputs. */
  public static Architecture of(int inputs, int[] hidden, int outputs, Activation activation, Loss loss) {
    int[] sizes = new int[hidden.length + 2];
    sizes[0] = inputs;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = outputs;
    return new Architecture(sizes, activation, loss);
  }

  @Override
  public int[] sizes() {
    return sizes.clone();
  }

  public int inputs() {
    return sizes[0];
  }

  public int outputs() {
    return sizes[sizes.length - 1];
  }

  /** L, the number of weight layers. */
  public int layers() {
    return sizes.length - 1;
  }

  /** n_l, for l = 0 (inputs) … L (outputs). */
  public int width(int l) {
    return sizes[l];
  }

  public ParameterLayout layout() {
    return new ParameterLayout(sizes);
  }

  /** {@code 784-256-128-10}. */
  public String shape() {
    StringJoiner j = new StringJoiner("-");
    for (int s : sizes) {
      j.add(Integer.toString(s));
    }
    return j.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Architecture a && Arrays.equals(sizes, a.sizes)
        && activation == a.activation && loss == a.loss;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(sizes) + activation.hashCode()) + loss.hashCode();
  }

  @Override
  public String toString() {
    return shape() + " " + activation.cliName() + " " + loss.cliName();
  }
}
