package dev.sparkprop.train;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Network;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The in-process engine: the reference the distributed engine must agree with, and the way to
 * train without Spark. It sums shard after shard exactly as partitions would.
 */
public final class LocalEngine implements Engine {

  private final Network network;
  private final int classes;
  private final Map<Role, List<Shard>> shards = new EnumMap<>(Role.class);

  public LocalEngine(Network network, int classes, Map<Role, List<Shard>> shards) {
    this.network = network;
    this.classes = classes;
    for (Role role : Role.values()) {
      this.shards.put(role, List.copyOf(shards.getOrDefault(role, List.of())));
    }
  }

  @Override
  public long examples(Role role) {
    long n = 0;
    for (Shard s : shards.get(role)) {
      n += s.size();
    }
    return n;
  }

  @Override
  public GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch) {
    GradientSum sum = GradientSum.empty();
    for (Shard s : shards.get(Role.TRAIN)) {
      sum.merge(s.gradient(network, params, batching, epoch, batch));
    }
    return sum;
  }

  @Override
  public Evaluation evaluate(double[] params, Role role) {
    Evaluation e = new Evaluation(network.architecture().loss(), classes);
    for (Shard s : shards.get(role)) {
      s.evaluate(network, params, e);
    }
    return e;
  }
}
