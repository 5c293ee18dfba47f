package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --config files, parsed only: no Spark starts here. */
class ConfigFileTest {

  @TempDir
  Path dir;

  private TrainCommand parse(String... args) {
    CommandLine cli = new CommandLine(new Main());
    ConfigFile.apply(cli, args);
    return (TrainCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  @DisplayName("the file's values become the options' values, converted as on the command line; flags on the command line win")
  void valuesAndPrecedence() throws Exception {
    Path file = dir.resolve("run.properties");
    Files.writeString(file, "hidden=256,128\nlearning-rate=0.001\nepochs=10\nheader=true\nschedule=step:0.5:3\n"
        + "train-metrics=false\nscale-learning-rate=true\n");
    TrainCommand fromFile = parse("train", "--config", file.toString());
    assertArrayEquals(new int[] {256, 128}, TrainCommand.widths(fromFile.hidden));
    assertEquals(0.001, fromFile.learningRate, 0.0);
    assertEquals(10, fromFile.epochs);
    assertTrue(fromFile.dataArgs.header);
    assertEquals("step:0.5:3", fromFile.schedule);
    assertFalse(fromFile.trainMetrics);
    assertTrue(fromFile.scaleLearningRate);
    assertEquals("relu", fromFile.activation, "an option the file leaves out keeps its default");

    TrainCommand overridden = parse("train", "--config=" + file, "--epochs", "2", "--hidden", "8", "--train-metrics");
    assertEquals(2, overridden.epochs);
    assertTrue(overridden.trainMetrics);
    assertArrayEquals(new int[] {8}, TrainCommand.widths(overridden.hidden));
    assertEquals(0.001, overridden.learningRate, 0.0);
  }

  @Test
  @DisplayName("an empty --hidden means no hidden layer, on the command line, in a file and in the run's own record")
  void noHiddenLayer() throws Exception {
    assertArrayEquals(new int[0], TrainCommand.widths(parse("train", "--hidden", "").hidden));
    assertArrayEquals(new int[0], TrainCommand.widths(parse("train", "--hidden=").hidden));
    Path file = dir.resolve("linear.properties");
    Files.writeString(file, "hidden=\n");
    TrainCommand fromFile = parse("train", "--config", file.toString());
    assertArrayEquals(new int[0], TrainCommand.widths(fromFile.hidden));
    Files.writeString(file, ConfigFile.effective(fromFile.spec));
    assertArrayEquals(new int[0], TrainCommand.widths(parse("train", "--config", file.toString()).hidden));
  }

  @Test
  @DisplayName("--train-metrics is on by default, --no-train-metrics turns it off")
  void negatable() {
    assertTrue(parse("train").trainMetrics);
    assertTrue(parse("train", "--train-metrics").trainMetrics);
    assertFalse(parse("train", "--no-train-metrics").trainMetrics);
  }

  @Test
  @DisplayName("a run's own config.properties parses back to the same options")
  void effectiveRoundTrip() throws Exception {
    TrainCommand original = parse("train", "--data", "digits", "--hidden", "32,16", "--schedule", "cosine:0.1",
        "--dropout", "0.2", "--seed", "7", "--out", "somewhere", "--no-train-metrics");
    String written = ConfigFile.effective(original.spec);
    assertFalse(written.contains("\nout="), written);
    Path file = dir.resolve("config.properties");
    Files.writeString(file, written);
    TrainCommand repeated = parse("train", "--config", file.toString());
    assertEquals(written, ConfigFile.effective(repeated.spec));
    assertArrayEquals(new int[] {32, 16}, TrainCommand.widths(repeated.hidden));
    assertEquals("cosine:0.1", repeated.schedule);
    assertEquals(0.2, repeated.dropout, 0.0);
    assertEquals(7, repeated.seed);
    assertFalse(repeated.trainMetrics, written);
    assertNull(repeated.out);
    assertNull(repeated.epochs, "an option computed from the data stays unset");
  }

  @Test
  @DisplayName("a value with a backslash or leading blank survives the round trip")
  void escaping() throws Exception {
    TrainCommand original = parse("train", "--data", " C:\\data\\x.csv");
    Path file = dir.resolve("config.properties");
    Files.writeString(file, ConfigFile.effective(original.spec));
    assertEquals(" C:\\data\\x.csv", parse("train", "--config", file.toString()).dataArgs.data);
  }

  @Test
  @DisplayName("an unknown key names the file, its line and the nearest option; other commands ignore --config look-alikes")
  void unknownKey() throws Exception {
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "hidden=16\n\nlearning_rate=0.1\n");
    UsageException e = assertThrows(UsageException.class, () -> parse("train", "--config", file.toString()));
    assertEquals(file + ":3: unknown key 'learning_rate': not an option of train (did you mean 'learning-rate'?)",
        e.getMessage());
    assertNull(ConfigFile.apply(new CommandLine(new Main()), "evaluate", "--config", file.toString()));
  }
}
