package dev.sparkprop.spark;

import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Network;
import dev.sparkprop.train.Shard;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/** A model's outputs for every example of a source, in the source's order. */
public final class Predictions {

  private Predictions() {}

  /**
   * The outputs (class probabilities or the regression value) of every example, outputs × n
   * column-major in source order.
   */
  public static double[] compute(JavaSparkContext sc, DataSource source, int partitions,
      Architecture architecture, double[] params, FeatureScaler scaler) {
    sc.setJobDescription("sparkprop predict");
    Broadcast<double[]> broadcast = sc.broadcast(params);
    try {
      int d = architecture.inputs();
      List<Tuple2<long[], double[]>> parts = SourceReader.read(sc, source, partitions).map(raw -> {
        if (raw.features() != d) {
          throw new dev.sparkprop.datasets.DataFormatException(source.describe(), 0,
              "has " + raw.features() + " features; the model expects " + d);
        }
        float[] x = raw.x().clone();
        for (int i = 0; i < raw.size(); i++) {
          scaler.apply(x, i * d, d);
        }
        Shard scaled = new Shard(d, x, raw.y(), raw.index());
        return new Tuple2<>(raw.index(), scaled.predict(new Network(architecture), broadcast.value()));
      }).collect();
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
