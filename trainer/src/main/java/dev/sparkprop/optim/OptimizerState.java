package dev.sparkprop.optim;

import java.util.ArrayList;
import java.util.List;

/** An optimizer's mutable state for one run (velocities, moment estimates, step count). */
public interface OptimizerState {

  /** Updates {@code params} in place from the batch's mean {@code gradient}. */
  void step(double[] params, double[] gradient, double learningRate);

  /** How many steps have been taken. */
  long steps();

  /**
   * A copy of everything the next steps depend on besides the hyperparameters: the step count
   * (the bias corrections and the learning-rate schedule read it) and every per-parameter
   * vector, in an order fixed by each optimizer. A checkpoint stores it; {@link #restore} puts it
   * back, so a resumed run takes exactly the steps the uninterrupted run would have.
   */
  Snapshot snapshot();

  /**
   * Replaces this state with {@code snapshot}'s numbers (copied).
   *
   * @throws IllegalArgumentException if the snapshot has another number of vectors or another
   *     vector length than this state, i.e. it came from another optimizer or network
   */
  void restore(Snapshot snapshot);

  /** The numbers of an optimizer state; see {@link OptimizerState#snapshot()}. */
  record Snapshot(long steps, List<double[]> vectors) {

    public Snapshot {
      if (steps < 0) {
        throw new IllegalArgumentException("a step count cannot be negative, not " + steps);
      }
      List<double[]> copies = new ArrayList<>(vectors.size());
      for (double[] v : vectors) {
        copies.add(v.clone());
      }
      vectors = List.copyOf(copies);
    }

    /** Snapshots a state's own vectors (copied, so the state may go on changing them). */
    static Snapshot of(long steps, double[]... vectors) {
      return new Snapshot(steps, List.of(vectors));
    }

    /** Copies the snapshot's vectors into {@code targets}, after checking they fit. */
    void copyInto(String optimizer, double[]... targets) {
      if (vectors.size() != targets.length) {
        throw new IllegalArgumentException("optimizer state for " + optimizer + " needs " + targets.length
            + " vectors, the snapshot has " + vectors.size());
      }
      for (int k = 0; k < targets.length; k++) {
        if (vectors.get(k).length != targets[k].length) {
          throw new IllegalArgumentException("optimizer state for " + optimizer + ": vector " + k + " has "
              + vectors.get(k).length + " entries, the network " + targets[k].length);
        }
        System.arraycopy(vectors.get(k), 0, targets[k], 0, targets[k].length);
      }
    }
  }
}
