package dev.sparkprop.datasets;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Optional;

/**
 * A mergeable summary of the labels, from which the trainer infers the task and the number of
 * classes: count, minimum, maximum, whether every label is an integer, and the sorted distinct
 * values while there are at most {@value #MAX_DISTINCT} of them (beyond that they stop being
 * tracked, as a regression target would otherwise keep one entry per example).
 *
 * <p>Inference ({@link #inferTask()}): if every label is an integer in 0..999, the labels are class
 * indices and {@code K = max + 1}: BINARY when {@code K = 2}, MULTICLASS when {@code K > 2}, and a
 * {@link DataFormatException} when all labels are one value, since no classifier can be trained
 * on one class. Anything else is REGRESSION.
 *
 * <p>{@link #add} allocates nothing: the distinct values live in a sorted array searched by
 * bisection.
 *
 * <p>Labels may be added with their 0-based position in the source; the positions of the
 * least, the greatest and the first non-integer label are then kept (the earliest one among
 * equals), so that a bad label can be reported at its line or record through a {@link Locator}.
 */
public final class LabelStats implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Distinct values tracked before giving up. */
  public static final int MAX_DISTINCT = 1000;
  /** The largest label still read as a class index. */
  private static final int MAX_CLASS_LABEL = 999;

  /** What the labels ask the network to do. */
  public enum Task {
    BINARY,
    MULTICLASS,
    REGRESSION
  }

  /**
   * Turns a problem with the label at a 0-based position in the source into an exception that
   * names the file and the line or record it sits on; the position is −1 when unknown.
   */
  @FunctionalInterface
  public interface Locator {
    DataFormatException at(long position, String problem);
  }

  private final String source;
  private long count;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private boolean allIntegers = true;
  /** The first non-integer label seen, for messages; NaN while there is none. */
  private double firstNonInteger = Double.NaN;
  /** Positions in the source of min, max and firstNonInteger; −1 when not known. */
  private long minPosition = -1;
  private long maxPosition = -1;
  private long firstNonIntegerPosition = -1;
  /** Sorted; null once more than MAX_DISTINCT values have been seen. */
  private double[] distinct = new double[16];
  private int distinctCount;

  /** @param source the dataset name used in messages */
  public LabelStats(String source) {
    this.source = source;
  }

  /** @throws IllegalArgumentException for a NaN or infinite label, which the readers reject */
  public void add(double label) {
    add(label, -1);
  }

  /**
   * Adds a label found at a 0-based {@code position} in the source (its example index), or −1
   * when the position is not known.
   *
   * @throws IllegalArgumentException for a NaN or infinite label, which the readers reject
   */
  public void add(double label, long position) {
    if (!Double.isFinite(label)) {
      throw new IllegalArgumentException("label " + label + " is not finite");
    }
    if (label == 0) {
      label = 0.0; // -0.0 and 0.0 are one class
    }
    count++;
    if (label < min || (label == min && earlier(position, minPosition))) {
      min = label;
      minPosition = position;
    }
    if (label > max || (label == max && earlier(position, maxPosition))) {
      max = label;
      maxPosition = position;
    }
    if (label != Math.rint(label) && (allIntegers || earlier(position, firstNonIntegerPosition))) {
      allIntegers = false;
      firstNonInteger = label;
      firstNonIntegerPosition = position;
    }
    if (distinct != null) {
      insert(label);
    }
  }

  /** Folds {@code other} into this and returns this; {@code other} is unchanged. */
  public LabelStats merge(LabelStats other) {
    if (other.count == 0) {
      return this;
    }
    count += other.count;
    if (other.min < min || (other.min == min && earlier(other.minPosition, minPosition))) {
      min = other.min;
      minPosition = other.minPosition;
    }
    if (other.max > max || (other.max == max && earlier(other.maxPosition, maxPosition))) {
      max = other.max;
      maxPosition = other.maxPosition;
    }
    if (!other.allIntegers && (allIntegers || earlier(other.firstNonIntegerPosition, firstNonIntegerPosition))) {
      allIntegers = false;
      firstNonInteger = other.firstNonInteger;
      firstNonIntegerPosition = other.firstNonIntegerPosition;
    }
    if (other.distinct == null) {
      distinct = null;
    } else {
      for (int i = 0; i < other.distinctCount && distinct != null; i++) {
        insert(other.distinct[i]);
      }
    }
    return this;
  }

  /** Whether a known position comes before another position, known or not. */
  private static boolean earlier(long position, long than) {
    return position >= 0 && (than < 0 || position < than);
  }

  private void insert(double value) {
    int at = Arrays.binarySearch(distinct, 0, distinctCount, value);
    if (at >= 0) {
      return;
    }
    if (distinctCount == MAX_DISTINCT) {
      distinct = null;
      return;
    }
    int insertion = -at - 1;
    if (distinctCount == distinct.length) {
      distinct = Arrays.copyOf(distinct, Math.min(MAX_DISTINCT, distinct.length * 2));
    }
    System.arraycopy(distinct, insertion, distinct, insertion + 1, distinctCount - insertion);
    distinct[insertion] = value;
    distinctCount++;
  }

  public String source() {
    return source;
  }

  public long count() {
    return count;
  }

  /** The least label; +∞ when there are none. */
  public double min() {
    return min;
  }

  /** The greatest label; −∞ when there are none. */
  public double max() {
    return max;
  }

  public boolean allIntegers() {
    return allIntegers;
  }

  /** The greatest label, with its position, and what is wrong with it. */
  public DataFormatException greatest(String problem, Locator locator) {
    return locator.at(maxPosition, "label " + format(max) + " " + problem);
  }

  /** The first label that is not an integer, with its position, and what is wrong with it. */
  public DataFormatException notAnInteger(String problem, Locator locator) {
    return locator.at(firstNonIntegerPosition, "label " + format(firstNonInteger) + " " + problem);
  }

  /** The sorted distinct labels, or empty when there were more than {@value #MAX_DISTINCT}. */
  public Optional<double[]> distinct() {
    return distinct == null ? Optional.empty() : Optional.of(Arrays.copyOf(distinct, distinctCount));
  }

  /**
   * BINARY, MULTICLASS or REGRESSION, by the rule in the class comment.
   *
   * @throws DataFormatException when there are no labels, or all are one class index
   */
  public Task inferTask() {
    if (count == 0) {
      throw new DataFormatException(source, 0, "no labels");
    }
    if (!looksLikeClassIndices()) {
      return Task.REGRESSION;
    }
    if (min == max) {
      throw new DataFormatException(source, 0, "only one class (label " + format(min) + ") in the data");
    }
    return max + 1 == 2 ? Task.BINARY : Task.MULTICLASS;
  }

  /**
   * {@code K = max + 1} for classification, 0 for regression.
   *
   * @throws DataFormatException as {@link #inferTask()}
   */
  public int classes() {
    return inferTask() == Task.REGRESSION ? 0 : (int) max + 1;
  }

  /** As {@link #checkClassLabels(int, String)}, naming the source given to the constructor. */
  public void checkClassLabels(int k) {
    checkClassLabels(k, source);
  }

  /**
   * Checks that every label is a class index in {@code 0..k-1}, as when the user has set the
   * number of classes.
   *
   * @throws DataFormatException naming an offending label
   */
  public void checkClassLabels(int k, String source) {
    checkClassLabels(k, (position, problem) -> new DataFormatException(source, 0, problem));
  }

  /**
   * As {@link #checkClassLabels(int, String)}, the exception made by {@code locator} so that it
   * can name the line or record of the offending label.
   */
  public void checkClassLabels(int k, Locator locator) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (count == 0) {
      return;
    }
    String range = "0.." + (k - 1);
    if (!allIntegers) {
      throw notAnInteger("is not a class index: expected an integer in " + range, locator);
    }
    if (min < 0) {
      throw locator.at(minPosition, "label " + format(min) + " is not a class index: expected an integer in " + range);
    }
    if (max > k - 1) {
      throw locator.at(maxPosition, "label " + format(max) + " is not a class index: expected an integer in " + range);
    }
  }

  /** Integers as written in a data file ("3", not "3.0"). */
  private static String format(double label) {
    boolean integral = label == Math.rint(label) && Math.abs(label) < 1e15;
    return integral ? Long.toString((long) label) : Double.toString(label);
  }

  private boolean looksLikeClassIndices() {
    return allIntegers && min >= 0 && max <= MAX_CLASS_LABEL;
  }

  @Override
  public String toString() {
    return "LabelStats[" + source + ": " + count + " labels in [" + min + ", " + max + "]"
        + (allIntegers ? ", all integers" : "")
        + (distinct == null ? ", many distinct" : ", " + distinctCount + " distinct") + "]";
  }
}
