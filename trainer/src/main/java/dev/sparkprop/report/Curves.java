package dev.sparkprop.report;

import dev.sparkprop.io.RunHistory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves drawn from a run's history with JFreeChart: one quantity against the epoch,
 * the training set and the validation set on the same axes, so that the gap between them, the
 * sign of overfitting, is what the eye sees first. Drawn off-screen; needs no display.
 */
public final class Curves {

  /** The picture's size in pixels: wide enough for 200 epochs, small enough for a README. */
  public static final int WIDTH = 800;
  public static final int HEIGHT = 480;

  private static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
  private static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);

  private Curves() {}

  /** Which quantity a chart shows, and where each series finds it in a history entry. */
  public record Quantity(String title, String axis, Function<RunHistory.Entry, Double> train,
      Function<RunHistory.Entry, Double> validation) {

    /**
     * Loss: the training set's loss under the epoch's final parameters when the history has it,
     * else the running mean over the epoch's batches, which the legend then says.
     */
    public static Quantity loss(String lossName, List<RunHistory.Entry> history) {
      boolean measured = history.stream().anyMatch(e -> e.train().containsKey("loss"));
      return new Quantity("Loss (" + lossName + ")", "loss",
          measured ? e -> e.train().get("loss") : RunHistory.Entry::trainLoss,
          e -> e.validation().get("loss"));
    }

    /** A metric of both sets, by its name in {@link dev.sparkprop.train.Evaluation#metrics()}. */
    public static Quantity metric(String name, String title, String axis) {
      return new Quantity(title, axis, e -> e.train().get(name), e -> e.validation().get(name));
    }
  }

  /** True when some epoch of the history has a finite value of the quantity for either set. */
  public static boolean present(Quantity q, List<RunHistory.Entry> history) {
    return history.stream().anyMatch(e -> finite(q.train().apply(e)) || finite(q.validation().apply(e)));
  }

  /** The chart as a PNG file's bytes. */
  public static byte[] png(Quantity q, List<RunHistory.Entry> history, String subtitle) {
    JFreeChart chart = chart(q, history, subtitle);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static JFreeChart chart(Quantity q, List<RunHistory.Entry> history, String subtitle) {
    XYSeries train = series(trainLabel(q, history), history, q.train());
    XYSeries validation = series("validation", history, q.validation());
    XYSeriesCollection data = new XYSeriesCollection();
    if (!train.isEmpty()) {
      data.addSeries(train);
    }
    if (!validation.isEmpty()) {
      data.addSeries(validation);
    }

    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epochs.setAutoRangeIncludesZero(false);
    NumberAxis values = new NumberAxis(q.axis());
    values.setAutoRangeIncludesZero(false);

    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, history.size() <= 60);
    int s = 0;
    if (!train.isEmpty()) {
      style(lines, s++, TRAIN);
    }
    if (!validation.isEmpty()) {
      style(lines, s, VALIDATION);
    }
    XYPlot plot = new XYPlot(data, epochs, values, lines);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
    plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
    plot.setOutlineVisible(false);

    JFreeChart chart = new JFreeChart(q.title(), new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (subtitle != null && !subtitle.isEmpty()) {
      chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    }
    return chart;
  }

  private static String trainLabel(Quantity q, List<RunHistory.Entry> history) {
    boolean running = !history.isEmpty() && history.stream().noneMatch(e -> e.train().containsKey("loss"))
        && q.axis().equals("loss");
    return running ? "train (mean over the epoch's batches)" : "train";
  }

  private static XYSeries series(String name, List<RunHistory.Entry> history, Function<RunHistory.Entry, Double> value) {
    XYSeries series = new XYSeries(name, true, false);
    for (RunHistory.Entry e : history) {
      Double v = value.apply(e);
      if (finite(v)) {
        series.add(e.epoch(), v);
      }
    }
    return series;
  }

  private static void style(XYLineAndShapeRenderer r, int series, Color color) {
    r.setSeriesPaint(series, color);
    r.setSeriesStroke(series, new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    r.setSeriesShape(series, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
  }

  private static boolean finite(Double v) {
    return v != null && Double.isFinite(v);
  }
}
