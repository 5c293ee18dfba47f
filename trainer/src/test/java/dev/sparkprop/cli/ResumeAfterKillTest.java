package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.io.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of checkpoints, as a user would test it: kill the training process without
 * warning in the middle of an epoch, run the same command with {@code --resume}, and get the
 * model an undisturbed run saves, bit for bit.
 */
class ResumeAfterKillTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** Digits: 1,258 training examples at batch 64 make 20 iterations per epoch; 12 epochs. */
  private static String[] command(String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", "digits", "--epochs", "12", "--batch-size", "64",
        "--seed", "7", "--partitions", "2", "--master", "local[2]", "--dropout", "0.1"));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  @Test
  @DisplayName("train killed with SIGKILL mid-epoch, then train --resume, saves the uninterrupted run's weights bit for bit")
  void resumeAfterSigkillEqualsUninterrupted() throws Exception {
    Cli.Result whole = Cli.run(dir, command("--out", "whole"));
    assertEquals(0, whole.status(), whole::toString);

    Path checkpoints = dir.resolve("checkpoints");
    Cli.Started doomed = Cli.start(dir, command("--checkpoint-dir", "checkpoints", "--checkpoint-every", "7",
        "--out", "resumed"));
    // Kill as soon as a mid-epoch checkpoint of the third epoch or later is on disk: the next one
    // is six iterations away, so the kill lands in the middle of an epoch.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    String seen = null;
    while (seen == null && doomed.process().isAlive() && System.nanoTime() < deadline) {
      for (Path p : CheckpointStore.list(checkpoints)) {
        String name = p.getFileName().toString();
        if (!name.startsWith("checkpoint-000000-") && !name.startsWith("checkpoint-000001-")
            && !name.endsWith("-000000000.bin")) {
          seen = name;
        }
      }
      Thread.sleep(5);
    }
    doomed.process().destroyForcibly();
    assertTrue(doomed.process().waitFor(1, TimeUnit.MINUTES));
    assertTrue(seen != null, () -> "no mid-epoch checkpoint appeared\n" + resultOf(doomed));
    assertNotEquals(0, doomed.process().exitValue(), "the run was killed, not finished");
    assertFalse(Files.exists(dir.resolve("resumed")), "a killed run saves no model");
    assertEquals(2, staged("resumed").size(), "its hidden directory and lock file stay behind: " + staged("resumed"));

    Cli.Result resumed = Cli.run(dir, command("--resume", "checkpoints", "--checkpoint-every", "7", "--out", "resumed"));
    assertEquals(0, resumed.status(), resumed::toString);
    assertTrue(resumed.out().contains("resuming from "), resumed::toString);
    assertTrue(resumed.out().matches("(?s).*resuming from \\S+: epoch \\d+ after iteration \\d+.*"),
        () -> "resumed mid-epoch\n" + resumed);
    assertTrue(resumed.out().contains("epoch  12  train loss"), resumed::toString);
    assertEquals(List.of(), staged("resumed"), "the next run beside it swept the killed run's files");

    assertArrayEquals(Files.readAllBytes(dir.resolve("whole/weights.bin")), Files.readAllBytes(dir.resolve("resumed/weights.bin")),
        "the resumed run's weights are the uninterrupted run's, bit for bit");
    JsonNode a = JSON.readTree(dir.resolve("whole/model.json").toFile());
    JsonNode b = JSON.readTree(dir.resolve("resumed/model.json").toFile());
    assertEquals(a.get("metrics"), b.get("metrics"), "same training loss history, same test metrics");
    assertTrue(CheckpointStore.list(checkpoints).size() <= 2, "the newest 2 checkpoints are kept");

    // Other settings than the checkpoint's are refused, naming the setting.
    Cli.Result otherL1 = Cli.run(dir, command("--l1", "0.001", "--resume", "checkpoints"));
    assertEquals(2, otherL1.status(), otherL1::toString);
    assertTrue(otherL1.err().contains("cannot resume: the checkpoint's run had l1 = 0.0, this run has 0.001"),
        otherL1::toString);
    assertFalse(otherL1.err().contains("\tat "), otherL1::toString);
  }

  @Test
  @DisplayName("--resume of a directory without checkpoints, --checkpoint-every without a directory, an unknown --reduction: usage errors")
  void resumeArguments() throws Exception {
    Cli.Result nowhere = Cli.run(dir, "train", "--resume", "nowhere");
    assertEquals(2, nowhere.status(), nowhere::toString);
    assertTrue(nowhere.err().contains("--resume nowhere: no such directory"), nowhere::toString);

    Cli.Result every = Cli.run(dir, "train", "--checkpoint-every", "5");
    assertEquals(2, every.status(), every::toString);
    assertTrue(every.err().contains("--checkpoint-every needs --checkpoint-dir DIR"), every::toString);

    Cli.Result reduction = Cli.run(dir, "train", "--reduction", "random");
    assertEquals(2, reduction.status(), reduction::toString);
    assertTrue(reduction.err().contains("unknown reduction 'random'; expected deterministic or arrival"), reduction::toString);
  }

  /** What runs writing to {@code name} have staged beside it. */
  private List<Path> staged(String name) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("." + name + ".tmp-")).toList();
    }
  }

  private static String resultOf(Cli.Started started) {
    try {
      return started.result().toString();
    } catch (Exception e) {
      return e.toString();
    }
  }
}
