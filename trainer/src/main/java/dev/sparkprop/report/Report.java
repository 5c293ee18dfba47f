package dev.sparkprop.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.io.ModelFormatException;
import dev.sparkprop.io.RunFiles;
import dev.sparkprop.io.RunHistory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The report of a training run's directory: the curves as PNG files, and one HTML page that
 * needs nothing else (the pictures are inside it as data URIs, the styles in the page), so it
 * can be mailed or attached to a ticket. The page has the curves, the final metrics, the
 * confusion matrix of the test set, the history epoch by epoch and the run's configuration.
 */
public final class Report {

  public static final String LOSS_PNG = "loss.png";
  public static final String HTML = "report.html";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path runDir;
  private final List<RunHistory.Entry> history;
  private final JsonNode header;
  private final JsonNode evaluation; // null when the run did not write one
  private final Properties options; // null likewise

  private Report(Path runDir, List<RunHistory.Entry> history, JsonNode header, JsonNode evaluation, Properties options) {
    this.runDir = runDir;
    this.history = history;
    this.header = header;
    this.evaluation = evaluation;
    this.options = options;
  }

  /**
   * Reads a run directory written by {@code train --out}.
   *
   * @throws ModelFormatException naming the file that is missing or cannot be read
   */
  public static Report of(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      throw new ModelFormatException(runDir, "not a run directory (" + (Files.exists(runDir) ? "it is a file" : "it does not exist") + ")");
    }
    JsonNode header = json(runDir.resolve(ModelFile.HEADER), true);
    List<RunHistory.Entry> history = RunHistory.read(runDir.resolve(RunFiles.HISTORY));
    if (history.isEmpty()) {
      throw new ModelFormatException(runDir.resolve(RunFiles.HISTORY), "has no epochs");
    }
    JsonNode evaluation = json(runDir.resolve(RunFiles.EVALUATION), false);
    Properties options = null;
    Path config = runDir.resolve(RunFiles.CONFIG);
    if (Files.exists(config)) {
      options = new Properties();
      try {
        options.load(new StringReader(Files.readString(config, StandardCharsets.UTF_8)));
      } catch (IOException | IllegalArgumentException e) {
        throw new ModelFormatException(config, "cannot be read: " + e.getMessage(), e);
      }
    }
    return new Report(runDir, history, header, evaluation, options);
  }

  /**
   * Writes the curves and the page into {@code outDir}, creating it, replacing earlier ones.
   *
   * @return the files written, the page last
   */
  public List<Path> write(Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Map<String, byte[]> pictures = new LinkedHashMap<>();
    String subtitle = subtitle();
    pictures.put(LOSS_PNG, Curves.png(Curves.Quantity.loss(lossName(), history), history, subtitle));
    Curves.Quantity metric = classification() ? Curves.Quantity.metric("accuracy", "Accuracy", "accuracy")
        : Curves.Quantity.metric("r2", "R²", "R²");
    if (Curves.present(metric, history)) {
      pictures.put(classification() ? "accuracy.png" : "r2.png", Curves.png(metric, history, subtitle));
    }
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> p : pictures.entrySet()) {
      Path file = outDir.resolve(p.getKey());
      Files.write(file, p.getValue());
      written.add(file);
    }
    Path page = outDir.resolve(HTML);
    Files.writeString(page, html(pictures), StandardCharsets.UTF_8);
    written.add(page);
    return written;
  }

  boolean classification() {
    String loss = header.at("/architecture/loss").asText("");
    return loss.endsWith("cross-entropy");
  }

  private String lossName() {
    return header.at("/architecture/loss").asText("loss");
  }

  /** "64-128-64-10 relu, adam, batch 126, 10 epochs; data digits". */
  private String subtitle() {
    JsonNode t = header.path("training");
    List<String> parts = new ArrayList<>();
    parts.add(shape() + " " + header.at("/architecture/activation").asText(""));
    if (t.has("optimizer")) {
      parts.add(t.get("optimizer").asText());
    }
    // L-BFGS takes the whole training set at every step: a batch size would mislead.
    if (t.has("batchSize") && !t.path("optimizer").asText().equals("lbfgs")) {
      parts.add("batch " + t.get("batchSize").asText());
    }
    parts.add(history.size() + (history.size() == 1 ? " epoch" : " epochs"));
    String data = t.has("data") ? "; data " + t.get("data").asText() : "";
    return String.join(", ", parts) + data;
  }

  private String shape() {
    List<String> sizes = new ArrayList<>();
    header.at("/architecture/sizes").forEach(n -> sizes.add(n.asText()));
    return String.join("-", sizes);
  }

  // -----------------------------------------------------------------------------------------------
  // The page

  String html(Map<String, byte[]> pictures) {
    StringBuilder h = new StringBuilder();
    String name = runDir.toAbsolutePath().normalize().getFileName() == null ? runDir.toString()
        : runDir.toAbsolutePath().normalize().getFileName().toString();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>sparkprop run ").append(escape(name)).append("</title>\n")
        .append("<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}\n")
        .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}\n")
        .append("th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right;font-variant-numeric:tabular-nums}\n")
        .append("th{background:#f4f4f4}\n td.key,th.key{text-align:left}\n")
        .append("img{max-width:100%;height:auto;display:block;margin:0.5em 0 1em}\n")
        .append("code{background:#f4f4f4;padding:0 0.2em}\n")
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>sparkprop run <code>").append(escape(name)).append("</code></h1>\n");
    h.append("<p>").append(escape(subtitle())).append(". ").append(escape(outcome())).append("</p>\n");

    h.append("<h2 id=\"curves\">Training curves</h2>\n");
    for (Map.Entry<String, byte[]> p : pictures.entrySet()) {
      h.append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(p.getValue()))
          .append("\" alt=\"").append(escape(p.getKey().replace(".png", ""))).append(" against epoch, train and validation\" width=\"")
          .append(Curves.WIDTH).append("\" height=\"").append(Curves.HEIGHT).append("\">\n");
    }

    h.append("<h2 id=\"metrics\">Final metrics</h2>\n");
    metricsTable(h);

    h.append("<h2 id=\"confusion\">Confusion matrix</h2>\n");
    confusionMatrix(h);

    h.append("<h2 id=\"history\">History</h2>\n");
    historyTable(h);

    h.append("<h2 id=\"configuration\">Configuration</h2>\n");
    configuration(h);
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private String outcome() {
    JsonNode t = header.path("training");
    StringBuilder s = new StringBuilder();
    RunHistory.Entry last = history.get(history.size() - 1);
    s.append(String.format(Locale.ROOT, "%d epochs in %.1f s", history.size(), last.elapsedSeconds()));
    if (t.has("bestEpoch") && t.get("bestEpoch").asInt() != last.epoch()) {
      s.append(", keeping epoch ").append(t.get("bestEpoch").asInt());
    }
    JsonNode metrics = header.path("metrics");
    if (metrics.has("test.accuracy")) {
      s.append(String.format(Locale.ROOT, "; test accuracy %.4f", metrics.get("test.accuracy").asDouble()));
    } else if (metrics.has("test.r2")) {
      s.append(String.format(Locale.ROOT, "; test R² %.4f", metrics.get("test.r2").asDouble()));
    }
    return s.append('.').toString();
  }

  private void metricsTable(StringBuilder h) {
    JsonNode metrics = header.path("metrics");
    if (metrics.isEmpty()) {
      h.append("<p>The model records no metrics.</p>\n");
      return;
    }
    h.append("<table>\n<tr><th class=\"key\">metric</th><th>value</th></tr>\n");
    for (Map.Entry<String, JsonNode> m : metrics.properties()) {
      h.append("<tr><td class=\"key\">").append(escape(m.getKey())).append("</td><td>")
          .append(escape(number(m.getValue()))).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private void confusionMatrix(StringBuilder h) {
    if (!classification()) {
      h.append("<p>A regression run has no confusion matrix.</p>\n");
      return;
    }
    JsonNode test = evaluation == null ? null : evaluation.get("test");
    JsonNode matrix = test == null ? null : test.get("confusion_matrix");
    if (matrix == null || !matrix.isArray()) {
      h.append("<p>This run did not record its final evaluation (").append(RunFiles.EVALUATION)
          .append("); <code>sparkprop evaluate --model DIR</code> prints the matrix.</p>\n");
      return;
    }
    h.append(String.format(Locale.ROOT, "<p>The test set, %s examples, accuracy %.4f. Rows are the true class, "
        + "columns the predicted class; the shade is the row's fraction.</p>\n",
        String.format(Locale.ROOT, "%,d", test.path("examples").asLong()), test.path("accuracy").asDouble()));
    int k = matrix.size();
    h.append("<table class=\"confusion\">\n<tr><th>true \\ predicted</th>");
    for (int c = 0; c < k; c++) {
      h.append("<th>").append(classLabel(test, c)).append("</th>");
    }
    h.append("<th>recall</th></tr>\n");
    for (int t = 0; t < k; t++) {
      JsonNode row = matrix.get(t);
      long total = 0;
      for (JsonNode v : row) {
        total += v.asLong();
      }
      h.append("<tr><th>").append(classLabel(test, t)).append("</th>");
      for (int p = 0; p < k; p++) {
        long v = row.get(p).asLong();
        double fraction = total == 0 ? 0 : (double) v / total;
        // Blue on the diagonal, red off it: right and wrong at a glance.
        String rgb = t == p ? "31,119,180" : "214,39,40";
        h.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.2f)\">%d</td>",
            rgb, Math.min(0.85, fraction * (t == p ? 0.85 : 2.0)), v));
      }
      h.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>%n", total == 0 ? 0.0 : row.get(t).asDouble() / total));
    }
    h.append("</table>\n");
  }

  /** Class {@code c} as the evaluation names it: by its name when the data named the classes. */
  private static String classLabel(JsonNode test, int c) {
    JsonNode name = test.path("per_class").path(c).get("name");
    return name != null && name.isTextual() ? escape(name.textValue()) : Integer.toString(c);
  }

  private void historyTable(StringBuilder h) {
    String metric = classification() ? "accuracy" : "r2";
    String label = classification() ? "accuracy" : "R²";
    h.append("<table>\n<tr><th>epoch</th><th>train loss (running)</th><th>train loss</th><th>train ").append(label)
        .append("</th><th>validation loss</th><th>validation ").append(label)
        .append("</th><th>learning rate</th><th>examples/s</th><th>compute s</th><th>coordination s</th><th>elapsed s</th></tr>\n");
    for (RunHistory.Entry e : history) {
      h.append("<tr><td>").append(e.epoch()).append("</td>");
      cell(h, e.trainLoss(), "%.4f");
      cell(h, e.train().get("loss"), "%.4f");
      cell(h, e.train().get(metric), "%.4f");
      cell(h, e.validation().get("loss"), "%.4f");
      cell(h, e.validation().get(metric), "%.4f");
      cell(h, e.learningRate(), "%.3g");
      cell(h, e.examplesPerSecond(), "%,.0f");
      cell(h, e.computeSeconds(), "%.1f");
      cell(h, e.coordinationSeconds(), "%.1f");
      cell(h, e.elapsedSeconds(), "%.1f");
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private void configuration(StringBuilder h) {
    if (options != null) {
      h.append("<p>The options of the run (<code>").append(RunFiles.CONFIG)
          .append("</code>; repeat the run with <code>sparkprop train --config ").append(RunFiles.CONFIG)
          .append(" --out DIR</code>):</p>\n<table>\n<tr><th class=\"key\">option</th><th class=\"key\">value</th></tr>\n");
      for (String key : options.stringPropertyNames().stream().sorted().toList()) {
        h.append("<tr><td class=\"key\">").append(escape(key)).append("</td><td class=\"key\">")
            .append(escape(options.getProperty(key))).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<p>As recorded in <code>").append(ModelFile.HEADER).append("</code>:</p>\n")
        .append("<table>\n<tr><th class=\"key\">setting</th><th class=\"key\">value</th></tr>\n");
    h.append("<tr><td class=\"key\">network</td><td class=\"key\">").append(escape(shape() + " "
        + header.at("/architecture/activation").asText("") + " " + lossName())).append("</td></tr>\n");
    h.append("<tr><td class=\"key\">parameters</td><td class=\"key\">").append(header.path("parameters").asText())
        .append("</td></tr>\n");
    for (Map.Entry<String, JsonNode> t : header.path("training").properties()) {
      JsonNode v = t.getValue();
      h.append("<tr><td class=\"key\">").append(escape(t.getKey())).append("</td><td class=\"key\">")
          .append(escape(v.isValueNode() ? number(v) : v.toString())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void cell(StringBuilder h, Double v, String format) {
    h.append("<td>");
    if (v != null && Double.isFinite(v)) {
      h.append(escape(String.format(Locale.ROOT, format, v)));
    }
    h.append("</td>");
  }

  private static String number(JsonNode v) {
    if (v.isFloatingPointNumber()) {
      double d = v.doubleValue();
      // Counts arrive as doubles (6000.0): write them as the integers they are.
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%d", (long) d)
          : String.format(Locale.ROOT, "%.6g", d);
    }
    return v.asText();
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static JsonNode json(Path file, boolean required) {
    try {
      return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      if (required) {
        throw new ModelFormatException(file.getParent(), "not a run directory (it has no " + file.getFileName() + ")", e);
      }
      return null;
    } catch (JsonProcessingException e) {
      throw new ModelFormatException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException(file, "cannot be read: " + e.getMessage(), e);
    }
  }
}
