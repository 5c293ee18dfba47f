package dev.sparkprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.train.EpochPlan;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.IterationProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a person sees while a run trains: a live line on a terminal, one line per epoch in a log. */
class ProgressPrinterTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong nanos = new AtomicLong();

  /** Two epochs of four iterations, one second per iteration. */
  private String run(boolean live, long redrawNanos) {
    ProgressPrinter printer = new ProgressPrinter(out, live, redrawNanos, nanos::get);
    EpochPlan plan = new EpochPlan(400, 100, 2);
    printer.started(plan);
    for (int epoch = 1; epoch <= 2; epoch++) {
      for (int i = 1; i <= 4; i++) {
        nanos.addAndGet(1_000_000_000L);
        printer.iterationFinished(new IterationProgress(epoch, 2, i, 4, 1.0 / (epoch * i), 100L * i, i));
      }
      printer.epochFinished(new EpochStats(epoch, 0.5 / epoch, null, 4.0, 100.0, 4.0 * epoch, 1.0, 3.0, 0.001));
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("without a terminal: the plan, then exactly one plain line per epoch, no carriage returns")
  void plainLinesForLogs() {
    String text = run(false, 0);
    assertFalse(text.contains("\r"), text);
    assertEquals(3, text.lines().count(), text);
    assertTrue(text.lines().skip(1).allMatch(l -> l.startsWith("epoch ") && l.contains("train loss")), text);
  }

  @Test
  @DisplayName("on a terminal: iteration i/n, loss so far, examples/s and ETA redrawn in place, then the epoch's line over it")
  void liveLineOnATerminal() {
    String text = run(true, 0);
    // The third iteration of epoch 1: 300 examples in 3 s, one second per iteration left in the
    // epoch, and 5 of the run's 8 iterations left at 1 s each.
    assertTrue(text.contains("\repoch 1/2  iteration 3/4  loss 0.3333  100 examples/s  ETA 0:01, run 0:05"), text);
    // The epoch's last iteration draws nothing: the epoch line follows at once.
    assertFalse(text.contains("iteration 4/4"), text);
    // The epoch line starts at the line's beginning, padded over the longer status line, and ends it.
    String[] lines = text.split("\n");
    assertEquals(3, lines.length, text);
    String epochOne = lines[1].substring(lines[1].lastIndexOf('\r') + 1);
    assertTrue(epochOne.startsWith("epoch   1  train loss 0.5000"), text);
    int statusWidth = lines[1].substring(lines[1].lastIndexOf('\r', lines[1].lastIndexOf('\r') - 1) + 1,
        lines[1].lastIndexOf('\r')).length();
    assertTrue(epochOne.length() >= statusWidth, "the epoch line covers the status line: " + text);
  }

  @Test
  @DisplayName("a resumed run's time left comes from its own pace, not from iterations an earlier process did")
  void resumedRunsPace() {
    ProgressPrinter printer = new ProgressPrinter(out, true, 0, nanos::get);
    printer.started(new EpochPlan(400, 100, 10));
    // Resumed at the start of epoch 9: 32 of the 40 iterations were done before.
    for (int i = 1; i <= 2; i++) {
      nanos.addAndGet(1_000_000_000L);
      printer.iterationFinished(new IterationProgress(9, 10, i, 4, 0.5, 100L * i, i));
    }
    // Two iterations in 2 s, so the 6 left take 6 s.
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\repoch 9/10  iteration 2/4  loss 0.5000  100 examples/s  ETA 0:02, run 0:06"), text);
  }

  @Test
  @DisplayName("on a terminal the status line is redrawn at most once per interval")
  void throttled() {
    String text = run(true, 2_500_000_000L);
    // Iterations end at 1, 2, 3 s (epoch 1) and 5, 6, 7 s (epoch 2); with 2.5 s between redraws,
    // and the first allowed at once, only those at 1 s and 5 s are drawn.
    assertEquals(2, text.chars().filter(c -> c == '\r').count() - 2, text);
  }

  @Test
  @DisplayName("time left reads as m:ss, or h:mm:ss from an hour on")
  void clock() {
    assertEquals("0:00", ProgressPrinter.clock(0.2));
    assertEquals("1:00", ProgressPrinter.clock(59.6));
    assertEquals("1:02:05", ProgressPrinter.clock(3725));
  }
}
