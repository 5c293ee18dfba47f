package dev.sparkprop.train;

import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Network32;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The in-process engine: the reference the distributed engine must agree with, and the way to
 * train without Spark. It sums shard after shard exactly as partitions would; with more than one
 * thread the shards' sums are computed in parallel and still added in shard order, so the
 * result does not depend on the thread count.
 */
public final class LocalEngine implements Engine {

  private final Network network;
  private final int classes;
  private final Map<Role, List<Shard>> shards = new EnumMap<>(Role.class);
  private final ExecutorService pool;
  private final Precision precision;

  public LocalEngine(Network network, int classes, Map<Role, List<Shard>> shards) {
    this(network, classes, shards, 1, Precision.FLOAT64);
  }

  public LocalEngine(Network network, int classes, Map<Role, List<Shard>> shards, int threads, Precision precision) {
    this.precision = precision;
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive, not " + threads);
    }
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "sparkprop-local");
      t.setDaemon(true);
      return t;
    });
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
    return gradient(params, batching, epoch, batch, null);
  }

  @Override
  public GradientSum gradient(double[] params, Shard.Batching batching, int epoch, int batch, Dropout dropout) {
    if (dropout != null && dropout.active() && precision == Precision.FLOAT32) {
      throw new UnsupportedOperationException("dropout is not implemented by the float32 kernels");
    }
    float[] params32 = precision == Precision.FLOAT32 ? Network32.narrow(params) : null;
    Network32 network32 = params32 == null ? null : new Network32(network.architecture());
    GradientSum sum = GradientSum.empty();
    if (pool == null) {
      for (Shard s : shards.get(Role.TRAIN)) {
        sum.merge(params32 != null ? s.gradient(network32, params32, batching, epoch, batch)
            : s.gradient(network, params, batching, epoch, batch, dropout));
      }
      return sum;
    }
    List<Future<GradientSum>> parts = new ArrayList<>();
    for (Shard s : shards.get(Role.TRAIN)) {
      parts.add(pool.submit(() -> params32 != null ? s.gradient(network32, params32, batching, epoch, batch)
          : s.gradient(network, params, batching, epoch, batch, dropout)));
    }
    for (Future<GradientSum> part : parts) {
      try {
        sum.merge(part.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("a shard's gradient failed", e.getCause());
      }
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

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
