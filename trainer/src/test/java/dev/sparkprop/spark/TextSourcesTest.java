package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.train.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV and LIBSVM read through Spark as users keep them: often a directory of part files, as
 * Spark itself writes them, each with its own header. Lines are counted, and messages name
 * places, within each file.
 */
class TextSourcesTest {

  private static final JavaSparkContext SC = SparkTests.context();

  @TempDir
  Path dir;

  private static PreparedData read(DataSource source) {
    return PreparedData.prepare(SC, source, null, new PreparedData.Options(2, 1, 0.0, 0.0, Scaling.NONE, null));
  }

  /** The data error reading {@code source} raises, on the driver or from inside a task. */
  private static DataFormatException dataError(DataSource source) {
    Exception e = assertThrows(Exception.class, () -> read(source));
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataFormatException d) {
        return d;
      }
    }
    throw new AssertionError("no data error in the causes", e);
  }

  private Path parts(String... files) throws IOException {
    Path parts = Files.createDirectory(dir.resolve("parts"));
    for (int i = 0; i < files.length; i++) {
      Files.writeString(parts.resolve("part-0000" + i + ".csv"), files[i]);
    }
    Files.writeString(parts.resolve("_SUCCESS"), "");
    return parts;
  }

  @Test
  @DisplayName("with --header, every part file's header is dropped, whichever line it is on")
  void aHeaderInEveryPartFile() throws IOException {
    Path parts = parts("a,b,y\n1,2,0\n3,4,1\n", "\n\na,b,y\n5,6,0\n7,8,1\n9,1,0\n");
    PreparedData data = read(new DataSource.CsvFile(parts.toString(), -1, true));
    assertEquals(5, data.count(dev.sparkprop.datasets.Split.Role.TRAIN));
    data.release();
  }

  @Test
  @DisplayName("a bad row in a directory is reported with its own file and its line in that file")
  void problemsNameTheFileAndItsLine() throws IOException {
    Path parts = parts("1,2,0\n3,4,1\n5,6,0\n", "7,8,1\n\n9,1,0,4\n");
    DataFormatException e = dataError(new DataSource.CsvFile(parts.toString(), -1, false));
    assertEquals(parts + "/part-00001.csv:3: expected 3 columns, found 4", e.getMessage());
  }

  @Test
  @DisplayName("with bad rows in several partitions, the first one is reported, however the tasks were scheduled")
  void theFirstBadRowIsReported() {
    // Partition 0 holds the earlier bad row but takes its time; partition 1 fails at once, and
    // without the second look its failure would be the one reported.
    JavaRDD<Shard> read = SC.parallelize(List.of(0, 1), 2).map(p -> {
      if (p == 0) {
        Thread.sleep(1000);
        throw new DataFormatException("parts/part-00000.csv", 7, "the earlier bad row");
      }
      throw new DataFormatException("parts/part-00001.csv", 2, "a later bad row");
    });
    Exception e = assertThrows(Exception.class, () -> SourceReader.firstErrorFirst(read, read::count));
    assertEquals("parts/part-00000.csv:7: the earlier bad row", e.getMessage());
    // A failure that is not the reading's stands as it was.
    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> SourceReader.firstErrorFirst(read, () -> { throw new IllegalStateException("not a data error"); }));
    assertEquals("not a data error", other.getMessage());
  }

  @Test
  @DisplayName("a header after a blank first line is still the header")
  void aHeaderAfterBlankLines() throws IOException {
    Path file = dir.resolve("blank-first.csv");
    Files.writeString(file, "\na,b,y\n1,2,0\n3,4,1\n");
    PreparedData data = read(new DataSource.CsvFile(file.toString(), -1, true));
    assertEquals(2, data.count(dev.sparkprop.datasets.Split.Role.TRAIN));
    data.release();
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "a,b,y\n\n1,2,0\n3,x,1\n");
    DataFormatException e = dataError(new DataSource.CsvFile(bad.toString(), -1, true));
    assertEquals(bad + ":4: non-numeric value 'x' in column 2", e.getMessage());
  }

  @Test
  @DisplayName("fields separated by semicolons or tabs read as the same fields separated by commas")
  void otherDelimiters() throws IOException {
    String rows = "1.5,2,0\n3,-4e-1,1\n5,6,2\n";
    Path commas = Files.writeString(dir.resolve("commas.csv"), rows);
    Path semicolons = Files.writeString(dir.resolve("semicolons.csv"), rows.replace(',', ';'));
    Path tabs = Files.writeString(dir.resolve("tabs.tsv"), rows.replace(',', '\t'));
    Shard expected = SourceReader.read(SC, new DataSource.CsvFile(commas.toString(), -1, false), 1).first();
    for (DataSource other : new DataSource[] {new DataSource.CsvFile(semicolons.toString(), -1, false, ';'),
        new DataSource.CsvFile(tabs.toString(), -1, false, '\t')}) {
      Shard read = SourceReader.read(SC, other, 1).first();
      assertArrayEquals(expected.x(), read.x(), other.describe());
      assertArrayEquals(expected.y(), read.y(), other.describe());
    }
    DataFormatException e = dataError(new DataSource.CsvFile(semicolons.toString(), -1, false));
    assertEquals(semicolons + ":1: found 1 column; a CSV row needs features and a label (is the delimiter ',' right?)",
        e.getMessage());
  }

  @Test
  @DisplayName("a label column of words names the classes: sorted, over every part file, each label its name's index")
  void classNamesAcrossPartFiles() throws IOException {
    Path parts = parts("a,b,animal\n1,2,dog\n3,4,cat\n", "a,b,animal\n5,6,ewe\n7,8,dog\n");
    DataSource.CsvFile csv = new DataSource.CsvFile(parts.toString(), -1, true);
    List<String> names = SourceReader.classNames(SC, csv, 2);
    assertEquals(List.of("cat", "dog", "ewe"), names);
    double[] labels = SourceReader.read(SC, csv.withClassNames(names), 1).first().y();
    assertArrayEquals(new double[] {1, 0, 2, 1}, labels);

    Path numbers = Files.writeString(dir.resolve("numbers.csv"), "1,2,0\n3,4,dog\n");
    assertNull(SourceReader.classNames(SC, new DataSource.CsvFile(numbers.toString(), -1, false), 2),
        "a number in the first row: numbers, so that 'dog' is reported as the stray word it is");
    DataFormatException e = dataError(new DataSource.CsvFile(numbers.toString(), -1, false));
    assertTrue(e.getMessage().startsWith(numbers + ":2: non-numeric value 'dog' in column 3, the label column"),
        e.getMessage());
  }

  @Test
  @DisplayName("a directory inside a data directory is named, not left to Hadoop's stack trace")
  void aSubdirectoryIsRefused() throws IOException {
    Path parts = parts("1,2,0\n3,4,1\n");
    Files.createDirectory(parts.resolve("more"));
    DataFormatException e = dataError(new DataSource.CsvFile(parts.toString(), -1, false));
    assertEquals(parts + ": holds the directory more; a data directory must hold only data files", e.getMessage());
  }
}
