package dev.sparkprop.cli;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.io.CannotWriteException;
import dev.sparkprop.io.ModelFormatException;
import dev.sparkprop.train.TrainingDivergedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sparkprop} command: train, evaluate, predict, report. */
@Command(name = "sparkprop", mixinStandardHelpOptions = true, version = "sparkprop 0.1.0",
    description = "Data-parallel neural-network training on Apache Spark.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ReportCommand.class},
    exitCodeOnInvalidInput = Main.USAGE, exitCodeOnExecutionException = Main.FAILURE)
public final class Main implements Runnable {

  /** A mistake in the data or a model file. */
  static final int FAILURE = 1;
  /** A mistake on the command line. */
  static final int USAGE = 2;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "name a command: train, evaluate, predict or report");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (used by tests, which must not exit). */
  public static int run(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, command, parsed) -> report(e, verbose, command.getErr()));
    Path config;
    try {
      config = ConfigFile.apply(cli, args);
    } catch (UsageException e) {
      return report(e, verbose, cli.getErr());
    }
    cli.setParameterExceptionHandler((e, given) -> reportUsage(e, verbose, fromFile(e, config, args)));
    return cli.execute(args);
  }

  /**
   * A mistake picocli caught (an unknown option, a value of the wrong type) as one line, like
   * every other mistake: picocli's default would follow it with the whole usage text, which
   * buries the line that matters under a hundred others.
   */
  static int reportUsage(CommandLine.ParameterException e, boolean verbose) {
    return reportUsage(e, verbose, null);
  }

  /** @param file the --config file the bad value came from, named first; null when it came from the command line */
  static int reportUsage(CommandLine.ParameterException e, boolean verbose, Path file) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    if (verbose) {
      e.printStackTrace(err);
    }
    StringBuilder line = new StringBuilder("sparkprop: ").append(file == null ? "" : file + ": ").append(e.getMessage().strip().replace(System.lineSeparator(), "; "));
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
    }
    line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
    err.println(line);
    err.flush();
    return USAGE;
  }

  /** The --config file, when the option {@code e} complains about was not on the command line and so came from it. */
  private static Path fromFile(CommandLine.ParameterException e, Path config, String[] args) {
    if (config == null || !(e.getArgSpec() instanceof CommandLine.Model.OptionSpec option)) {
      return null;
    }
    for (String arg : args) {
      for (String name : option.names()) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          return null;
        }
      }
    }
    return config;
  }

  /**
   * Turns a user's mistake into one line on stderr and an exit status; anything else is a bug
   * and keeps its stack trace. Spark wraps exceptions thrown inside tasks, so the cause chain is
   * searched for the real one.
   */
  static int report(Exception e, boolean verbose, PrintWriter err) {
    Throwable user = userError(e);
    if (user == null || verbose) {
      e.printStackTrace(err);
    }
    if (user == null) {
      return FAILURE;
    }
    err.println("sparkprop: " + user.getMessage());
    err.flush();
    return user instanceof UsageException || user instanceof IllegalArgumentException ? USAGE : FAILURE;
  }

  private static Throwable userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataFormatException || t instanceof ModelFormatException
          || t instanceof TrainingDivergedException || t instanceof UsageException
          || t instanceof CannotWriteException) {
        return t;
      }
    }
    return e instanceof IllegalArgumentException ? e : null;
  }
}
