package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How --help reads. Picocli starts every element of a description array on a line of its own,
 * and an option's second element one column left of its first, so an element that stops
 * mid-sentence prints as a broken paragraph.
 */
class HelpTextTest {

  @Test
  @DisplayName("every paragraph of every command's help, and of each option's, ends a sentence")
  void paragraphsEndSentences() {
    List<String> broken = new ArrayList<>();
    CommandLine main = new CommandLine(new Main());
    for (CommandLine command : main.getSubcommands().values()) {
      CommandSpec spec = command.getCommandSpec();
      check(spec.name(), spec.usageMessage().description(), broken);
      for (ArgSpec arg : spec.args()) {
        String name = arg instanceof CommandLine.Model.OptionSpec o ? o.longestName() : arg.paramLabel();
        check(spec.name() + " " + name, arg.description(), broken);
      }
    }
    assertEquals(List.of(), broken);
  }

  private static void check(String where, String[] paragraphs, List<String> broken) {
    for (String p : paragraphs) {
      String text = p.strip();
      if (!text.endsWith(".") && !text.endsWith(":")) {
        broken.add(where + ": \"" + text + "\"");
      }
    }
  }
}
