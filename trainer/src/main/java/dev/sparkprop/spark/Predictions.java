package dev.sparkprop.spark;

import dev.sparkprop.datasets.DataFormatException;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Network;
import dev.sparkprop.train.Shard;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/** A model's outputs for every example of a source, in the source's order. */
public final class Predictions {

  private Predictions() {}

  /**
   * The outputs (class probabilities or the regression value) of every example, outputs × n
   * column-major in source order. The rows of a CSV source need no label column: a row of as
   * many columns as the model has inputs is all features.
   */
  public static double[] compute(JavaSparkContext sc, DataSource source, int partitions,
      Architecture architecture, double[] params, FeatureScaler scaler) {
    sc.setJobDescription("sparkprop predict");
    Broadcast<double[]> broadcast = sc.broadcast(params);
    try {
      int d = architecture.inputs();
      JavaRDD<Shard> read = SourceReader.readToScore(sc, source, partitions, d);
      List<Tuple2<long[], double[]>> parts = SourceReader.firstErrorFirst(read, () -> read.map(raw -> {
        if (raw.features() != d) {
          // A CSV row of d columns would have been read as unlabeled, so this one has a label.
          throw new DataFormatException(source.describe(), 0, source instanceof DataSource.CsvFile
              ? "has " + (raw.features() + 1) + " columns; the model takes " + d + " features, so a row holds "
                  + d + " columns, or " + (d + 1) + " with a label"
              : "has " + raw.features() + " features; the model expects " + d);
        }
        float[] x = raw.x().clone();
        for (int i = 0; i < raw.size(); i++) {
          scaler.apply(x, i * d, d);
        }
        Shard scaled = new Shard(d, x, raw.y(), raw.index());
        return new Tuple2<>(raw.index(), scaled.predict(new Network(architecture), broadcast.value()));
      }).collect());
      long n = 0;
      for (Tuple2<long[], double[]> p : parts) {
        n += p._1().length;
      }
      int outputs = architecture.outputs();
      double[] all = new double[Math.toIntExact(n * outputs)];
      for (Tuple2<long[], double[]> p : parts) {
        long[] index = p._1();
        for (int i = 0; i < index.length; i++) {
          System.arraycopy(p._2(), i * outputs, all, (int) index[i] * outputs, outputs);
        }
      }
      return all;
    } finally {
      broadcast.destroy();
      sc.setJobDescription(null);
    }
  }
}
