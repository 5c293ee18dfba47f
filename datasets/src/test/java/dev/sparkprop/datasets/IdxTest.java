package dev.sparkprop.datasets;

import static dev.sparkprop.datasets.TestData.assertProblem;
import static dev.sparkprop.datasets.TestData.gzip;
import static dev.sparkprop.datasets.TestData.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class IdxTest {
  /** Where Debian's dataset-fashion-mnist package installs the data; the test is skipped without it. */
  private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /** An IDX file: magic 00 00 type rank, the dims as int32, then the data. */
  private static byte[] idx(int type, int[] dims, byte[] data) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
      for (int dim : dims) {
        out.writeInt(dim);
      }
      out.write(data);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** Three 2×2 images, with pixel values that need the unsigned reading. */
  private static final byte[] IMAGES = idx(0x08, new int[] {3, 2, 2}, bytes(0, 1, 2, 3, 128, 200, 254, 255, 9, 8, 7, 6));
  private static final byte[] LABELS = idx(0x08, new int[] {3}, bytes(5, 0, 9));

  private static DenseDataset read(byte[] images, byte[] labels) {
    return Idx.read(stream(images), "imgs", stream(labels), "lbls");
  }

  private static Idx.Header header(byte[] file) {
    return Idx.readHeader(new DataInputStream(stream(file)), "f.idx");
  }

  @Test
  void readsImagesAsRowMajorPixelsAndRawByteValues() {
    DenseDataset data = read(IMAGES, LABELS);
    assertEquals(3, data.size());
    assertEquals(4, data.featureCount());
    assertArrayEquals(new float[] {0, 1, 2, 3, 128, 200, 254, 255, 9, 8, 7, 6}, data.features());
    assertArrayEquals(new double[] {5, 0, 9}, data.labels());
  }

  @Test
  void imagesMayHaveTwoDimensions() {
    byte[] flat = idx(0x08, new int[] {2, 3}, bytes(1, 2, 3, 4, 5, 6));
    DenseDataset data = read(flat, idx(0x08, new int[] {2}, bytes(1, 0)));
    assertEquals(3, data.featureCount());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, data.features());
  }

  @Test
  void eitherFileMayBeGzipped() {
    DenseDataset plain = read(IMAGES, LABELS);
    DenseDataset zipped = read(gzip(IMAGES), gzip(LABELS));
    DenseDataset mixed = read(gzip(IMAGES), LABELS);
    assertArrayEquals(plain.features(), zipped.features());
    assertArrayEquals(plain.labels(), zipped.labels());
    assertArrayEquals(plain.features(), mixed.features());
  }

  @Test
  void openDecompressesOnlyGzip() throws IOException {
    try (InputStream in = Idx.open(stream(gzip(LABELS)))) {
      assertArrayEquals(LABELS, in.readAllBytes());
    }
    try (InputStream in = Idx.open(stream(LABELS))) {
      assertArrayEquals(LABELS, in.readAllBytes());
    }
  }

  @Test
  void readSliceHandsOverOnlyTheKeptRecordsInFileOrder() {
    List<Long> indices = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Idx.readSlice(stream(gzip(IMAGES)), "imgs", stream(LABELS), "lbls", i -> i != 1, (index, pixels, label) -> {
      indices.add(index);
      images.add(pixels.clone());
      labels.add(label);
    });
    assertEquals(List.of(0L, 2L), indices);
    assertArrayEquals(bytes(0, 1, 2, 3), images.get(0));
    assertArrayEquals(bytes(9, 8, 7, 6), images.get(1));
    assertEquals(List.of(5, 9), labels);
  }

  @Test
  void readSliceValidatesLikeRead() {
    byte[] twoLabels = idx(0x08, new int[] {2}, bytes(1, 2));
    assertProblem("imgs", 0, "3 images, but lbls has 2 labels",
        () -> Idx.readSlice(stream(IMAGES), "imgs", stream(twoLabels), "lbls", i -> false, (i, p, l) -> { }));
  }

  @Test
  void headerGivesCountAndRecordSize() {
    Idx.Header images = header(IMAGES);
    assertEquals(Idx.UNSIGNED_BYTE, images.type());
    assertArrayEquals(new int[] {3, 2, 2}, images.dims());
    assertEquals(3, images.count());
    assertEquals(4, images.recordSize());
    assertEquals(1, header(LABELS).recordSize());
  }

  @Test
  void aWrongMagicNumberIsShownInHex() {
    assertProblem("f.idx", 0, "not an IDX file: it starts with bytes 50 4b 03 04, not 00 00 <type> <dimensions>",
        () -> header(bytes(0x50, 0x4b, 3, 4, 0, 0, 0, 0)));
    assertProblem("f.idx", 0, "not an IDX file: it starts with bytes 1f 8b 08 00, not 00 00 <type> <dimensions>"
        + "; it is gzip data: decompress it first (Idx.open does)", () -> header(bytes(0x1f, 0x8b, 8, 0)));
    assertProblem("f.idx", 0, "unknown IDX element type 0x07 (magic bytes 00 00 07 01)",
        () -> header(idx(0x07, new int[] {1}, bytes(0))));
  }

  @Test
  void dimensionsMustBeSensible() {
    assertProblem("f.idx", 0, "IDX header declares 0 dimensions", () -> header(idx(0x08, new int[0], bytes())));
    assertProblem("f.idx", 0, "dimension 2 is negative (-5)", () -> header(idx(0x08, new int[] {1, -5}, bytes())));
    assertProblem("f.idx", 0, "record of dimensions 65536 × 65536 overflows an int",
        () -> header(idx(0x08, new int[] {1, 65536, 65536}, bytes())));
    assertProblem("f.idx", 0, "file ends inside the IDX header", () -> header(bytes(0, 0, 8, 3, 0, 0)));
  }

  @Test
  void countsMustAgreeAndBothFilesAreNamed() {
    byte[] twoLabels = idx(0x08, new int[] {2}, bytes(1, 2));
    DataFormatException e = assertProblem("imgs", 0, "3 images, but lbls has 2 labels", () -> read(IMAGES, twoLabels));
    assertEquals("imgs: 3 images, but lbls has 2 labels", e.getMessage());
  }

  @Test
  void aTruncatedFileNamesTheRecordWhereItEnds() {
    byte[] shortImages = Arrays.copyOf(IMAGES, IMAGES.length - 3);
    assertProblem("imgs", 3, "ends in record 3 of 3", () -> read(shortImages, LABELS));
    byte[] shortLabels = Arrays.copyOf(LABELS, LABELS.length - 2);
    assertProblem("lbls", 2, "ends in record 2 of 3", () -> read(IMAGES, shortLabels));
    byte[] truncatedGzip = Arrays.copyOf(gzip(IMAGES), gzip(IMAGES).length - 10);
    DataFormatException e = assertThrows(DataFormatException.class, () -> read(truncatedGzip, LABELS));
    assertEquals("imgs", e.source());
    assertTrue(e.line() >= 1 && e.line() <= 3, e.getMessage());
  }

  @Test
  void wrongShapesAndTypesAreRefused() {
    assertProblem("lbls", 0, "labels must have 1 dimension (count), found 3: 3 × 2 × 2 (is it an images file?)",
        () -> read(IMAGES, IMAGES));
    assertProblem("imgs", 0, "images must have 2 or 3 dimensions (count, rows, columns), found 1: 3",
        () -> read(LABELS, LABELS));
    byte[] floats = idx(0x0D, new int[] {3, 1}, new byte[12]);
    assertProblem("imgs", 0, "images must be unsigned bytes (type 0x08), found float32 (type 0x0d)",
        () -> read(floats, LABELS));
    byte[] signedLabels = idx(0x09, new int[] {3}, bytes(1, 2, 3));
    assertProblem("lbls", 0, "labels must be unsigned bytes (type 0x08), found signed byte (type 0x09)",
        () -> read(IMAGES, signedLabels));
    byte[] empty = idx(0x08, new int[] {3, 0, 28}, bytes());
    assertProblem("imgs", 0, "images have no pixels: dimensions 3 × 0 × 28", () -> read(empty, LABELS));
  }

  @Test
  void labelsFileFollowsTheMnistNaming() {
    assertEquals("train-labels-idx1-ubyte.gz", Idx.labelsFileFor("train-images-idx3-ubyte.gz"));
    assertEquals("t10k-labels-idx1-ubyte", Idx.labelsFileFor("t10k-images-idx3-ubyte"));
    assertEquals("data/images-idx3/train-labels-idx1-ubyte", Idx.labelsFileFor("data/images-idx3/train-images-idx3-ubyte"));
    assertEquals("train-labels.idx1-ubyte", Idx.labelsFileFor("train-images.idx3-ubyte"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Idx.labelsFileFor("digits.csv"));
    assertTrue(e.getMessage().contains("images-idx3"), e.getMessage());
  }

  @Test
  void fashionMnistTrainingSet() throws IOException {
    Path images = FASHION_MNIST.resolve("train-images-idx3-ubyte.gz");
    Assumptions.assumeTrue(Files.isReadable(images), "Fashion-MNIST is not installed");
    Path labels = FASHION_MNIST.resolve(Idx.labelsFileFor(images.getFileName().toString()));
    DenseDataset data;
    try (InputStream imageIn = Files.newInputStream(images); InputStream labelIn = Files.newInputStream(labels)) {
      data = Idx.read(imageIn, images.getFileName().toString(), labelIn, labels.getFileName().toString());
    }
    assertEquals(60_000, data.size());
    assertEquals(784, data.featureCount());
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : data.features()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(255f, max);
    int[] perClass = new int[10];
    for (double label : data.labels()) {
      assertTrue(label >= 0 && label <= 9 && label == Math.rint(label), "label " + label);
      perClass[(int) label]++;
    }
    for (int count : perClass) {
      assertEquals(6000, count, "Fashion-MNIST's training set is balanced");
    }
  }
}
