package dev.sparkprop.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Opening of possibly gzip-compressed inputs, recognised by content rather than by name. */
final class Inputs {
  static final int BUFFER_SIZE = 1 << 16;

  private Inputs() {
  }

  static BufferedInputStream buffered(InputStream in) {
    return in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, BUFFER_SIZE);
  }

  /** True when the next two bytes are the gzip magic 1f 8b; consumes nothing. */
  static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    return first == 0x1f && second == 0x8b;
  }

  static InputStream decompressIfGzip(InputStream raw) throws IOException {
    BufferedInputStream in = buffered(raw);
    if (!startsWithGzipMagic(in)) {
      return in;
    }
    return new BufferedInputStream(new GZIPInputStream(in, BUFFER_SIZE), BUFFER_SIZE);
  }

  /** The reason a gzip stream could not be read, worded for a user. */
  static String gzipProblem(IOException e) {
    String reason = e instanceof EOFException ? "it is truncated" : String.valueOf(e.getMessage());
    return "not a readable gzip file: " + reason;
  }
}
