package dev.sparkprop.datasets;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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

  /** What a text reader does with the lines of a stream. */
  @FunctionalInterface
  interface LineReader<T> {
    T read(BufferedReader lines) throws IOException;
  }

  /**
   * Reads a UTF-8 text stream, gzip-compressed or not (recognised by its magic bytes), with
   * {@code body}. A source named {@code .gz} must hold gzip data: most often a failed download
   * saved under the archive's name, better reported as such than as a malformed first line.
   * The stream is not closed.
   */
  static <T> T readText(InputStream in, String source, LineReader<T> body) {
    boolean gzip = false;
    try {
      BufferedInputStream buffered = buffered(in);
      gzip = startsWithGzipMagic(buffered);
      if (!gzip && source.toLowerCase(Locale.ROOT).endsWith(".gz")) {
        throw new DataFormatException(source, 0,
            "not a readable gzip file: it does not start with the gzip magic bytes 1f 8b");
      }
      InputStream data = gzip ? new GZIPInputStream(buffered, BUFFER_SIZE) : buffered;
      return body.read(new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8), BUFFER_SIZE));
    } catch (IOException e) {
      if (gzip) {
        throw new DataFormatException(source, 0, gzipProblem(e), e);
      }
      throw new UncheckedIOException("reading " + source, e);
    }
  }

  /** The reason a gzip stream could not be read, worded for a user. */
  static String gzipProblem(IOException e) {
    String reason = e instanceof EOFException ? "it is truncated" : String.valueOf(e.getMessage());
    return "not a readable gzip file: " + reason;
  }
}
