package dev.sparkprop.datasets;

/**
 * Number parsing for the text readers, on a range of a line so that the common case allocates
 * nothing.
 *
 * <p>Integers of up to 9 digits (pixel values, counts, class labels: most of real CSV and LIBSVM
 * data) are converted directly; {@code (float) int} rounds to nearest like
 * {@link Float#parseFloat}, so both paths give the same bits. Anything else goes to the JDK parser
 * on a substring, but only if it ends in a digit or a point: that keeps out Java's own type suffixes
 * ({@code 1f}, {@code 2d}), which no data file means. The spellings {@code nan}, {@code inf},
 * {@code infinity} (any case, optional sign) come back as NaN and infinities so that the caller can
 * name the problem precisely instead of calling them non-numeric.
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
