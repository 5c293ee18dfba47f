package dev.sparkprop.nn;

/**
 * Scratch buffers for one thread running batches of up to {@code capacity} examples, allocated
 * once so the hot path allocates nothing. Not thread-safe: one per partition task or thread.
 */
public final class Workspace {

  final int capacity;
  /** activations[l] holds a_l (n_l × capacity) for l = 1..L; activations[0] is unused (inputs are passed in). */
  final double[][] activations;
  /** Two ping-pong buffers for the deltas, each as large as the widest layer. */
  final double[] deltaA;
  final double[] deltaB;
  /**
   * For dropout, per hidden layer l: f(z_l) before the mask (f' is read from it) and each
   * unit's factor, 0 or 1/(1 − rate). Made on first use, so inference and training without
   * dropout pay nothing for them.
   */
  double[][] undropped;
  double[][] dropScale;

  public Workspace(Architecture architecture, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, not " + capacity);
    }
    this.capacity = capacity;
    int layers = architecture.layers();
    this.activations = new double[layers + 1][];
    int widest = 0;
    for (int l = 1; l <= layers; l++) {
      activations[l] = new double[Math.multiplyExact(architecture.width(l), capacity)];
      widest = Math.max(widest, architecture.width(l));
    }
    this.deltaA = new double[Math.multiplyExact(widest, capacity)];
    this.deltaB = new double[deltaA.length];
  }

  /** Allocates the dropout buffers once; later calls are free. */
  void ensureDropoutBuffers() {
    if (undropped != null) {
      return;
    }
    int hidden = activations.length - 2;
    undropped = new double[hidden + 1][];
    dropScale = new double[hidden + 1][];
    for (int l = 1; l <= hidden; l++) {
      undropped[l] = new double[activations[l].length];
      dropScale[l] = new double[activations[l].length];
    }
  }

  /** The largest batch these buffers hold. */
  public int capacity() {
    return capacity;
  }
}
