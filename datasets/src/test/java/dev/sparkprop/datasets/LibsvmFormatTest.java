package dev.sparkprop.datasets;

import static dev.sparkprop.datasets.TestData.assertProblem;
import static dev.sparkprop.datasets.TestData.gzip;
import static dev.sparkprop.datasets.TestData.stream;
import static dev.sparkprop.datasets.TestData.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LibsvmFormatTest {

  private static LibsvmRow parse(String line) {
    return LibsvmFormat.parse(line, "a.svm", 5);
  }

  private static void assertBadLine(String problem, String line) {
    assertProblem("a.svm", 5, problem, () -> parse(line));
  }

  @Test
  void aRowHasALabelAndZeroBasedAscendingIndices() {
    LibsvmRow row = parse("1 3:0.5 10:2 11:-1e-2");
    assertEquals(1.0, row.label());
    assertArrayEquals(new int[] {2, 9, 10}, row.indices());
    assertArrayEquals(new float[] {0.5f, 2f, -1e-2f}, row.values());
    assertEquals(3, row.nonZeros());
  }

  @Test
  void signedLabelsTabsRepeatedSpacesAndTrailingCommentsAreAccepted() {
    LibsvmRow row = parse("  -1\t2:4   7:1.5 \t# from the a9a set ");
    assertEquals(-1.0, row.label());
    assertArrayEquals(new int[] {1, 6}, row.indices());
    assertArrayEquals(new float[] {4f, 1.5f}, row.values());
    assertEquals(1.0, parse("+1 1:1").label());
    assertEquals(2.5, parse("2.5 1:1#no space before the comment").label());
  }

  @Test
  void aRowMayHaveNoFeatures() {
    LibsvmRow row = parse("3");
    assertEquals(3.0, row.label());
    assertEquals(0, row.nonZeros());
  }

  @Test
  void indicesStartAtOne() {
    assertBadLine("index 0: LIBSVM indices start at 1", "1 0:1 2:1");
    assertBadLine("index -3: LIBSVM indices start at 1", "1 -3:1");
  }

  @Test
  void indicesMustBeStrictlyAscending() {
    assertBadLine("index 5 after index 7: indices must be strictly ascending", "1 2:1 7:1 5:1");
    assertBadLine("index 7 after index 7: indices must be strictly ascending", "1 7:1 7:2");
  }

  @Test
  void malformedPairsAreQuoted() {
    assertBadLine("malformed pair 'abc' (expected index:value)", "1 abc");
    assertBadLine("malformed pair '3:' (expected index:value)", "1 3:");
    assertBadLine("malformed pair ':4' (expected index:value)", "1 :4");
    assertBadLine("malformed pair 'x:4' (expected index:value)", "1 x:4");
    assertBadLine("malformed pair '3.5:4' (expected index:value)", "1 3.5:4");
    assertBadLine("malformed pair 'qid:2' (expected index:value)", "1 qid:2 1:1");
    assertBadLine("index 99999999999 too large (at most 2147483647)", "1 99999999999:1");
  }

  @Test
  void labelsAndValuesMustBeFiniteNumbers() {
    assertBadLine("non-numeric value in pair '3:abc'", "1 3:abc");
    assertBadLine("non-numeric label 'spam'", "spam 1:1");
    assertBadLine("no label: the line starts with the pair '1:0.5'", "1:0.5 2:1");
    assertBadLine("no label", "   # only a comment");
    assertBadLine("NaN in pair '3:nan'", "1 3:nan");
    assertBadLine("infinite value 'inf' in pair '3:inf'", "1 3:inf");
    assertBadLine("value '1e40' in pair '3:1e40' is out of range", "1 3:1e40");
    assertBadLine("NaN as label", "NaN 1:1");
    assertBadLine("infinite value '-Infinity' as label", "-Infinity 1:1");
  }

  @Test
  void densifyZeroFillsAndScatters() {
    float[] out = {7, 7, 7, 7, 7, 7, 7};
    LibsvmFormat.densify(parse("1 2:4 4:5"), 4, "a.svm", 5, out, 2);
    assertArrayEquals(new float[] {7, 7, 0, 4, 0, 5, 7}, out);
  }

  @Test
  void densifyRejectsAnIndexBeyondTheFeatures() {
    LibsvmRow row = parse("1 3:1 1025:1");
    assertProblem("a.svm", 5, "index 1025 beyond the 1024 features",
        () -> LibsvmFormat.densify(row, 1024, "a.svm", 5, new float[1024], 0));
  }

  @Test
  void anInstanceParsesStraightIntoADenseBatch() {
    LibsvmFormat format = new LibsvmFormat(5);
    float[] batch = new float[10];
    Arrays.fill(batch, 9);
    double label = format.parse("0 1:1 5:2.5", "a.svm", 5, batch, 5);
    assertEquals(0.0, label);
    assertArrayEquals(new float[] {9, 9, 9, 9, 9, 1, 0, 0, 0, 2.5f}, batch);
    assertProblem("a.svm", 5, "index 6 beyond the 5 features",
        () -> format.parse("0 6:1", "a.svm", 5, batch, 0));
    assertEquals(format, TestData.roundTrip(format));
  }

  @Test
  void readWithAKnownFeatureCount() {
    DenseDataset data = LibsvmFormat.read(stream("1 1:0.5 3:2\n\n# a comment line\n0 2:1\n"), "a.svm", 4);
    assertEquals(2, data.size());
    assertEquals(4, data.featureCount());
    assertArrayEquals(new float[] {0.5f, 0, 2, 0, 0, 1, 0, 0}, data.features());
    assertArrayEquals(new double[] {1, 0}, data.labels());
  }

  @Test
  void readInfersTheFeatureCountFromTheLargestIndex() {
    DenseDataset data = LibsvmFormat.read(stream("1 2:1\n0\n1 1:3 5:4\n"), "a.svm", 0);
    assertEquals(5, data.featureCount());
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4}, data.features());
    assertArrayEquals(new double[] {1, 0, 1}, data.labels());
  }

  @Test
  void readReportsTheLineOfAnIndexBeyondTheDeclaredFeatures() {
    assertProblem("a.svm", 3, "index 9 beyond the 8 features",
        () -> LibsvmFormat.read(stream("1 1:1\n\n0 9:1\n"), "a.svm", 8));
  }

  @Test
  void readReportsTheLineOfABadRow() {
    assertProblem("a.svm", 2, "index 0: LIBSVM indices start at 1",
        () -> LibsvmFormat.read(stream("1 1:1\n0 0:1\n"), "a.svm", -1));
  }

  @Test
  void readsGzip() {
    byte[] compressed = gzip(utf8("1 1:0.5 3:2\n0 2:1\n"));
    DenseDataset data = LibsvmFormat.read(stream(compressed), "a.svm.gz", 0);
    assertArrayEquals(new float[] {0.5f, 0, 2, 0, 1, 0}, data.features());
    byte[] truncated = Arrays.copyOf(compressed, compressed.length - 12);
    assertProblem("a.svm.gz", 0, "not a readable gzip file: it is truncated",
        () -> LibsvmFormat.read(stream(truncated), "a.svm.gz", 0));
  }

  @Test
  void emptyInputsAreErrors() {
    assertProblem("a.svm", 0, "no data rows", () -> LibsvmFormat.read(stream("\n# nothing\n"), "a.svm", 0));
    assertProblem("a.svm", 0, "no data rows", () -> LibsvmFormat.read(stream(""), "a.svm", 3));
    assertProblem("a.svm", 0, "no feature in any row, so the feature count cannot be inferred",
        () -> LibsvmFormat.read(stream("1\n0\n"), "a.svm", 0));
  }

  @Test
  void blankMeansWhitespaceOrOnlyAComment() {
    assertTrue(LibsvmFormat.isBlank(""));
    assertTrue(LibsvmFormat.isBlank("  \t"));
    assertTrue(LibsvmFormat.isBlank("  # header comment"));
    assertFalse(LibsvmFormat.isBlank("1 # x"));
  }

  @Test
  void aRowsArraysMustMatch() {
    assertThrows(IllegalArgumentException.class, () -> new LibsvmRow(1, new int[2], new float[1]));
    assertThrows(IllegalArgumentException.class, () -> new LibsvmFormat(0));
  }
}
