package dev.sparkprop.train;

import dev.sparkprop.datasets.DenseDataset;
import dev.sparkprop.datasets.FeatureScaler;
import dev.sparkprop.datasets.FeatureStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split;
import dev.sparkprop.datasets.Split.Role;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory data dealt into roles and scaled exactly as the Spark path does it, for the local
 * engine: one raw shard per "partition", each example keeping its position in the source.
 */
public record LocalData(Map<Role, List<Shard>> shards, FeatureScaler scaler) {

  /** Splits and scales {@code data}, cut into {@code partitions} round-robin slices as the Spark readers cut it. */
  public static LocalData prepare(DenseDataset data, int partitions, long seed, double testFraction,
      double validationFraction, Scaling scaling) {
    int d = data.featureCount();
    int n = data.size();
    Split split = ShardSet.split(seed, n, testFraction, validationFraction, "data");
    FeatureStats stats = new FeatureStats(d);
    for (int i = 0; i < n; i++) {
      if (split.roleOf(i) == Role.TRAIN) {
        stats.add(data.features(), i * d);
      }
    }
    FeatureScaler scaler = FeatureScaler.fit(scaling, stats);
    Map<Role, List<Shard>> byRole = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      byRole.put(r, new java.util.ArrayList<>());
    }
    for (int p = 0; p < partitions; p++) {
      int count = (n - p + partitions - 1) / partitions;
      float[] x = new float[count * d];
      double[] y = new double[count];
      long[] index = new long[count];
      for (int j = 0, i = p; i < n; i += partitions, j++) {
        System.arraycopy(data.features(), i * d, x, j * d, d);
        y[j] = data.labels()[i];
        index[j] = i;
      }
      ShardSet set = ShardSet.of(new Shard(d, x, y, index), split, scaler);
      for (Role r : Role.values()) {
        byRole.get(r).add(set.get(r));
      }
    }
    return new LocalData(byRole, scaler);
  }
}
