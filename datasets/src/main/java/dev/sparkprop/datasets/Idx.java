package dev.sparkprop.datasets;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.LongPredicate;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST: an images file and a labels file side by side.
 *
 * <p>Format (big-endian): a magic number of four bytes {@code 00 00 type dims}, then {@code dims}
 * int32 sizes, then the data, row-major. The type byte is 0x08 unsigned byte, 0x09 signed byte,
 * 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64; only unsigned bytes are read here. An
 * images file has dims {@code (count, rows, cols)} or {@code (count, features)}, a labels file
 * {@code (count)}; a record is one image (rows × cols bytes, kept row-major as the features) or one
 * label byte. Files may be gzip-compressed, recognised by content.
 *
 * <p>Features are the raw pixel values 0..255 as floats; scaling is the trainer's choice. Record
 * numbers in messages are 1-based.
 */
public final class Idx {
  /** The IDX type byte for unsigned bytes, the only element type the readers accept. */
  public static final int UNSIGNED_BYTE = 0x08;

  private Idx() {
  }

  /**
   * An IDX header: the element type byte and the dimension sizes.
   *
   * @param type the type byte of the magic number
   * @param dims the sizes, the first being the record count
   */
  public record Header(int type, int[] dims) {
    public Header {
      if (dims.length == 0) {
        throw new IllegalArgumentException("an IDX header has at least one dimension");
      }
      dims = dims.clone();
      long size = 1;
      for (int dim : dims) {
        if (dim < 0) {
          throw new IllegalArgumentException("negative dimension " + dim);
        }
      }
      for (int i = 1; i < dims.length; i++) {
        size *= dims[i];
        if (size > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("record size overflows an int");
        }
      }
    }

    @Override
    public int[] dims() {
      return dims.clone();
    }

    /** Number of records: the first dimension. */
    public long count() {
      return dims[0];
    }

    /** Elements per record: the product of the dimensions after the first (1 for labels). */
    public int recordSize() {
      int size = 1;
      for (int i = 1; i < dims.length; i++) {
        size *= dims[i];
      }
      return size;
    }

    /** Number of dimensions. */
    public int rank() {
      return dims.length;
    }
  }

  /** Receives the records that a {@link #readSlice} keeps. */
  @FunctionalInterface
  public interface SliceSink {
    /**
     * @param index  0-based record number in the file
     * @param pixels the image; the reader reuses this buffer, so copy what you keep
     * @param label  the label byte, 0..255
     */
    void accept(long index, byte[] pixels, int label);
  }

  /**
   * Reads and validates an IDX header.
   *
   * @throws DataFormatException  on a wrong magic number, an unknown type, no dimensions, a
   *                              negative dimension, a record too large for an int, or a file
   *                              that ends inside the header
   * @throws UncheckedIOException when reading fails
   */
  public static Header readHeader(DataInputStream in, String source) {
    try {
      byte[] magic = new byte[4];
      in.readFully(magic);
      if (magic[0] != 0 || magic[1] != 0) {
        String hint = (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
            ? "; it is gzip data: decompress it first (Idx.open does)" : "";
        throw new DataFormatException(source, 0, "not an IDX file: it starts with bytes "
            + hex(magic) + ", not 00 00 <type> <dimensions>" + hint);
      }
      int type = magic[2] & 0xff;
      if (typeName(type) == null) {
        throw new DataFormatException(source, 0, "unknown IDX element type 0x"
            + hex2(type) + " (magic bytes " + hex(magic) + ")");
      }
      int rank = magic[3] & 0xff;
      if (rank == 0) {
        throw new DataFormatException(source, 0, "IDX header declares 0 dimensions");
      }
      int[] dims = new int[rank];
      long recordSize = 1;
      for (int i = 0; i < rank; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) {
          throw new DataFormatException(source, 0,
              "dimension " + (i + 1) + " is negative (" + dims[i] + ")");
        }
        if (i > 0) {
          recordSize *= dims[i];
          if (recordSize > Integer.MAX_VALUE) {
            throw new DataFormatException(source, 0, "record of dimensions "
                + shape(dims, 1, i + 1) + " overflows an int");
          }
        }
      }
      return new Header(type, dims);
    } catch (EOFException e) {
      throw new DataFormatException(source, 0, "file ends inside the IDX header");
    } catch (ZipException e) {
      throw new DataFormatException(source, 0, "corrupt compressed data: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + source, e);
    }
  }

  /**
   * Returns a buffered stream of the decompressed data when {@code raw} starts with the gzip
   * magic bytes 1f 8b, else {@code raw} buffered.
   *
   * @throws UncheckedIOException when reading the first bytes or the gzip header fails
   */
  public static InputStream open(InputStream raw) {
    try {
      return Inputs.decompressIfGzip(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a whole images/labels pair into memory. Both streams may be gzip-compressed; they are
   * not closed.
   *
   * @throws DataFormatException as {@link #readSlice}, or when the images do not fit in one
   *                             Java array
   */
  public static DenseDataset read(InputStream images, String imagesSource, InputStream labels, String labelsSource) {
    DataInputStream imageData = new DataInputStream(open(images));
    DataInputStream labelData = new DataInputStream(open(labels));
    Header imageHeader = readHeader(imageData, imagesSource);
    Header labelHeader = readHeader(labelData, labelsSource);
    check(imageHeader, imagesSource, labelHeader, labelsSource);
    int n = (int) imageHeader.count();
    int d = imageHeader.recordSize();
    if ((long) n * d > ExampleBuffer.MAX_ARRAY) {
      throw new DataFormatException(imagesSource, 0, n + " images × " + d
          + " pixels do not fit in one in-memory dataset; read slices instead");
    }
    float[] features = new float[n * d];
    double[] targets = new double[n];
    readRecords(imageData, imagesSource, imageHeader, labelData, labelsSource, i -> true,
        (index, pixels, label) -> {
          int base = (int) index * d;
          for (int j = 0; j < d; j++) {
            features[base + j] = pixels[j] & 0xff;
          }
          targets[(int) index] = label;
        });
    return new DenseDataset(d, features, targets);
  }

  /**
   * Streams an images/labels pair and hands the records that {@code keep} accepts to
   * {@code sink}, in file order, so that a Spark partition holds only its share. Every record is
   * still read (a compressed stream cannot seek), and the whole pair is validated as by
   * {@link #read}. Both streams may be gzip-compressed; they are not closed.
   *
   * @throws DataFormatException  when a header is bad, the element type is not unsigned byte, the
   *                              images do not have 2 or 3 dimensions or the labels 1, the counts
   *                              differ, or a file ends early
   * @throws UncheckedIOException when reading fails
   */
  public static void readSlice(InputStream images, String imagesSource, InputStream labels, String labelsSource,
      LongPredicate keep, SliceSink sink) {
    DataInputStream imageData = new DataInputStream(open(images));
    DataInputStream labelData = new DataInputStream(open(labels));
    Header imageHeader = readHeader(imageData, imagesSource);
    Header labelHeader = readHeader(labelData, labelsSource);
    check(imageHeader, imagesSource, labelHeader, labelsSource);
    readRecords(imageData, imagesSource, imageHeader, labelData, labelsSource, keep, sink);
  }

  private static void check(Header images, String imagesSource, Header labels, String labelsSource) {
    if (images.type() != UNSIGNED_BYTE) {
      throw new DataFormatException(imagesSource, 0, "images must be unsigned bytes (type 0x08), found "
          + typeName(images.type()) + " (type 0x" + hex2(images.type()) + ")");
    }
    if (labels.type() != UNSIGNED_BYTE) {
      throw new DataFormatException(labelsSource, 0, "labels must be unsigned bytes (type 0x08), found "
          + typeName(labels.type()) + " (type 0x" + hex2(labels.type()) + ")");
    }
    if (images.rank() != 2 && images.rank() != 3) {
      throw new DataFormatException(imagesSource, 0,
          "images must have 2 or 3 dimensions (count, rows, columns), found " + images.rank()
              + ": " + shape(images.dims, 0, images.rank()));
    }
    if (labels.rank() != 1) {
      throw new DataFormatException(labelsSource, 0, "labels must have 1 dimension (count), found "
          + labels.rank() + ": " + shape(labels.dims, 0, labels.rank())
          + (labels.rank() == 3 ? " (is it an images file?)" : ""));
    }
    if (images.count() != labels.count()) {
      throw new DataFormatException(imagesSource, 0, images.count() + " images, but " + labelsSource
          + " has " + labels.count() + " labels");
    }
    if (images.recordSize() == 0) {
      throw new DataFormatException(imagesSource, 0,
          "images have no pixels: dimensions " + shape(images.dims, 0, images.rank()));
    }
  }

  private static void readRecords(DataInputStream images, String imagesSource, Header header,
      DataInputStream labels, String labelsSource, LongPredicate keep, SliceSink sink) {
    long count = header.count();
    byte[] pixels = new byte[header.recordSize()];
    for (long i = 0; i < count; i++) {
      readRecord(images, pixels, imagesSource, i, count);
      int label = readLabel(labels, labelsSource, i, count);
      if (keep.test(i)) {
        sink.accept(i, pixels, label);
      }
    }
  }

  private static void readRecord(DataInputStream in, byte[] pixels, String source, long index, long count) {
    try {
      in.readFully(pixels);
    } catch (IOException e) {
      throw recordFailure(e, source, index, count);
    }
  }

  private static int readLabel(DataInputStream in, String source, long index, long count) {
    int label;
    try {
      label = in.read();
    } catch (IOException e) {
      throw recordFailure(e, source, index, count);
    }
    if (label < 0) {
      throw truncated(source, index, count);
    }
    return label;
  }

  private static RuntimeException recordFailure(IOException e, String source, long index, long count) {
    if (e instanceof EOFException) {
      return truncated(source, index, count);
    }
    if (e instanceof ZipException) {
      return new DataFormatException(source, index + 1, "corrupt compressed data: " + e.getMessage(), e);
    }
    return new UncheckedIOException("reading " + source, e);
  }

  private static DataFormatException truncated(String source, long index, long count) {
    return new DataFormatException(source, index + 1, "ends in record " + (index + 1) + " of " + count);
  }

  /**
   * The labels file that goes with an images file, by the MNIST naming convention:
   * {@code images-idx3} becomes {@code labels-idx1} (also {@code images.idx3} becomes
   * {@code labels.idx1}, as some mirrors name them). Only the last occurrence is replaced, so
   * directories in a path are left alone.
   *
   * @throws IllegalArgumentException when the name follows neither convention
   */
  public static String labelsFileFor(String imagesFileName) {
    int at = imagesFileName.lastIndexOf("images-idx3");
    String replacement = "labels-idx1";
    if (at < 0) {
      at = imagesFileName.lastIndexOf("images.idx3");
      replacement = "labels.idx1";
    }
    if (at < 0) {
      throw new IllegalArgumentException("cannot tell the labels file of '" + imagesFileName
          + "': its name does not contain 'images-idx3'");
    }
    return imagesFileName.substring(0, at) + replacement + imagesFileName.substring(at + "images-idx3".length());
  }

  private static String typeName(int type) {
    return switch (type) {
      case 0x08 -> "unsigned byte";
      case 0x09 -> "signed byte";
      case 0x0B -> "int16";
      case 0x0C -> "int32";
      case 0x0D -> "float32";
      case 0x0E -> "float64";
      default -> null;
    };
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append(hex2(b & 0xff));
    }
    return s.toString();
  }

  private static String hex2(int value) {
    return String.format("%02x", value);
  }

  private static String shape(int[] dims, int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (i > from) {
        s.append(" × ");
      }
      s.append(dims[i]);
    }
    return s.toString();
  }
}
