package dev.sparkprop.train;

/** The loss or the gradient stopped being a finite number. */
public final class TrainingDivergedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
