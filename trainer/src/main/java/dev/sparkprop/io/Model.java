package dev.sparkprop.io;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Architecture;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained network and everything needed to use it on raw data: the architecture, the flat
 * parameter vector, the feature scaling fitted on the training data, the number of classes,
 * and, for the record, how it was trained and how well it did.
 *
 * @param classes K for classification; 0 for regression
 * @param training the run's settings (data, optimizer, batch size, epochs, seed …), by name
 * @param metrics final metrics by name (e.g. {@code test.accuracy})
 * @param targetScaling how regression targets were rescaled for training; NONE for classification
 * @param targetScaler that rescaling, one column: the network predicts rescaled targets, and
 *     {@link #targetValue} maps its output back to the target's units
 * @param classNames the classes' names, class k's at index k, when the training data named
 *     them (a CSV label column of words); null when its labels were class indices
 */
public record Model(Architecture architecture, double[] parameters, Scaling scaling, FeatureScaler scaler,
    int classes, Map<String, Object> training, Map<String, Double> metrics, Scaling targetScaling,
    FeatureScaler targetScaler, List<String> classNames) implements Serializable {

  // Spark ML models are Serializable (their Params are), and the pipeline's models hold one of these.
  private static final long serialVersionUID = 1L;

  /** A model whose targets were used as they are. */
  public Model(Architecture architecture, double[] parameters, Scaling scaling, FeatureScaler scaler,
      int classes, Map<String, Object> training, Map<String, Double> metrics) {
    this(architecture, parameters, scaling, scaler, classes, training, metrics, Scaling.NONE, FeatureScaler.identity(1));
  }

  /** A model whose classes, if any, are known by their indices only. */
  public Model(Architecture architecture, double[] parameters, Scaling scaling, FeatureScaler scaler,
      int classes, Map<String, Object> training, Map<String, Double> metrics, Scaling targetScaling,
      FeatureScaler targetScaler) {
    this(architecture, parameters, scaling, scaler, classes, training, metrics, targetScaling, targetScaler, null);
  }

  /** This model with its classes named, class k {@code names.get(k)}. */
  public Model withClassNames(List<String> names) {
    return new Model(architecture, parameters, scaling, scaler, classes, training, metrics, targetScaling,
        targetScaler, names);
  }

  /** What a prediction of class {@code k} is called: its name, or the index itself. */
  public String className(int k) {
    return classNames == null ? Integer.toString(k) : classNames.get(k);
  }

  public Model {
    if (targetScaler.featureCount() != 1) {
      throw new IllegalArgumentException("the target scaler has one column, not " + targetScaler.featureCount());
    }
    if (targetScaling != Scaling.NONE && architecture.loss().isClassification()) {
      throw new IllegalArgumentException("class labels are not rescaled, but the target scaling is " + targetScaling);
    }
    if (parameters.length != architecture.layout().size()) {
      throw new IllegalArgumentException("the architecture " + architecture.shape() + " has "
          + architecture.layout().size() + " parameters, not " + parameters.length);
    }
    if (scaler.shift().length != architecture.inputs()) {
      throw new IllegalArgumentException("feature scaling covers " + scaler.shift().length
          + " features, the network takes " + architecture.inputs());
    }
    if (classNames != null) {
      if (classNames.size() != classes) {
        throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
      }
      if (new HashSet<>(classNames).size() != classes) {
        throw new IllegalArgumentException("class names must differ: " + classNames);
      }
      classNames = List.copyOf(classNames);
    }
    // Insertion order is kept: it is the order the model file lists them in.
    training = Collections.unmodifiableMap(new LinkedHashMap<>(training));
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A regression output of the network in the target's own units. */
  public double targetValue(double output) {
    return targetScaler.invert(0, output);
  }
}
