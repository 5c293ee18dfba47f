package dev.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.optim.Sgd;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An epoch is one pass over the training set; an iteration is one global batch. */
class EpochArithmeticTest {

  @Test
  @DisplayName("10,000 examples at batch 5,000 is 2 iterations per epoch")
  void tenThousandAtFiveThousand() {
    EpochPlan plan = new EpochPlan(10_000, 5_000, 3);
    assertEquals(2, plan.iterationsPerEpoch());
    assertEquals(6, plan.totalIterations());
    assertEquals(5_000, plan.batchExamples(1));
  }

  @Test
  @DisplayName("a last, partial batch counts as an iteration and holds the remainder")
  void partialLastBatch() {
    EpochPlan plan = new EpochPlan(10_001, 5_000, 1);
    assertEquals(3, plan.iterationsPerEpoch());
    assertEquals(1, plan.batchExamples(2));
    assertEquals(1, new EpochPlan(7, 100, 1).iterationsPerEpoch());
  }

  @Test
  void nonPositiveSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new EpochPlan(10, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new EpochPlan(10, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new EpochPlan(0, 5, 1));
  }

  @Test
  @DisplayName("the trainer asks for exactly ceil(N / batch) batches per epoch, and every example lands in exactly one")
  void trainerVisitsEveryExampleOncePerEpoch() {
    int n = 10_000;
    float[] x = new float[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 17;
      y[i] = 0.01 * (i % 13);
    }
    LocalData data = LocalData.prepare(new DenseDataset(1, x, y), 3, 5, 0.0, 0.0, Scaling.NONE);
    Architecture arch = new Architecture(new int[] {1, 1}, Activation.IDENTITY, Loss.SQUARED_ERROR);
    Network network = new Network(arch);
    LocalEngine inner = new LocalEngine(network, 0, data.shards());
    List<Long> counts = new ArrayList<>();
    Engine counting = new Engine() {
      @Override
      public long examples(Role role) {
        return inner.examples(role);
      }

      @Override
      public GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch) {
        GradientSum s = inner.gradient(params, batching, epoch, batch);
        counts.add(s.count());
        return s;
      }

      @Override
      public Evaluation evaluate(double[] params, Role role) {
        return inner.evaluate(params, role);
      }
    };
    new Trainer(network, new TrainConfig(new Sgd(1e-4), 5_000, 2, 5, 0.0)).train(counting, TrainingListener.SILENT);
    assertEquals(List.of(5_000L, 5_000L, 5_000L, 5_000L), counts);
  }

  @Test
  @DisplayName("each epoch's batches partition the training set, and the shuffle changes between epochs")
  void batchesPartitionTheEpoch() {
    int n = 1_000;
    long[] index = new long[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    Shard shard = new Shard(1, new float[n], new double[n], index);
    Shard.Batching batching = new Shard.Batching(9, n, 64);
    List<Set<Long>> firstBatches = new ArrayList<>();
    for (int epoch = 0; epoch < 2; epoch++) {
      Shard.EpochOrder order = shard.order(batching, epoch);
      Set<Long> seen = new HashSet<>();
      for (int b = 0; b < batching.batches(); b++) {
        int size = order.start[b + 1] - order.start[b];
        assertEquals(Math.min(64, n - 64 * b), size, "batch " + b);
        Set<Long> batch = new HashSet<>();
        for (int k = order.start[b]; k < order.start[b + 1]; k++) {
          assertEquals(true, seen.add(index[order.order[k]]));
          batch.add(index[order.order[k]]);
        }
        if (b == 0) {
          firstBatches.add(batch);
        }
      }
      assertEquals(n, seen.size());
    }
    assertEquals(false, firstBatches.get(0).equals(firstBatches.get(1)));
  }
}
