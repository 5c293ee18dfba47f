package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run leaves its story behind: the history epoch by epoch, the final evaluation and its own
 * options beside the model; {@code report} turns them into pictures and a page; the options
 * repeat the run through {@code --config}.
 */
class RunReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  @DisplayName("train --out writes history.jsonl (one line per epoch), evaluation.json and config.properties; report draws them")
  void historyAndReport() throws Exception {
    Cli.Result train = Cli.run(dir, "train", "--data", "digits", "--hidden", "32", "--epochs", "3",
        "--out", "run", "--master", "local[2]");
    assertEquals(0, train.status(), train::toString);
    // No terminal here: plain epoch lines, and Spark's INFO logging stays hidden.
    assertFalse(train.out().contains("\r"), train::toString);
    assertFalse(train.err().contains(" INFO "), train::toString);

    List<String> lines = Files.readAllLines(dir.resolve("run/history.jsonl"));
    assertEquals(3, lines.size(), lines::toString);
    for (int e = 1; e <= 3; e++) {
      JsonNode line = JSON.readTree(lines.get(e - 1));
      assertEquals(e, line.get("epoch").asInt());
      assertEquals(3, line.get("epochs").asInt());
      assertEquals(10, line.get("iterations").asInt());
      assertEquals(10L * e, line.get("iteration").asLong());
      assertEquals(0.001, line.get("learning_rate").asDouble(), 0.0);
      assertEquals(1258, line.at("/train/examples").asInt());
      assertEquals(180, line.at("/validation/examples").asInt());
      assertTrue(line.at("/validation/accuracy").asDouble() > 0.0);
      assertTrue(line.get("compute_seconds").asDouble() + line.get("coordination_seconds").asDouble()
          <= line.get("seconds").asDouble() + 1e-9, line::toString);
      // The printed epoch line and the history agree on the running training loss.
      String printed = String.format("epoch %3d  train loss %.4f", e, line.get("train_loss").asDouble());
      assertTrue(train.out().contains(printed), () -> printed + "\n" + train);
    }
    JsonNode evaluation = JSON.readTree(dir.resolve("run/evaluation.json").toFile());
    assertEquals(359, evaluation.at("/test/examples").asInt());
    assertEquals(10, evaluation.at("/test/confusion_matrix").size());
    JsonNode header = JSON.readTree(dir.resolve("run/model.json").toFile());
    assertEquals(header.at("/metrics/test.accuracy").asDouble(), evaluation.at("/test/accuracy").asDouble(), 0.0);
    String config = Files.readString(dir.resolve("run/config.properties"));
    assertTrue(config.contains("\nhidden=32\n") && config.contains("\nepochs=3\n"), config);
    assertFalse(config.contains("\nout=") || config.contains("\noverwrite="), config);

    Cli.Result report = Cli.run(dir, "report", "run");
    assertEquals(0, report.status(), report::toString);
    for (String png : List.of("loss.png", "accuracy.png")) {
      BufferedImage image = ImageIO.read(dir.resolve("run/report").resolve(png).toFile());
      assertNotNull(image, png + " is not a PNG ImageIO can read");
      assertEquals(800, image.getWidth());
      assertEquals(480, image.getHeight());
      assertTrue(colours(image) > 10, png + " is nearly blank");
    }
    String html = Files.readString(dir.resolve("run/report/report.html"));
    for (String section : List.of("<h2 id=\"curves\">", "<h2 id=\"confusion\">", "<h2 id=\"history\">",
        "<h2 id=\"configuration\">", "<td class=\"key\">hidden</td><td class=\"key\">32</td>")) {
      assertTrue(html.contains(section), section);
    }
    // Self-contained: the pictures are in the page, and decode.
    Matcher image = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    int images = 0;
    while (image.find()) {
      assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(image.group(1)))));
      images++;
    }
    assertEquals(2, images);
    assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "no outside resources");

    // Named as evaluate and predict name it, the run gives the same report.
    Cli.Result named = Cli.run(dir, "report", "--model", "run", "--out", "named");
    assertEquals(0, named.status(), named::toString);
    assertEquals(html, Files.readString(dir.resolve("named/report.html")));
    Cli.Result none = Cli.run(dir, "report");
    assertEquals(2, none.status(), none::toString);
    assertTrue(none.err().contains("report needs the run's directory: sparkprop report DIR (or --model DIR)"),
        none::toString);
    // A 10 × 10 confusion matrix: a header row and ten rows of eleven numbers plus recall.
    assertEquals(10, html.split("<tr><th>\\d+</th>", -1).length - 1);

    // The written options repeat the run; the command line still wins over them.
    Cli.Result again = Cli.run(dir, "train", "--config", "run/config.properties", "--epochs", "1", "--master", "local[2]");
    assertEquals(0, again.status(), again::toString);
    assertTrue(again.out().contains("network: 64-32-10 relu"), again::toString);
    assertTrue(again.out().contains("10 iterations per epoch, 1 epochs, 10 iterations"), again::toString);
  }

  @Test
  @DisplayName("--config: keys are the long options; an unknown key or a bad value is a usage error naming the file")
  void configFile() throws Exception {
    Files.writeString(dir.resolve("typo.properties"), "# a run\nhidden=16\nlearning-rate = 0.01\nepoch=3\n");
    Cli.Result typo = Cli.run(dir, "train", "--config", "typo.properties");
    assertEquals(2, typo.status(), typo::toString);
    assertTrue(typo.err().contains("typo.properties:4: unknown key 'epoch': not an option of train (did you mean 'epochs'?)"),
        typo::toString);

    Cli.Result missing = Cli.run(dir, "train", "--config", "nowhere.properties");
    assertEquals(2, missing.status(), missing::toString);
    assertTrue(missing.err().contains("nowhere.properties: --config file does not exist"), missing::toString);

    Files.writeString(dir.resolve("typed.properties"), "epochs=ten\n");
    Cli.Result typed = Cli.run(dir, "train", "--config", "typed.properties");
    assertEquals(2, typed.status(), typed::toString);
    assertTrue(typed.err().contains("sparkprop: typed.properties: Invalid value for option '--epochs': 'ten'"), typed::toString);
    // The same mistake on the command line is the command line's, even with the file in play.
    Cli.Result typedHere = Cli.run(dir, "train", "--config", "typed.properties", "--epochs", "x");
    assertEquals(2, typedHere.status(), typedHere::toString);
    assertTrue(typedHere.err().contains("sparkprop: Invalid value for option '--epochs': 'x'"), typedHere::toString);

    Files.writeString(dir.resolve("bad.properties"), "batch-size=0\n");
    Cli.Result bad = Cli.run(dir, "train", "--config", "bad.properties");
    assertEquals(2, bad.status(), bad::toString);
    assertTrue(bad.err().contains("--batch-size must be positive, not 0"), bad::toString);

    Files.writeString(dir.resolve("xor.properties"), "data=xor\nhidden=8,8\nactivation=tanh\nepochs=5\nheader=false\n");
    Cli.Result verbose = Cli.run(dir, "train", "--config", "xor.properties", "--activation", "relu", "--epochs", "1",
        "--verbose", "--master", "local[1]");
    assertEquals(0, verbose.status(), verbose::toString);
    assertTrue(verbose.out().contains("-8-8-") && verbose.out().contains(" relu "), verbose::toString);
    assertTrue(verbose.out().contains(", 1 epochs,"), verbose::toString);
    // --verbose brings Spark's own INFO logging back.
    assertTrue(verbose.err().contains(" INFO "), verbose::toString);
  }

  private static int colours(BufferedImage image) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
