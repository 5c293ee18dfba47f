package dev.sparkprop.ml;

import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.io.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * How a model is saved inside Spark ML's directory layout:
 *
 * <pre>
 * PATH/metadata/          Spark's metadata (class, uid, Params), as every Spark ML stage writes it,
 *                         so Pipeline, CrossValidator and their readers find the stage
 * PATH/sparkprop-model/   the trained network in sparkprop's own format (model.json + weights.bin),
 *                         readable by {@code sparkprop evaluate --model}
 * </pre>
 *
 * <p>The metadata goes through Spark's own {@code DefaultParamsWriter.saveMetadata} and
 * {@code DefaultParamsReader.loadMetadata} (public in the bytecode, though Scala marks them
 * ml-internal): writing a look-alike would break the day Spark changes the layout. Our model
 * is written to a local temporary directory by {@link ModelFile} (atomic, checksummed) and
 * copied through Hadoop's file system layer, so PATH may be on HDFS or S3 like any Spark ML
 * path.
 */
final class ModelPersistence {

  /** The subdirectory holding the sparkprop model. */
  static final String MODEL_DIR = "sparkprop-model";

  private ModelPersistence() {}

  static final class Writer extends MLWriter {
    private final MlpModel<?> instance;

    Writer(MlpModel<?> instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
      Path local = temporaryDirectory();
      try {
        Path dir = local.resolve(MODEL_DIR);
        ModelFile.save(instance.trained(), dir, false);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path, MODEL_DIR);
        FileSystem fs = target.getFileSystem(sc().hadoopConfiguration());
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(dir.toUri()), target);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the model to " + path + ": " + e.getMessage(), e);
      } finally {
        deleteRecursively(local);
      }
    }
  }

  static final class Reader<T extends MlpModel<T>> extends MLReader<T> {
    private final Class<T> type;
    private final BiFunction<String, Model, T> constructor;

    Reader(Class<T> type, BiFunction<String, Model, T> constructor) {
      this.type = type;
      this.constructor = constructor;
    }

    @Override
    public T load(String path) {
      DefaultParamsReader.Metadata metadata = metadata(path, sparkSession(), type);
      Path local = temporaryDirectory();
      try {
        org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(path, MODEL_DIR);
        FileSystem fs = source.getFileSystem(sc().hadoopConfiguration());
        if (!fs.exists(source)) {
          throw new ModelFormatException(Path.of(MODEL_DIR), "missing from " + path + ": not a sparkprop model");
        }
        Path dir = local.resolve(MODEL_DIR);
        fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(dir.toUri()), true);
        T model = constructor.apply(metadata.uid(), ModelFile.load(dir));
        metadata.getAndSetParams(model, Option.empty());
        return model;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the model at " + path + ": " + e.getMessage(), e);
      } finally {
        deleteRecursively(local);
      }
    }
  }

  /**
   * An estimator's reader: Spark's own, which restores the Params, after the check that
   * {@code path} holds this estimator. Spark's reader builds whatever class the metadata names
   * and leaves the cast to the caller, so {@code MlpClassifier.load} of a regressor would end in
   * a ClassCastException.
   */
  static final class EstimatorReader<T> extends MLReader<T> {
    private final Class<T> type;

    EstimatorReader(Class<T> type) {
      this.type = type;
    }

    @Override
    public T load(String path) {
      metadata(path, sparkSession(), type);
      // Spark's reader reads the small metadata file again: simpler than restoring Params by hand.
      return new DefaultParamsReader<T>().session(sparkSession()).load(path);
    }
  }

  /** The stage metadata saved at {@code path}, which must be {@code type}'s. */
  static DefaultParamsReader.Metadata metadata(String path, SparkSession spark, Class<?> type) {
    DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, spark, "");
    String found = metadata.className();
    if (!found.equals(type.getName())) {
      String simple = found.substring(found.lastIndexOf('.') + 1);
      boolean ours = found.startsWith(type.getPackageName() + ".");
      throw new IllegalArgumentException(path + ": the stage saved there is " + (ours ? simple : found) + ", not "
          + type.getSimpleName() + (ours ? "; read it with " + simple + ".load" : ""));
    }
    return metadata;
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("sparkprop-ml-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary directory left behind is untidy, not wrong; the save or load itself succeeded or threw.
    }
  }
}
