package dev.sparkprop.datasets;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How features are rescaled before training, fitted on the training split only so that nothing
 * about the validation or test examples leaks into the model.
 *
 * <ul>
 *   <li>{@link #NONE}: {@code x' = x}.
 *   <li>{@link #STANDARDIZE}: {@code x' = (x − mean) / std}.
 *   <li>{@link #MINMAX}: {@code x' = (x − min) / (max − min)}, into [0, 1] on the training data.
 * </ul>
 * See {@link FeatureScaler#fit}.
 */
public enum Scaling {
  NONE,
  STANDARDIZE,
  MINMAX;

  /**
   * The scaling named {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException naming the known scalings when there is none such
   */
  public static Scaling parse(String name) {
    for (Scaling scaling : values()) {
      if (scaling.name().equalsIgnoreCase(name.trim())) {
        return scaling;
      }
    }
    throw new IllegalArgumentException("unknown scaling '" + name + "': expected one of "
        + Arrays.stream(values()).map(s -> s.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", ")));
  }
}
