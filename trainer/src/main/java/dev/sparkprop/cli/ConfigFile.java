package dev.sparkprop.cli;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * {@code train --config FILE}: a Java properties file whose keys are the long options without
 * their dashes ({@code hidden=256,128}, {@code learning-rate=0.001}, {@code header=true}). Its
 * values become the options' defaults through picocli's {@link PropertiesDefaultProvider}, so
 * the command line still wins, and every value is converted and checked exactly as on the
 * command line. The file has to be read before picocli parses the arguments (defaults are
 * applied first), hence the look-ahead for {@code --config} in {@link #apply}.
 *
 * <p>A run with {@code --out} writes its effective options back as {@code config.properties}
 * ({@link #effective}), so {@code train --config DIR/config.properties --out OTHER} repeats it.
 */
final class ConfigFile {

  /** Options that say where and how to run, not what to train: never written by {@link #effective}. */
  private static final Set<String> NOT_RECORDED = Set.of("config", "out", "overwrite", "verbose", "master",
      "resume", "checkpoint-dir");

  private ConfigFile() {}

  /**
   * When the arguments run {@code train --config FILE}, makes FILE's values the defaults of
   * {@code train}'s options.
   *
   * @return the file, or null without {@code --config}
   * @throws UsageException when the file cannot be read or has a key that is not an option,
   *     naming the file (and the line) and the key
   */
  static Path apply(CommandLine cli, String... args) {
    if (args.length == 0 || !args[0].equals("train")) {
      return null;
    }
    String value = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      } else if (args[i].equals("--config") && i + 1 < args.length) {
        value = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        value = args[i].substring("--config=".length());
      }
    }
    if (value == null) {
      return null;
    }
    Path file = Path.of(value);
    CommandLine train = cli.getSubcommands().get("train");
    Properties properties = read(file, train.getCommandSpec());
    train.setDefaultValueProvider(new PropertiesDefaultProvider(properties));
    return file;
  }

  /** Reads the file and checks that every key names an option of {@code spec}. */
  static Properties read(Path file, CommandSpec spec) {
    Properties properties = new Properties();
    List<String> lines;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException(file + ": --config file does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(file + ": cannot be read as a properties file: " + e.getMessage());
    }
    Set<String> known = new TreeSet<>();
    for (OptionSpec option : spec.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        known.add(key(option));
      }
    }
    known.remove("config");
    for (String name : new TreeSet<>(properties.stringPropertyNames())) {
      if (!known.contains(name)) {
        throw new UsageException(file + lineOf(lines, name) + ": unknown key '" + name + "': not an option of train"
            + suggestion(name, known));
      }
    }
    return properties;
  }

  /**
   * The options of a parsed {@code train} as a properties file: every option that has a value,
   * default or given, in the order of {@code --help}, except those that only say where to run.
   * Options without a value (--epochs, --batch-size: computed from the data) stay out, so a
   * repeat computes them the same way.
   */
  static String effective(CommandSpec spec) {
    StringBuilder text = new StringBuilder()
        .append("# sparkprop train: the options of this run. Repeat it with\n")
        .append("#   sparkprop train --config config.properties --out DIR\n");
    for (OptionSpec option : spec.options()) {
      String key = key(option);
      Object value = option.getValue();
      if (option.usageHelp() || option.versionHelp() || NOT_RECORDED.contains(key) || value == null) {
        continue;
      }
      text.append(key).append('=').append(escape(format(value))).append('\n');
    }
    return text.toString();
  }

  /** The option's key: its long name without the dashes, as {@link PropertiesDefaultProvider} looks it up. */
  private static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  private static String format(Object value) {
    if (value.getClass().isArray()) {
      List<String> items = new ArrayList<>();
      for (int i = 0, n = Array.getLength(value); i < n; i++) {
        items.add(String.valueOf(Array.get(value, i)));
      }
      return String.join(",", items);
    }
    return String.valueOf(value);
  }

  /** What {@link Properties#load} reads back as {@code value}: backslashes, line breaks and leading blanks escaped. */
  private static String escape(String value) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case ' ' -> s.append(i == 0 ? "\\ " : " ");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  /** ":N" for the first line that sets {@code key}, or nothing when it cannot be found (a continued line). */
  private static String lineOf(List<String> lines, String key) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).stripLeading();
      if (line.startsWith(key) && (line.length() == key.length() || " \t=:".indexOf(line.charAt(key.length())) >= 0)) {
        return ":" + (i + 1);
      }
    }
    return "";
  }

  /** " (did you mean 'hidden'?)" for a key one or two edits from an option's, else nothing. */
  private static String suggestion(String name, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
