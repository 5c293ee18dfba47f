package dev.sparkprop.nn;

/**
 * Scratch buffers for one thread running {@link Network32} batches of up to {@code capacity}
 * examples, allocated once so the hot path allocates nothing. Not thread-safe: one per partition
 * task or thread. The float32 counterpart of {@link Workspace}, plus two small double buffers for
 * the output layer, where the loss is computed in double.
 */
public final class Workspace32 {

  final int capacity;
  /** activations[l] holds a_l (n_l × capacity) for l = 1..L; activations[0] is unused (inputs are passed in). */
  final float[][] activations;
  /** Two ping-pong buffers for the deltas, each as large as the widest layer. */
  final float[] deltaA;
  final float[] deltaB;
  /** z_L widened to double (n_L × capacity), overwritten by the loss with its delta. */
  final double[] wide;
  /** The last predict call's outputs (n_L × capacity), computed in double from the widened z_L. */
  final double[] outputs;

  public Workspace32(Architecture architecture, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, not " + capacity);
    }
    this.capacity = capacity;
    int layers = architecture.layers();
    this.activations = new float[layers + 1][];
    int widest = 0;
    for (int l = 1; l <= layers; l++) {
      activations[l] = new float[Math.multiplyExact(architecture.width(l), capacity)];
      widest = Math.max(widest, architecture.width(l));
    }
    this.deltaA = new float[Math.multiplyExact(widest, capacity)];
    this.deltaB = new float[deltaA.length];
    this.wide = new double[activations[layers].length];
    this.outputs = new double[wide.length];
  }

  /** The largest batch these buffers hold. */
  public int capacity() {
    return capacity;
  }
}
