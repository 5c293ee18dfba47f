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
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CsvFormatTest {
  private static final CsvFormat DEFAULTS = CsvFormat.defaults();

  private static DenseDataset read(String text, CsvFormat format) {
    return CsvFormat.read(stream(text), "data.csv", format);
  }

  @Test
  void defaultsAreLastColumnLabelNoHeaderComma() {
    assertEquals(new CsvFormat(-1, false, ','), DEFAULTS);
    assertEquals(-1, DEFAULTS.labelColumn());
    assertFalse(DEFAULTS.header());
    assertEquals(',', DEFAULTS.delimiter());
  }

  @Test
  void readsExamplesColumnMajorWithTheLabelFromTheLastColumn() {
    DenseDataset data = read("1,2,0\n3,4,1\n5,6,1\n", DEFAULTS);
    assertEquals(3, data.size());
    assertEquals(2, data.featureCount());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, data.features());
    assertArrayEquals(new double[] {0, 1, 1}, data.labels());
  }

  @Test
  void labelColumnCanBeAnyColumnAndTheFeaturesKeepTheirOrder() {
    DenseDataset data = read("7,1,2\n8,3,4\n", new CsvFormat(0, false, ','));
    assertArrayEquals(new float[] {1, 2, 3, 4}, data.features());
    assertArrayEquals(new double[] {7, 8}, data.labels());

    DenseDataset middle = read("1,7,2\n3,8,4\n", new CsvFormat(1, false, ','));
    assertArrayEquals(new float[] {1, 2, 3, 4}, middle.features());
    assertArrayEquals(new double[] {7, 8}, middle.labels());
  }

  @Test
  void aDeclaredHeaderIsSkipped() {
    DenseDataset data = read("x,y,label\n1,2,0\n", new CsvFormat(-1, true, ','));
    assertEquals(1, data.size());
    assertArrayEquals(new float[] {1, 2}, data.features());
  }

  @Test
  void theHeaderFixesTheColumnCount() {
    assertProblem("data.csv", 2, "expected 3 columns, found 2",
        () -> read("x,y,label\n1,0\n", new CsvFormat(-1, true, ',')));
  }

  @Test
  void otherDelimitersAndWhitespaceAroundFields() {
    DenseDataset tabs = read(" 1\t 2 \t0 \n", new CsvFormat(-1, false, '\t'));
    assertArrayEquals(new float[] {1, 2}, tabs.features());
    DenseDataset semicolons = read("1.5 ; -2 ; 1\n", new CsvFormat(-1, false, ';'));
    assertArrayEquals(new float[] {1.5f, -2f}, semicolons.features());
    assertArrayEquals(new double[] {1}, semicolons.labels());
  }

  @Test
  void decimalsExponentsAndSignsParseExactlyAsTheJdkDoes() {
    DenseDataset data = read("-1.5,2e-3,+4,.25,3.,0.1,-0,0.7\n", DEFAULTS);
    assertArrayEquals(new float[] {-1.5f, 2e-3f, 4f, .25f, 3f, 0.1f, -0.0f}, data.features());
    assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(data.features()[6]));
    assertEquals(0.7, data.labels()[0]);
  }

  @Test
  void theIntegerFastPathRoundsLikeFloatParseFloat() {
    SplittableRandom random = new SplittableRandom(1);
    float[] out = new float[1];
    int[] edges = {0, 1, -1, 16_777_216, 16_777_217, 16_777_219, -16_777_217, 999_999_999, -999_999_999};
    for (int trial = 0; trial < 10_000 + edges.length; trial++) {
      long v = trial < edges.length ? edges[trial] : random.nextLong(-999_999_999L, 1_000_000_000L);
      String text = Long.toString(v);
      double label = DEFAULTS.parse(text + "," + text, "x", 2, 2, out, 0);
      assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(out[0]), text);
      assertEquals(Double.parseDouble(text), label, text);
    }
    DEFAULTS.parse("1234567890123,1", "x", 2, 2, out, 0);
    assertEquals(Float.parseFloat("1234567890123"), out[0]);
  }

  @Test
  void plainDecimalsRoundExactlyAsTheJdkDoes() {
    // Shapes on both sides of the fast paths' bounds: up to 18 digits, point anywhere,
    // leading zeros, signs.
    SplittableRandom random = new SplittableRandom(2);
    float[] out = new float[1];
    for (int trial = 0; trial < 50_000; trial++) {
      StringBuilder digits = new StringBuilder();
      int length = 1 + random.nextInt(18);
      for (int i = 0; i < length; i++) {
        digits.append((char) ('0' + random.nextInt(10)));
      }
      int point = random.nextInt(length + 1);
      String text = (random.nextInt(4) == 0 ? "-" : "") + digits.substring(0, point) + "."
          + digits.substring(point);
      double label = DEFAULTS.parse(text + "," + text, "x", 2, 2, out, 0);
      assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(out[0]), text);
      assertEquals(Double.doubleToLongBits(Double.parseDouble(text)), Double.doubleToLongBits(label), text);
    }
  }

  @Test
  void blankLinesAreSkippedButStillCountedInLineNumbers() {
    DenseDataset data = read("\n1,0\n  \n\t\n2,1\n\n", DEFAULTS);
    assertEquals(2, data.size());
    assertProblem("data.csv", 4, "non-numeric value 'x' in column 1", () -> read("1,0\n\n \nx,1\n", DEFAULTS));
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreAccepted() {
    DenseDataset data = read("\uFEFF1,2,0\r\n3,4,1\r\n", DEFAULTS);
    assertArrayEquals(new float[] {1, 2, 3, 4}, data.features());
    assertArrayEquals(new double[] {0, 1}, data.labels());
  }

  @Test
  void gzipIsRecognisedByItsMagicBytesWhateverTheName() {
    byte[] compressed = gzip(utf8("1,2,0\n3,4,1\n"));
    for (String name : new String[] {"data.csv.gz", "data.csv", "part-00000"}) {
      DenseDataset data = CsvFormat.read(stream(compressed), name, DEFAULTS);
      assertArrayEquals(new float[] {1, 2, 3, 4}, data.features(), name);
    }
  }

  @Test
  void aTruncatedGzipFileIsNamed() {
    byte[] compressed = gzip(utf8("1,2,0\n".repeat(2000)));
    byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);
    assertProblem("data.csv.gz", 0, "not a readable gzip file: it is truncated",
        () -> CsvFormat.read(stream(truncated), "data.csv.gz", DEFAULTS));
  }

  @Test
  void aCorruptGzipFileIsNamed() {
    byte[] corrupt = gzip(utf8("1,2,0\n".repeat(2000)));
    for (int i = 20; i < corrupt.length - 8; i += 7) {
      corrupt[i] ^= 0x5a;
    }
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> CsvFormat.read(stream(corrupt), "data.csv.gz", DEFAULTS));
    assertEquals("data.csv.gz", e.source());
    assertTrue(e.problem().startsWith("not a readable gzip file: "), e.getMessage());
  }

  @Test
  void aFileNamedGzThatIsNotGzipIsRejected() {
    assertProblem("data.csv.gz", 0,
        "not a readable gzip file: it does not start with the gzip magic bytes 1f 8b",
        () -> CsvFormat.read(stream("<html>Not Found</html>\n"), "data.csv.gz", DEFAULTS));
  }

  @Test
  void aFileWithoutDataRowsIsAnError() {
    assertProblem("data.csv", 0, "no data rows", () -> read("", DEFAULTS));
    assertProblem("data.csv", 0, "no data rows", () -> read("\n  \n", DEFAULTS));
    assertProblem("data.csv", 0, "no data rows", () -> read("a,b,label\n", new CsvFormat(-1, true, ',')));
  }

  @Test
  void aWrongNumberOfColumnsNamesBothCounts() {
    assertProblem("data.csv", 3, "expected 3 columns, found 2", () -> read("1,2,0\n3,4,1\n5,1\n", DEFAULTS));
    assertProblem("data.csv", 2, "expected 3 columns, found 5", () -> read("1,2,0\n3,4,1,1,1\n", DEFAULTS));
  }

  @Test
  void anEmptyFieldNamesItsColumn() {
    assertProblem("data.csv", 2, "empty value in column 2", () -> read("1,2,0\n3,,1\n", DEFAULTS));
    assertProblem("data.csv", 2, "empty value in column 3", () -> read("1,2,0\n3,4, \n", DEFAULTS));
  }

  @Test
  void aNonNumericFieldIsQuotedWithItsColumn() {
    assertProblem("data.csv", 2, "non-numeric value 'abc' in column 3, the label column, whose labels are numbers"
        + " here; labels are all numbers or all class names",
        () -> read("1,2,0\n3,4,abc\n", DEFAULTS));
    assertProblem("data.csv", 2, "non-numeric value '1.5f' in column 1", () -> read("1,2,0\n1.5f,4,1\n", DEFAULTS));
    assertProblem("data.csv", 2, "non-numeric value '\"3\"' in column 2", () -> read("1,2,0\n1,\"3\",1\n", DEFAULTS));
  }

  @Test
  void aLongBadValueIsShortenedInTheMessage() {
    String garbage = "x".repeat(500);
    assertProblem("data.csv", 2, "non-numeric value '" + "x".repeat(37) + "...' in column 1",
        () -> read("1,0\n" + garbage + ",1\n", DEFAULTS));
  }

  @Test
  void aNonNumericFirstLineWithoutDeclaredHeaderSuggestsTheOption() {
    assertProblem("data.csv", 1,
        "non-numeric value 'sepal_length' in column 1; line 1 looks like a header: pass --header",
        () -> read("sepal_length,species\n1.0,0\n", DEFAULTS));
  }

  @Test
  void nanAndInfinityAreRejectedByName() {
    assertProblem("data.csv", 1, "NaN in column 2", () -> read("1,NaN,0\n", DEFAULTS));
    assertProblem("data.csv", 1, "NaN in column 3", () -> read("1,2,nan\n", DEFAULTS));
    assertProblem("data.csv", 1, "infinite value '-inf' in column 1", () -> read("-inf,2,0\n", DEFAULTS));
    assertProblem("data.csv", 1, "infinite value 'Infinity' in column 2", () -> read("1,Infinity,0\n", DEFAULTS));
    assertProblem("data.csv", 1, "value '1e39' in column 1 is out of range", () -> read("1e39,2,0\n", DEFAULTS));
    assertProblem("data.csv", 1, "value '1e999' in column 3 is out of range", () -> read("1,2,1e999\n", DEFAULTS));
  }

  @Test
  void aSingleColumnIsNotADataset() {
    assertProblem("data.csv", 1, "only 1 column: need a label and at least one feature (is the delimiter ',' right?)",
        () -> read("1;2;0\n", DEFAULTS));
  }

  @Test
  void aLabelColumnBeyondTheDataIsReported() {
    assertProblem("data.csv", 1, "label column 6 does not exist: the data has 3 columns",
        () -> read("1,2,0\n", new CsvFormat(5, false, ',')));
  }

  @Test
  void parseWritesTheFeaturesAtTheOffsetAndReturnsTheLabel() {
    float[] batch = {9, 9, 9, 9, 9};
    double label = new CsvFormat(1, false, ',').parse("1.5,3,2.5", "part-1", 7, 3, batch, 2);
    assertEquals(3.0, label);
    assertArrayEquals(new float[] {9, 9, 1.5f, 2.5f, 9}, batch);
  }

  @Test
  void classNamesReadAsTheIndicesOfTheSortedNames() {
    List<String> names = CsvFormat.sortedNames(List.of("virginica", "setosa", "versicolor", "setosa"));
    assertEquals(List.of("setosa", "versicolor", "virginica"), names);
    CsvFormat named = new CsvFormat(-1, false, ',', names);
    float[] out = new float[2];
    assertEquals(2.0, named.parse("1,2, virginica ", "iris.csv", 3, 3, out, 0));
    assertEquals(0.0, named.parse("1,2,setosa", "iris.csv", 4, 3, out, 0));
    assertProblem("iris.csv", 5, "label 'Setosa' in column 3 is not one of the 3 classes: setosa, versicolor, virginica",
        () -> named.parse("1,2,Setosa", "iris.csv", 5, 3, out, 0));
    assertThrows(IllegalArgumentException.class, () -> new CsvFormat(-1, false, ',', List.of("b", "a")),
        "names out of order would map labels to other indices than the model's");
  }

  @Test
  void labelTextIsTheLabelFieldTrimmedAsParseTrimsIt() {
    assertEquals("setosa", DEFAULTS.labelText("5.1,3.5, setosa\t", "iris.csv", 2, 3));
    assertEquals("b", new CsvFormat(1, false, ';').labelText("1;b;2", "x", 1, 3));
    assertTrue(CsvFormat.isNumber("-2.5e3"));
    assertFalse(CsvFormat.isNumber("setosa"));
  }

  @Test
  void fieldsAreTrimmedAsParseTrimsThemWithoutTheByteOrderMark() {
    assertEquals(List.of("width", "height", "", "class"),
        new CsvFormat(-1, true, ';').fields("\uFEFF width;height\t;;class"));
  }

  @Test
  void parseSkippingLabelReadsTheFeaturesOnly() {
    float[] out = new float[2];
    DEFAULTS.parseSkippingLabel("1,2,a label no model knows", "x", 1, 3, out, 0);
    assertArrayEquals(new float[] {1, 2}, out);
  }

  @Test
  void parseFeaturesReadsEveryColumnAsAFeature() {
    float[] batch = {9, 9, 9, 9, 9};
    new CsvFormat(1, false, ',').parseFeatures("1.5,3,2.5", "part-1", 7, 3, batch, 1);
    assertArrayEquals(new float[] {9, 1.5f, 3, 2.5f, 9}, batch);
    assertProblem("part-1", 8, "expected 3 columns, found 2",
        () -> DEFAULTS.parseFeatures("1,2", "part-1", 8, 3, batch, 0));
    assertProblem("part-1", 9, "non-numeric value 'cat' in column 2",
        () -> DEFAULTS.parseFeatures("1,cat,3", "part-1", 9, 3, batch, 0));
  }

  @Test
  void parseNamesTheSourceAndLineItWasGiven() {
    float[] out = new float[2];
    assertProblem("hdfs-part-3", 41, "expected 3 columns, found 4",
        () -> DEFAULTS.parse("1,2,3,4", "hdfs-part-3", 41, 3, out, 0));
  }

  @Test
  void countColumnsAndIsBlank() {
    assertEquals(3, DEFAULTS.countColumns("1,2,3"));
    assertEquals(1, DEFAULTS.countColumns(""));
    assertEquals(4, DEFAULTS.countColumns(",,,"));
    assertEquals(2, new CsvFormat(-1, false, '\t').countColumns("1,2\t3"));
    assertTrue(CsvFormat.isBlank(""));
    assertTrue(CsvFormat.isBlank(" \t\r"));
    assertFalse(CsvFormat.isBlank(" 1 "));
  }

  @Test
  void optionsThatCannotWorkAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CsvFormat(-2, false, ','));
    assertThrows(IllegalArgumentException.class, () -> new CsvFormat(-1, false, '.'));
    assertThrows(IllegalArgumentException.class, () -> new CsvFormat(-1, false, '-'));
    assertThrows(IllegalArgumentException.class, () -> new CsvFormat(-1, false, '5'));
  }

  @Test
  void survivesJavaSerialization() {
    CsvFormat format = new CsvFormat(2, true, ';');
    assertEquals(format, TestData.roundTrip(format));
  }
}
