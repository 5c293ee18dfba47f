package dev.sparkprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.optim.OptimizerState;
import dev.sparkprop.train.Checkpoint;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files: exact round trips, atomic replacement, damage detected, the newest K kept. */
class CheckpointStoreTest {

  @TempDir
  Path dir;

  /** A checkpoint with something in every field, awkward doubles included. */
  private static Checkpoint sample(int epoch, int iteration, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] params = random.doubles(37, -1, 1).toArray();
    params[0] = -0.0;
    params[1] = Double.MIN_VALUE;
    params[2] = Double.MAX_VALUE;
    TreeMap<String, String> settings = new TreeMap<>();
    settings.put("architecture", "4-6-2 relu softmax-cross-entropy");
    settings.put("data.data", "datä/ünïcode.csv");
    settings.put("seed", Long.toString(seed));
    OptimizerState.Snapshot adam = new OptimizerState.Snapshot(123_456_789_012L,
        List.of(random.doubles(37).toArray(), random.doubles(37).toArray()));

    Evaluation binary = new Evaluation(Loss.SIGMOID_BINARY_CROSS_ENTROPY, 2);
    binary.add(new double[] {0.1, 0.7, 0.999, 0.5}, 1, 4, new double[] {0, 1, 1, 0}, 0, 1.75);
    Evaluation regression = new Evaluation(Loss.SQUARED_ERROR, 0);
    regression.add(new double[] {1.5, -2.0}, 1, 2, new double[] {1.0, -2.5}, 0, 0.25);
    // Trained on standardized targets: RMSE and MAE are reported in the targets' own units.
    regression.inTargetUnits(new FeatureScaler(new double[] {3.0}, new double[] {0.25}));
    Evaluation multiclass = new Evaluation(Loss.SOFTMAX_CROSS_ENTROPY, 3);
    multiclass.add(new double[] {0.2, 0.5, 0.3, 0.9, 0.05, 0.05}, 3, 2, new double[] {1, 2}, 0, 3.0);
    List<EpochStats> history = List.of(
        new EpochStats(1, 0.9, binary, 1.5, 1000.0, 1.5, 0.2, 1.3, 0.001),
        new EpochStats(2, 0.7, regression, 1.4, 1001.0, 2.9, Double.NaN, Double.NaN, 0.0009),
        new EpochStats(3, 0.6, multiclass, 1.3, 1002.0, 4.2, 0.1, 1.2, 0.0008),
        new EpochStats(4, 0.5, null, 1.2, 1003.0, 5.4, 0.1, 1.1, 0.0007));
    return new Checkpoint(settings, epoch, iteration, params, adam, 12.5, 340, 987_654_321L, 0.75, 6.25, history,
        random.doubles(37).toArray(), 0.3125, 3, 2, iteration == 0 ? "stopped for a reason" : null);
  }

  @Test
  @DisplayName("a checkpoint reads back equal in every field, and writing what was read gives the same bytes")
  void roundTrip() throws IOException {
    Checkpoint original = sample(4, 0, 1);
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path file = Path.of(store.save(original));
    assertEquals(CheckpointStore.fileName(4, 0), file.getFileName().toString());

    Checkpoint read = CheckpointStore.read(file);
    assertArrayEquals(Files.readAllBytes(file), CheckpointStore.encode(read));
    assertArrayEquals(CheckpointStore.encode(original), CheckpointStore.encode(read));

    assertEquals(original.settings(), read.settings());
    assertEquals(original.epoch(), read.epoch());
    assertEquals(original.iteration(), read.iteration());
    assertArrayEquals(original.parameters(), read.parameters());
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(read.parameters()[0]));
    assertEquals(original.optimizer().steps(), read.optimizer().steps());
    assertEquals(original.optimizer().vectors().size(), read.optimizer().vectors().size());
    for (int k = 0; k < original.optimizer().vectors().size(); k++) {
      assertArrayEquals(original.optimizer().vectors().get(k), read.optimizer().vectors().get(k));
    }
    assertEquals(original.epochLossSum(), read.epochLossSum(), 0.0);
    assertEquals(original.epochExamples(), read.epochExamples());
    assertEquals(original.epochComputeNanos(), read.epochComputeNanos());
    assertEquals(original.epochSeconds(), read.epochSeconds(), 0.0);
    assertEquals(original.elapsedSeconds(), read.elapsedSeconds(), 0.0);
    assertArrayEquals(original.best(), read.best());
    assertEquals(original.bestScore(), read.bestScore(), 0.0);
    assertEquals(original.bestEpoch(), read.bestEpoch());
    assertEquals(original.overfittingFrom(), read.overfittingFrom());
    assertEquals(original.stopReason(), read.stopReason());
    assertEquals(original.history().size(), read.history().size());
    for (int e = 0; e < original.history().size(); e++) {
      EpochStats a = original.history().get(e);
      EpochStats b = read.history().get(e);
      assertEquals(a.epoch(), b.epoch());
      assertArrayEquals(new double[] {a.trainLoss(), a.seconds(), a.examplesPerSecond(), a.elapsedSeconds(),
          a.computeSeconds(), a.coordinationSeconds(), a.learningRate()}, new double[] {b.trainLoss(), b.seconds(),
          b.examplesPerSecond(), b.elapsedSeconds(), b.computeSeconds(), b.coordinationSeconds(), b.learningRate()});
      if (a.validation() == null) {
        assertNull(b.validation());
      } else {
        assertEquals(a.validation().metrics(), b.validation().metrics());
      }
    }
    assertEquals(original.history().get(0).validation().auc(), read.history().get(0).validation().auc(), 0.0);
    // Errors of 0.5 in training units, whose unit is 1 / 0.25 = 4 target units: RMSE 2.
    assertEquals(2.0, read.history().get(1).validation().rmse(), 0.0);
  }

  @Test
  @DisplayName("a newest checkpoint cut short, or with one byte flipped, is skipped for the one before, with the reason")
  void damagedNewestFallsBackToPrevious() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    store.save(sample(1, 0, 1));
    Path middle = Path.of(store.save(sample(1, 5, 2)));
    Path newest = Path.of(store.save(sample(2, 0, 3)));

    byte[] whole = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(whole, whole.length / 2));
    CheckpointStore.Found found = CheckpointStore.latest(dir);
    assertEquals(middle, found.file());
    assertEquals(1, found.checkpoint().epoch());
    assertEquals(5, found.checkpoint().iteration());
    assertEquals(List.of(newest + ": checksum mismatch (SHA-256): the checkpoint is truncated or altered"), found.skipped());

    byte[] flipped = Files.readAllBytes(middle);
    flipped[flipped.length / 3] ^= 0x10;
    Files.write(middle, flipped);
    found = CheckpointStore.latest(dir);
    assertEquals(CheckpointStore.fileName(1, 0), found.file().getFileName().toString());
    assertEquals(2, found.skipped().size());

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointStore.read(middle));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  @DisplayName("a write cut off before its rename leaves only a hidden temporary file, which is ignored and later cleared")
  void interruptedWriteLeavesPreviousValid() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Path good = Path.of(store.save(sample(1, 0, 1)));
    // What a process killed mid-write leaves: part of a checkpoint under a temporary name.
    byte[] next = CheckpointStore.encode(sample(1, 4, 2));
    Path partial = dir.resolve(".checkpoint-123.tmp");
    Files.write(partial, Arrays.copyOf(next, next.length - 100));

    CheckpointStore.Found found = CheckpointStore.latest(dir);
    assertEquals(good, found.file());
    assertTrue(found.skipped().isEmpty());

    store.save(sample(1, 8, 3));
    assertTrue(Files.notExists(partial), "the next save clears what a killed one left");
  }

  @Test
  @DisplayName("only the newest K checkpoints are kept")
  void keepsNewestK() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (int i = 0; i < 6; i++) {
      store.save(sample(i / 2, (i % 2) * 7, i));
    }
    List<String> names = CheckpointStore.list(dir).stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(List.of(CheckpointStore.fileName(2, 0), CheckpointStore.fileName(2, 7)), names);
    try (var entries = Files.list(dir)) {
      assertEquals(2, entries.count(), "no temporary files left behind");
    }
  }

  @Test
  @DisplayName("positions sort by number, not by name: epoch 10 comes after epoch 9")
  void sortsByPosition() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 5);
    store.save(sample(9, 3, 1));
    store.save(sample(10, 0, 2));
    assertEquals(10, CheckpointStore.latest(dir).checkpoint().epoch());
  }

  @Test
  @DisplayName("a run resumed from an earlier checkpoint replaces the checkpoints ahead of it as it saves")
  void savingBehindDropsWhatLiesAhead() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 5);
    store.save(sample(1, 0, 1));
    store.save(sample(2, 0, 2));
    store.save(sample(3, 0, 3));
    store.save(sample(1, 6, 4));
    List<String> names = CheckpointStore.list(dir).stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(List.of(CheckpointStore.fileName(1, 0), CheckpointStore.fileName(1, 6)), names);
  }

  @Test
  @DisplayName("a directory with no checkpoint, or only damaged ones, is named in the error")
  void nothingToResume() throws IOException {
    ModelFormatException none = assertThrows(ModelFormatException.class, () -> CheckpointStore.latest(dir));
    assertEquals(dir + ": holds no checkpoint", none.getMessage());
    Files.write(dir.resolve(CheckpointStore.fileName(0, 3)), new byte[] {1, 2, 3});
    ModelFormatException damaged = assertThrows(ModelFormatException.class, () -> CheckpointStore.latest(dir));
    assertTrue(damaged.getMessage().startsWith(dir + ": holds no complete checkpoint"), damaged.getMessage());
  }
}
