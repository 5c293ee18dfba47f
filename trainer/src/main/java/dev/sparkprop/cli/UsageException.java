package dev.sparkprop.cli;

/** The command line asked for something impossible; exit status 2, like a parse error. */
final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
