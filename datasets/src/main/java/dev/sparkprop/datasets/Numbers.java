package dev.sparkprop.datasets;

/**
 * Number parsing for the text readers, on a range of a line so that the common case allocates
 * nothing.
 *
 * <p>Fast paths, each giving the same bits as {@link Float#parseFloat} / {@link Double#parseDouble}:
 * <ul>
 *   <li>Integers of up to 9 digits (pixel values, counts, class labels) are converted directly:
 *       the integer is exact and the conversion to float rounds to nearest, as the JDK does.
 *   <li>Plain decimals {@code [sign] digits [. digits]} whose digits, read as an integer
 *       {@code m}, satisfy {@code m <= 2^24} (float) or {@code m <= 2^53} (double), with
 *       {@code k <= 10} (float) or {@code k <= 22} (double) digits after the point, are computed
 *       as {@code m / 10^k}. Both operands are then exact, and one IEEE division rounds correctly
 *       (Clinger's fast path), so the result is the correctly rounded value. This covers typical
 *       data such as {@code 0.3125} or {@code -12.75}, at several times the JDK parser's speed.
 * </ul>
 * Anything else goes to the JDK parser on a substring, but only if it ends in a digit or a point:
 * that keeps out Java's own type suffixes ({@code 1f}, {@code 2d}), which no data file means.
 *
 * <p>The spellings {@code nan}, {@code inf}, {@code infinity} (any case, optional sign) come back
 * as NaN and infinities so that the caller can name the problem precisely instead of calling them
 * non-numeric.
 */
final class Numbers {
  private static final int MAX_QUOTED = 40;

  private Numbers() {
  }

  /** @throws NumberFormatException when the text is not a number */
  static float parseFloat(String s, int from, int to) {
    long small = smallInteger(s, from, to);
    if (small != NOT_SMALL) {
      return small == NEGATIVE_ZERO ? -0.0f : (float) small;
    }
    float fast = plainDecimalFloat(s, from, to);
    if (!Float.isNaN(fast)) {
      return fast;
    }
    if (endsLikeADecimal(s, to)) {
      return Float.parseFloat(s.substring(from, to));
    }
    return (float) special(s, from, to);
  }

  /** @throws NumberFormatException when the text is not a number */
  static double parseDouble(String s, int from, int to) {
    long small = smallInteger(s, from, to);
    if (small != NOT_SMALL) {
      return small == NEGATIVE_ZERO ? -0.0 : (double) small;
    }
    double fast = plainDecimalDouble(s, from, to);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    if (endsLikeADecimal(s, to)) {
      return Double.parseDouble(s.substring(from, to));
    }
    return special(s, from, to);
  }

  /** A finite value that came back infinite was written in range only as text: say so. */
  static String nonFiniteProblem(double value, String s, int from, int to, String where) {
    if (Double.isNaN(value)) {
      return "NaN " + where;
    }
    if (endsLikeADecimal(s, to)) {
      return "value " + quote(s.substring(from, to)) + " " + where + " is out of range";
    }
    return "infinite value " + quote(s.substring(from, to)) + " " + where;
  }

  /** Quotes a bad value for a message, shortened so a binary file does not flood the terminal. */
  static String quote(String s) {
    if (s.length() > MAX_QUOTED) {
      s = s.substring(0, MAX_QUOTED - 3) + "...";
    }
    return "'" + s + "'";
  }

  static boolean isWhitespace(char c) {
    return c <= ' ' || c == '\uFEFF';
  }

  private static final long NOT_SMALL = Long.MIN_VALUE;
  private static final long NEGATIVE_ZERO = Long.MIN_VALUE + 1;

  private static long smallInteger(String s, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to) {
      char sign = s.charAt(i);
      if (sign == '-' || sign == '+') {
        negative = sign == '-';
        i++;
      }
    }
    if (i == to || to - i > 9) {
      return NOT_SMALL;
    }
    long v = 0;
    for (; i < to; i++) {
      int digit = s.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return NOT_SMALL;
      }
      v = v * 10 + digit;
    }
    if (negative) {
      return v == 0 ? NEGATIVE_ZERO : -v;
    }
    return v;
  }

  private static final float[] FLOAT_POWERS_OF_TEN = {
    1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f,
  };
  private static final double[] DOUBLE_POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  };

  /** The value of a plain decimal within the float fast path's bounds, else NaN. */
  private static float plainDecimalFloat(String s, int from, int to) {
    long packed = plainDecimal(s, from, to, 1L << 24, FLOAT_POWERS_OF_TEN.length - 1);
    if (packed < 0) {
      return Float.NaN;
    }
    float value = (float) (packed & MANTISSA_MASK) / FLOAT_POWERS_OF_TEN[fractionDigits(packed)];
    return (packed & NEGATIVE_BIT) != 0 ? -value : value;
  }

  /** The value of a plain decimal within the double fast path's bounds, else NaN. */
  private static double plainDecimalDouble(String s, int from, int to) {
    long packed = plainDecimal(s, from, to, 1L << 53, DOUBLE_POWERS_OF_TEN.length - 1);
    if (packed < 0) {
      return Double.NaN;
    }
    double value = (double) (packed & MANTISSA_MASK) / DOUBLE_POWERS_OF_TEN[fractionDigits(packed)];
    return (packed & NEGATIVE_BIT) != 0 ? -value : value;
  }

  // A plain decimal's parts packed in one long so that scanning allocates nothing and keeps no
  // shared state (tasks parse on many threads): the digits as an integer in bits 0..53, the
  // number of digits after the point in bits 54..58, the sign in bit 59.
  private static final long MANTISSA_MASK = (1L << 54) - 1;
  private static final int FRACTION_SHIFT = 54;
  private static final long NEGATIVE_BIT = 1L << 59;

  private static int fractionDigits(long packed) {
    return (int) (packed >>> FRACTION_SHIFT) & 0x1f;
  }

  /**
   * Scans {@code [sign] digits [. digits]} (at least one digit); returns its packed parts, or -1
   * when the text has another form, its digits exceed {@code maxMantissa} or it has more than
   * {@code maxFractionDigits} digits after the point.
   */
  private static long plainDecimal(String s, int from, int to, long maxMantissa, int maxFractionDigits) {
    int i = from;
    boolean negative = false;
    char first = s.charAt(i);
    if (first == '-' || first == '+') {
      negative = first == '-';
      i++;
    }
    long mantissa = 0;
    int fractionDigits = 0;
    boolean point = false;
    boolean anyDigit = false;
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        mantissa = mantissa * 10 + (c - '0');
        if (mantissa > maxMantissa) {
          return -1;
        }
        anyDigit = true;
        if (point) {
          fractionDigits++;
        }
      } else if (c == '.' && !point) {
        point = true;
      } else {
        return -1;
      }
    }
    if (!anyDigit || fractionDigits > maxFractionDigits) {
      return -1;
    }
    return mantissa | ((long) fractionDigits << FRACTION_SHIFT) | (negative ? NEGATIVE_BIT : 0);
  }

  private static boolean endsLikeADecimal(String s, int to) {
    char last = s.charAt(to - 1);
    return (last >= '0' && last <= '9') || last == '.';
  }

  private static double special(String s, int from, int to) {
    int i = from;
    double sign = 1;
    char first = s.charAt(i);
    if (first == '-' || first == '+') {
      sign = first == '-' ? -1 : 1;
      i++;
    }
    int length = to - i;
    if (length == 3 && s.regionMatches(true, i, "nan", 0, 3)) {
      return Double.NaN;
    }
    if ((length == 3 && s.regionMatches(true, i, "inf", 0, 3))
        || (length == 8 && s.regionMatches(true, i, "infinity", 0, 8))) {
      return sign * Double.POSITIVE_INFINITY;
    }
    throw new NumberFormatException(s.substring(from, to));
  }
}
