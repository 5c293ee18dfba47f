package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.Adam;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.BlockResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * Where the parameters are broadcast (executors in other processes, or local mode with the
 * {@link LocalHandoff} off), every iteration broadcasts them, and the engine destroys each
 * broadcast on a thread of its own. Nothing may outlive the engine: a long run would otherwise
 * fill the driver's storage memory with old parameter vectors.
 */
class BroadcastLifetimeTest {

  private static final JavaSparkContext SC = SparkTests.context();

  @Test
  @DisplayName("once the engine is closed, none of its parameter broadcasts is left on the driver")
  void closedEngineLeavesNoBroadcast() {
    Architecture arch = new Architecture(new int[] {2, 4, 4}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY);
    PreparedData data = PreparedData.prepare(SC, new DataSource.BuiltIn("blobs", 3, 100), null,
        new PreparedData.Options(2, 5, 0.2, 0.1, Scaling.STANDARDIZE, null));
    // The handoff off: in local mode it would leave nothing to destroy.
    try (SparkEngine engine = new SparkEngine(SC, data, arch, 4, Precision.FLOAT64, false, Reduction.DETERMINISTIC,
        false)) {
      // 70 training examples, batch 10: 7 iterations and one validation pass per epoch, 3 epochs.
      new Trainer(new Network(arch), new TrainConfig(new Adam(0.01, 0.9, 0.999, 1e-8), 10, 3, 5, 0.0))
          .train(engine, TrainingListener.SILENT);
    } finally {
      data.release();
    }
    assertEquals(0, parameterBroadcasts(), "parameter broadcasts left after close()");
  }

  /** How many broadcasts of parameters the driver's block manager holds. */
  private static int parameterBroadcasts() {
    BlockManager blocks = SparkEnv.get().blockManager();
    List<BlockId> ids = CollectionConverters.asJava(blocks.getMatchingBlockIds(new AbstractFunction1<BlockId, Object>() {
      @Override
      public Object apply(BlockId id) {
        return id instanceof BroadcastBlockId b && b.field().isEmpty();
      }
    }));
    int count = 0;
    for (BlockId id : ids) {
      Option<BlockResult> value = blocks.getLocalValues(id);
      if (value.isDefined()) {
        scala.collection.Iterator<Object> data = value.get().data();
        if (data.hasNext() && data.next() instanceof BroadcastParameters) {
          count++;
        }
        blocks.releaseLock(id, Option.empty());
      }
    }
    return count;
  }
}
