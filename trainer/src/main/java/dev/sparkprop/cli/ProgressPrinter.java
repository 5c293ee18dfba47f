package dev.sparkprop.cli;

import dev.sparkprop.train.EpochPlan;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.IterationProgress;
import dev.sparkprop.train.TrainingListener;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Prints a run as it goes. Every epoch ends in one line with its losses, speed and time split.
 * On a terminal, a status line shows the epoch in progress and is redrawn in place with a
 * carriage return: iteration i/n, loss so far, examples/s and the time left; the epoch's line
 * then overwrites it. Without a terminal (a log file, CI) only the epoch lines are printed, so
 * logs stay one line per epoch.
 */
final class ProgressPrinter implements TrainingListener {

  /** Redraw the status line at most this often: a terminal need not see every iteration. */
  static final long REDRAW_NANOS = 250_000_000L;

  private final PrintStream out;
  private final boolean live;
  private final long redrawNanos;
  private final LongSupplier clock;
  private long runStart;
  /** Iterations done before this process's first one: more than 0 in a resumed run; -1 until then. */
  private long doneBefore;
  private long lastDrawn;
  private int drawnWidth;
  private EpochPlan plan;

  /**
   * @param live whether {@code out} is a terminal that can redraw a line in place
   * @param redrawNanos the least time between two redraws of the status line
   */
  ProgressPrinter(PrintStream out, boolean live, long redrawNanos, LongSupplier clock) {
    this.out = out;
    this.live = live;
    this.redrawNanos = redrawNanos;
    this.clock = clock;
  }

  /** Live when this process writes to a terminal. */
  static ProgressPrinter forConsole(PrintStream out) {
    return new ProgressPrinter(out, System.console() != null, REDRAW_NANOS, System::nanoTime);
  }

  PrintStream out() {
    return out;
  }

  @Override
  public void started(EpochPlan plan) {
    this.plan = plan;
    runStart = clock.getAsLong();
    doneBefore = -1;
    lastDrawn = runStart - redrawNanos;
    out.println("plan: " + plan.describe());
  }

  @Override
  public void iterationFinished(IterationProgress p) {
    if (doneBefore < 0) {
      doneBefore = done(p) - 1;
    }
    if (!live || p.iteration() == p.iterations()) {
      return; // the epoch's own line follows at once
    }
    long now = clock.getAsLong();
    if (now - lastDrawn < redrawNanos) {
      return;
    }
    lastDrawn = now;
    draw(status(p, (now - runStart) / 1e9, doneBefore, plan == null ? 0 : plan.totalIterations()));
  }

  /** Iterations of the whole run done once {@code p}'s is, counting from the first epoch. */
  private static long done(IterationProgress p) {
    return (long) (p.epoch() - 1) * p.iterations() + p.iteration();
  }

  /**
   * The status line: "epoch 3/10  iteration 45/235  loss 0.4321  12,345 examples/s  ETA 0:12,
   * run 3:40". The run's time left assumes the pace of this process so far, validation
   * included: {@code runSeconds} covers the iterations after {@code doneBefore}, which a resumed
   * run did before it started.
   */
  static String status(IterationProgress p, double runSeconds, long doneBefore, long totalIterations) {
    long done = done(p);
    String run = totalIterations > done
        ? ", run " + clock(runSeconds / (done - doneBefore) * (totalIterations - done)) : "";
    return String.format("epoch %d/%d  iteration %d/%d  loss %.4f  %,.0f examples/s  ETA %s%s",
        p.epoch(), p.epochs(), p.iteration(), p.iterations(), p.meanLoss(), p.examplesPerSecond(),
        clock(p.epochSecondsLeft()), run);
  }

  /** Seconds as m:ss, or h:mm:ss from an hour on. */
  static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }

  @Override
  public void warn(String message) {
    line("warning: " + message);
  }

  @Override
  public void epochFinished(EpochStats s) {
    String validation = s.validation() == null ? ""
        : String.format("  validation loss %.4f %s", s.validation().meanLoss(), TrainCommand.describe(s.validation()));
    String split = Double.isNaN(s.computeSeconds()) ? ""
        : String.format("compute %.1f s, coordination %.1f s; ", s.computeSeconds(), s.coordinationSeconds());
    line(String.format("epoch %3d  train loss %.4f%s  %,.0f examples/s  %.1f s (%stotal %.1f s)",
        s.epoch(), s.trainLoss(), validation, s.examplesPerSecond(), s.seconds(), split, s.elapsedSeconds()));
  }

  /** A whole line, over the status line if one is showing. */
  private void line(String text) {
    if (drawnWidth > 0) {
      out.print('\r');
      out.print(text);
      out.print(" ".repeat(Math.max(0, drawnWidth - text.length())));
      out.println();
      drawnWidth = 0;
    } else {
      out.println(text);
    }
  }

  private void draw(String text) {
    out.print('\r');
    out.print(text);
    out.print(" ".repeat(Math.max(0, drawnWidth - text.length())));
    out.flush();
    drawnWidth = text.length();
  }
}
