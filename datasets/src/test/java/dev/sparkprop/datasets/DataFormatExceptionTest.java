package dev.sparkprop.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DataFormatExceptionTest {

  @Test
  void messageLooksLikeACompilerDiagnostic() {
    var e = new DataFormatException("train.csv", 12, "expected 65 columns, found 64");
    assertEquals("train.csv:12: expected 65 columns, found 64", e.getMessage());
    assertEquals("train.csv", e.source());
    assertEquals(12, e.line());
    assertEquals("expected 65 columns, found 64", e.problem());
  }

  @Test
  void lineZeroMeansTheWholeFile() {
    var e = new DataFormatException("empty.csv", 0, "no data rows");
    assertEquals("empty.csv: no data rows", e.getMessage());
    assertEquals(0, e.line());
  }

  @Test
  void negativeLineIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> new DataFormatException("x", -1, "p"));
  }
}
