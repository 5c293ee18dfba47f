package dev.sparkprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which Spark settings sparkprop fills in, for which masters, and that the user's own always win. */
class StepSettingsTest {

  private static final String CHECKSUM = "spark.broadcast.checksum";
  private static final String BLOCK_SIZE = "spark.broadcast.blockSize";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "local[2]", "local[*]", "local[4,3]"})
  @DisplayName("a master whose tasks run in the driver's JVM skips the broadcast checksum nobody reads")
  void localMastersSkipTheChecksum(String master) {
    SparkConf conf = StepSettings.applyTo(new SparkConf(false).setMaster(master));
    assertEquals("false", conf.get(CHECKSUM));
    StepSettings.DEFAULTS.forEach((key, value) -> assertEquals(value, conf.get(key), key));
  }

  @Test
  @DisplayName("a local master runs as many tasks at once as it has threads, over spark.task.cpus; any other master none here")
  void localTaskSlots() {
    assertEquals(1, StepSettings.localTaskSlots(new SparkConf(false).setMaster("local")));
    assertEquals(2, StepSettings.localTaskSlots(new SparkConf(false).setMaster("local[2]")));
    assertEquals(4, StepSettings.localTaskSlots(new SparkConf(false).setMaster("local[4,3]")));
    assertEquals(Runtime.getRuntime().availableProcessors(),
        StepSettings.localTaskSlots(new SparkConf(false).setMaster("local[*]")));
    assertEquals(2, StepSettings.localTaskSlots(new SparkConf(false).setMaster("local[4]").set("spark.task.cpus", "2")));
    assertEquals(0, StepSettings.localTaskSlots(new SparkConf(false).setMaster("local-cluster[2,1,1024]")));
    assertEquals(0, StepSettings.localTaskSlots(new SparkConf(false).setMaster("spark://host:7077")));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local", "local[2]", "local[*]", "local[4,3]"})
  @DisplayName("a local master with the parameters handed over broadcasts in small blocks; with them broadcast, in Spark's")
  void smallBlocksOnlyWithTheHandoff(String master) {
    assertEquals("64k", StepSettings.applyTo(new SparkConf(false).setMaster(master)).get(BLOCK_SIZE));
    assertEquals("64k", StepSettings.applyTo(new SparkConf(false).setMaster(master).set(LocalHandoff.KEY, "true"))
        .get(BLOCK_SIZE));
    SparkConf broadcast = StepSettings.applyTo(new SparkConf(false).setMaster(master).set(LocalHandoff.KEY, "false"));
    assertFalse(broadcast.contains(BLOCK_SIZE), master);
    assertEquals("false", broadcast.get(CHECKSUM));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local-cluster[2,1,1024]", "spark://host:7077", "yarn", "k8s://https://host:6443"})
  @DisplayName("a master whose executors fetch blocks over the network keeps Spark's checksum")
  void clustersKeepTheChecksum(String master) {
    SparkConf conf = StepSettings.applyTo(new SparkConf(false).setMaster(master));
    assertFalse(conf.contains(CHECKSUM), master);
    assertFalse(conf.contains(BLOCK_SIZE), master);
    StepSettings.DEFAULTS.forEach((key, value) -> assertEquals(value, conf.get(key), key));
  }

  @Test
  @DisplayName("a setting the user made is never overridden")
  void userSettingsWin() {
    SparkConf conf = StepSettings.applyTo(new SparkConf(false).setMaster("local[2]")
        .set(CHECKSUM, "true").set("spark.task.maxDirectResultSize", "8m").set(BLOCK_SIZE, "1m"));
    assertEquals("true", conf.get(CHECKSUM));
    assertEquals("1m", conf.get(BLOCK_SIZE));
    assertEquals("8m", conf.get("spark.task.maxDirectResultSize"));
    assertEquals("false", conf.get("spark.broadcast.compress"));
  }

  @Test
  @DisplayName("local-cluster is not local: its executors are processes of their own")
  void localClusterIsNotLocal() {
    assertTrue(StepSettings.isLocal("local[8]"));
    assertFalse(StepSettings.isLocal("local-cluster[2,1,1024]"));
    assertFalse(StepSettings.isLocal("localhost"));
  }
}
