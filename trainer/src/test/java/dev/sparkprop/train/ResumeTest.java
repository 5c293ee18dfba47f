package dev.sparkprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Synthetic;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.optim.Optimizer;
import dev.sparkprop.optim.Schedule;
import dev.sparkprop.optim.Sgd;
import dev.sparkprop.optim.Warmup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run resumed from any of its checkpoints ends exactly where the run left alone ends: the same
 * parameters bit for bit, the same history. The in-process engine adds shard sums in shard
 * order, so every run here is deterministic.
 */
class ResumeTest {

  private static final Architecture ARCH = new Architecture(new int[] {2, 8, 6, 4}, Activation.TANH,
      Loss.SOFTMAX_CROSS_ENTROPY);
  private static final DenseDataset BLOBS = Synthetic.generate(Synthetic.Kind.BLOBS, 5, 300);
  private static final Map<String, String> RUN = Map.of("data", "blobs:5:300", "partitions", "3");

  /** Keeps every checkpoint in memory, in the order written. */
  static final class Memory implements Checkpointer {
    final List<Checkpoint> saved = new ArrayList<>();

    @Override
    public String save(Checkpoint checkpoint) {
      saved.add(checkpoint);
      return "memory #" + saved.size();
    }
  }

  private static LocalEngine engine(int threads) {
    LocalData data = LocalData.prepare(BLOBS, 3, 5, 0.2, 0.2, Scaling.STANDARDIZE);
    return new LocalEngine(new Network(ARCH), 4, data.shards(), threads, Precision.FLOAT64);
  }

  /** 4 epochs of 11 iterations (180 examples, batch 17: the last batch is short), dropout, L2, clipping, warm-up and cosine. */
  private static TrainConfig config(Optimizer optimizer) {
    Schedule schedule = new Schedule.Cosine(44, 0.1).withWarmup(new Warmup(5));
    return new TrainConfig(optimizer, 17, 4, 5, 0.0, 1e-3, schedule, 5.0, 0.2);
  }

  private static Trainer trainer(TrainConfig config, Stopping stopping, Checkpointer store, int every) {
    return new Trainer(new Network(ARCH), config, stopping).withCheckpoints(store, every, RUN);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"})
  @DisplayName("resumed from every checkpoint, mid-epoch or at an epoch's end, a run ends with the uninterrupted run's parameters and history")
  void resumeFromAnyCheckpointEqualsUninterrupted(String name) {
    TrainConfig config = config(Optimizer.parse(name).withLearningRate(name.equals("sgd") ? 0.1 : 0.01));
    Trainer.Result plain;
    try (LocalEngine engine = engine(1)) {
      plain = new Trainer(new Network(ARCH), config).train(engine, TrainingListener.SILENT);
    }
    Memory memory = new Memory();
    try (LocalEngine engine = engine(1)) {
      Trainer.Result checkpointed = trainer(config, Stopping.NONE, memory, 4).train(engine, TrainingListener.SILENT);
      assertArrayEquals(plain.parameters(), checkpointed.parameters(), "checkpointing leaves the run alone");
    }
    // Every 4th of the 44 iterations but the 44th, which ends an epoch, plus the 4 epoch ends.
    assertEquals(10 + 4, memory.saved.size());
    assertTrue(memory.saved.stream().anyMatch(c -> c.iteration() > 0 && c.epoch() > 0), "some checkpoints are mid-epoch");
    for (Checkpoint c : memory.saved) {
      try (LocalEngine engine = engine(1)) {
        Trainer.Result resumed = trainer(config, Stopping.NONE, new Memory(), 4).train(engine, TrainingListener.SILENT, c);
        assertArrayEquals(plain.parameters(), resumed.parameters(), "resumed from " + c.position());
        assertEquals(plain.history().size(), resumed.history().size());
        for (int e = 0; e < plain.history().size(); e++) {
          assertEquals(plain.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 0.0,
              "epoch " + (e + 1) + "'s training loss, resumed from " + c.position());
          assertEquals(plain.history().get(e).validation().meanLoss(), resumed.history().get(e).validation().meanLoss(), 0.0);
          assertEquals(plain.history().get(e).learningRate(), resumed.history().get(e).learningRate(), 0.0);
        }
      }
    }
  }

  @Test
  @DisplayName("the local engine on three threads trains bit for bit as on one: shard sums are added in shard order")
  void localEngineIsDeterministicAcrossThreads() {
    TrainConfig config = config(Adam.defaults().withLearningRate(0.01));
    double[] one;
    double[] three;
    try (LocalEngine engine = engine(1)) {
      one = new Trainer(new Network(ARCH), config).train(engine, TrainingListener.SILENT).parameters();
    }
    try (LocalEngine engine = engine(3)) {
      three = new Trainer(new Network(ARCH), config).train(engine, TrainingListener.SILENT).parameters();
    }
    assertArrayEquals(one, three);
  }

  @Test
  @DisplayName("early stopping resumes with its best epoch, score and patience, and keeps the same epoch")
  void earlyStoppingStateSurvivesResume() {
    TrainConfig config = new TrainConfig(new Adam(0.05, 0.9, 0.999, 1e-8), 10, 40, 5, 0.0);
    Stopping stopping = new Stopping(Stopping.Metric.LOSS, 3, 0.0, 0.0, 0.0);
    Memory memory = new Memory();
    Trainer.Result plain;
    try (LocalEngine engine = engine(1)) {
      plain = trainer(config, stopping, memory, 0).train(engine, TrainingListener.SILENT);
    }
    assertTrue(plain.history().size() < 40, "the run stopped early");
    for (Checkpoint c : memory.saved) {
      try (LocalEngine engine = engine(1)) {
        Trainer.Result resumed = trainer(config, stopping, new Memory(), 0).train(engine, TrainingListener.SILENT, c);
        assertEquals(plain.bestEpoch(), resumed.bestEpoch(), "resumed from " + c.position());
        assertEquals(plain.history().size(), resumed.history().size());
        assertEquals(plain.stopReason(), resumed.stopReason());
        assertArrayEquals(plain.parameters(), resumed.parameters());
      }
    }
  }

  @Test
  @DisplayName("a checkpoint from a run with other settings is refused, naming the setting and both values")
  void otherSettingsAreRefused() {
    TrainConfig config = config(Adam.defaults());
    Memory memory = new Memory();
    try (LocalEngine engine = engine(1)) {
      trainer(config, Stopping.NONE, memory, 0).train(engine, TrainingListener.SILENT);
    }
    Checkpoint first = memory.saved.get(0);
    TrainConfig otherBatch = new TrainConfig(config.optimizer(), 16, 4, 5, 0.0, 1e-3, config.schedule(), 5.0, 0.2);
    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () -> {
      try (LocalEngine engine = engine(1)) {
        trainer(otherBatch, Stopping.NONE, new Memory(), 0).train(engine, TrainingListener.SILENT, first);
      }
    });
    assertEquals("cannot resume: the checkpoint's run had batchSize = 17, this run has 16; give the original run's options",
        batch.getMessage());
    IllegalArgumentException optimizer = assertThrows(IllegalArgumentException.class, () -> {
      try (LocalEngine engine = engine(1)) {
        trainer(config(Adam.defaults().withLearningRate(0.002)), Stopping.NONE, new Memory(), 0)
            .train(engine, TrainingListener.SILENT, first);
      }
    });
    assertTrue(optimizer.getMessage().contains("optimizer = Adam[learningRate=0.001,"), optimizer.getMessage());
    IllegalArgumentException data = assertThrows(IllegalArgumentException.class, () -> {
      try (LocalEngine engine = engine(1)) {
        new Trainer(new Network(ARCH), config).withCheckpoints(new Memory(), 0, Map.of("data", "blobs:5:300", "partitions", "4"))
            .train(engine, TrainingListener.SILENT, first);
      }
    });
    assertTrue(data.getMessage().contains("partitions = 3, this run has 4"), data.getMessage());
  }

  @Test
  @DisplayName("on divergence no checkpoint is written after the last good one, and the message says where that one is")
  void divergenceKeepsTheLastGoodCheckpoint() {
    // Linear regression by plain SGD at a learning rate of 50: each step overshoots more, until overflow.
    Architecture linear = new Architecture(new int[] {2, 1}, Activation.IDENTITY, Loss.SQUARED_ERROR);
    TrainConfig config = new TrainConfig(new Sgd(50.0), 17, 40, 5, 0.0);
    Memory memory = new Memory();
    LocalData data = LocalData.prepare(BLOBS, 3, 5, 0.2, 0.2, Scaling.STANDARDIZE);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> {
      try (LocalEngine engine = new LocalEngine(new Network(linear), 0, data.shards())) {
        new Trainer(new Network(linear), config).withCheckpoints(memory, 1, RUN).train(engine, TrainingListener.SILENT);
      }
    });
    assertTrue(!memory.saved.isEmpty(), "a checkpoint was written before the divergence");
    assertTrue(e.getMessage().contains("is not finite at learning rate 50.0000; try a smaller learning rate"),
        e.getMessage());
    Checkpoint last = memory.saved.get(memory.saved.size() - 1);
    assertTrue(e.getMessage().contains("the last good checkpoint is memory #" + memory.saved.size() + " (" + last.position() + ")"),
        e.getMessage());
    for (double p : last.parameters()) {
      assertTrue(Double.isFinite(p));
    }
    assertNotNull(last.optimizer());
    // Resumed from it, the same settings diverge again, and the message points back to it.
    TrainingDivergedException again = assertThrows(TrainingDivergedException.class, () -> {
      try (LocalEngine engine = new LocalEngine(new Network(linear), 0, data.shards())) {
        new Trainer(new Network(linear), config).withCheckpoints(new Memory(), 1000, RUN)
            .train(engine, TrainingListener.SILENT, last);
      }
    });
    assertTrue(again.getMessage().contains("the last good checkpoint is the one this run resumed from (" + last.position() + ")"),
        again.getMessage());
  }
}
