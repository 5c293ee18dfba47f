package dev.sparkprop.io;

import dev.sparkprop.optim.OptimizerState;
import dev.sparkprop.train.Checkpoint;
import dev.sparkprop.train.Checkpointer;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.Evaluation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints as files in one directory, {@code checkpoint-EEEEEE-IIIIIIIII.bin}, named by their
 * position: E epochs finished and I iterations of the next one done.
 *
 * <p>A file is {@code SPKPCKPT}, a format version, the checkpoint's fields (doubles as their
 * exact bits, in Java's big-endian data format) and, last, the SHA-256 of everything before it.
 * A file cut short or altered fails the checksum and is passed over in favour of the one before.
 *
 * <p>Writing is atomic: the bytes go to a hidden temporary file in the same directory, are
 * forced to the disk, and the file is then renamed to its final name, so a checkpoint is either
 * absent or complete whenever the process dies; the previous checkpoints stay untouched until
 * the new one is in place. Then all but the newest {@code keep} are deleted, and so are any
 * checkpoints ahead of the new one: a run resumed from an earlier checkpoint is redoing that
 * stretch, and a damaged later file must not outrank its fresh work.
 */
public final class CheckpointStore implements Checkpointer {

  public static final int VERSION = 1;
  private static final byte[] MAGIC = "SPKPCKPT".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST_BYTES = 32;
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)-(\\d+)\\.bin");
  private static final String TEMPORARY_PREFIX = ".checkpoint-";

  private final Path dir;
  private final int keep;

  /**
   * @param dir created if missing
   * @param keep how many of the newest checkpoints to keep, at least 1
   */
  public CheckpointStore(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("must keep at least 1 checkpoint, not " + keep);
    }
    this.dir = dir;
    this.keep = keep;
  }

  public Path directory() {
    return dir;
  }

  /** The file name of a checkpoint at this position. */
  public static String fileName(int epoch, int iteration) {
    return String.format("checkpoint-%06d-%09d.bin", epoch, iteration);
  }

  @Override
  public String save(Checkpoint checkpoint) {
    Path target = dir.resolve(fileName(checkpoint.epoch(), checkpoint.iteration()));
    try {
      Files.createDirectories(dir);
      byte[] bytes = encode(checkpoint);
      Path temporary = Files.createTempFile(dir, TEMPORARY_PREFIX, ".tmp");
      try {
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
          out.force(true);
        }
        move(temporary, target);
      } finally {
        Files.deleteIfExists(temporary);
      }
      syncDirectory(dir);
      prune(checkpoint.epoch(), checkpoint.iteration());
    } catch (IOException e) {
      throw new CannotWriteException(target, "cannot write the checkpoint", e);
    }
    return target.toString();
  }

  /** A checkpoint read back, with the file it came from and the newer files that were passed over. */
  public record Found(Checkpoint checkpoint, Path file, List<String> skipped) {}

  /**
   * The newest complete checkpoint in {@code dir}; damaged ones are skipped and listed with the
   * reason.
   *
   * @throws ModelFormatException if the directory holds no checkpoint that reads back intact
   */
  public static Found latest(Path dir) {
    List<Path> files = list(dir);
    List<String> skipped = new ArrayList<>();
    for (int i = files.size() - 1; i >= 0; i--) {
      try {
        return new Found(read(files.get(i)), files.get(i), List.copyOf(skipped));
      } catch (ModelFormatException e) {
        skipped.add(e.getMessage());
      }
    }
    throw new ModelFormatException(dir, files.isEmpty() ? "holds no checkpoint"
        : "holds no complete checkpoint (" + String.join("; ", skipped) + ")");
  }

  /** The checkpoint files in {@code dir}, oldest position first; none if it does not exist. */
  public static List<Path> list(Path dir) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "checkpoint-*.bin")) {
      for (Path p : entries) {
        if (NAME.matcher(p.getFileName().toString()).matches()) {
          files.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return files;
    } catch (IOException e) {
      throw new CannotWriteException(dir, "cannot list checkpoints", e);
    }
    files.sort(Comparator.comparingLong((Path p) -> position(p)[0]).thenComparingLong(p -> position(p)[1]));
    return files;
  }

  private static long[] position(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(file + " is not a checkpoint file name");
    }
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  private void prune(int epoch, int iteration) throws IOException {
    List<Path> files = list(dir);
    List<Path> upToNew = new ArrayList<>();
    for (Path p : files) {
      long[] at = position(p);
      boolean ahead = at[0] > epoch || (at[0] == epoch && at[1] > iteration);
      if (ahead) {
        Files.deleteIfExists(p);
      } else {
        upToNew.add(p);
      }
    }
    for (int i = 0; i < upToNew.size() - keep; i++) {
      Files.deleteIfExists(upToNew.get(i));
    }
    // Temporary files of writes cut off by a kill: this store is their only writer.
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TEMPORARY_PREFIX + "*.tmp")) {
      for (Path p : entries) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The format

  /** The file's bytes: magic, version, fields, SHA-256 of all that. */
  static byte[] encode(Checkpoint c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * c.parameters().length * 4);
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(c.settings().size());
    for (var e : c.settings().entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    out.writeInt(c.epoch());
    out.writeInt(c.iteration());
    writeDoubles(out, c.parameters());
    out.writeLong(c.optimizer().steps());
    out.writeInt(c.optimizer().vectors().size());
    for (double[] v : c.optimizer().vectors()) {
      writeDoubles(out, v);
    }
    out.writeDouble(c.epochLossSum());
    out.writeLong(c.epochExamples());
    out.writeLong(c.epochComputeNanos());
    out.writeDouble(c.epochSeconds());
    out.writeDouble(c.elapsedSeconds());
    out.writeInt(c.history().size());
    for (EpochStats s : c.history()) {
      out.writeInt(s.epoch());
      out.writeDouble(s.trainLoss());
      out.writeBoolean(s.validation() != null);
      if (s.validation() != null) {
        s.validation().writeTo(out);
      }
      out.writeDouble(s.seconds());
      out.writeDouble(s.examplesPerSecond());
      out.writeDouble(s.elapsedSeconds());
      out.writeDouble(s.computeSeconds());
      out.writeDouble(s.coordinationSeconds());
      out.writeDouble(s.learningRate());
    }
    out.writeBoolean(c.best() != null);
    if (c.best() != null) {
      writeDoubles(out, c.best());
    }
    out.writeDouble(c.bestScore());
    out.writeInt(c.bestEpoch());
    out.writeInt(c.overfittingFrom());
    out.writeBoolean(c.stopReason() != null);
    if (c.stopReason() != null) {
      writeString(out, c.stopReason());
    }
    out.flush();
    out.write(sha256().digest(bytes.toByteArray()));
    out.flush();
    return bytes.toByteArray();
  }

  /**
   * Reads one checkpoint file, checksum first.
   *
   * @throws ModelFormatException naming the file: unreadable, truncated or altered (checksum),
   *     not a checkpoint, or from another format version
   */
  public static Checkpoint read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelFormatException(file, "cannot read the checkpoint: " + e.getMessage(), e);
    }
    if (bytes.length < MAGIC.length + 4 + DIGEST_BYTES
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ModelFormatException(file, bytes.length < MAGIC.length ? "truncated: not a complete checkpoint"
          : "not a sparkprop checkpoint");
    }
    int bodyEnd = bytes.length - DIGEST_BYTES;
    MessageDigest digest = sha256();
    digest.update(bytes, 0, bodyEnd);
    if (!Arrays.equals(digest.digest(), 0, DIGEST_BYTES, bytes, bodyEnd, bytes.length)) {
      throw new ModelFormatException(file, "checksum mismatch (SHA-256): the checkpoint is truncated or altered");
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, bodyEnd - MAGIC.length));
      int version = in.readInt();
      if (version != VERSION) {
        throw new ModelFormatException(file, "checkpoint format version " + version + ", this sparkprop reads "
            + VERSION);
      }
      return decode(in);
    } catch (IOException e) {
      throw new ModelFormatException(file, "damaged checkpoint: " + e.getMessage(), e);
    }
  }

  private static Checkpoint decode(DataInputStream in) throws IOException {
    int settingCount = count(in, 8);
    TreeMap<String, String> settings = new TreeMap<>();
    for (int i = 0; i < settingCount; i++) {
      settings.put(readString(in), readString(in));
    }
    int epoch = in.readInt();
    int iteration = in.readInt();
    double[] parameters = readDoubles(in);
    long steps = in.readLong();
    int vectorCount = count(in, 4);
    List<double[]> vectors = new ArrayList<>(vectorCount);
    for (int k = 0; k < vectorCount; k++) {
      vectors.add(readDoubles(in));
    }
    double epochLossSum = in.readDouble();
    long epochExamples = in.readLong();
    long epochComputeNanos = in.readLong();
    double epochSeconds = in.readDouble();
    double elapsedSeconds = in.readDouble();
    int epochs = count(in, 4 + 8 + 1 + 6 * 8);
    List<EpochStats> history = new ArrayList<>(epochs);
    for (int i = 0; i < epochs; i++) {
      int number = in.readInt();
      double trainLoss = in.readDouble();
      Evaluation validation = in.readBoolean() ? Evaluation.readFrom(in) : null;
      history.add(new EpochStats(number, trainLoss, validation, in.readDouble(), in.readDouble(), in.readDouble(),
          in.readDouble(), in.readDouble(), in.readDouble()));
    }
    double[] best = in.readBoolean() ? readDoubles(in) : null;
    double bestScore = in.readDouble();
    int bestEpoch = in.readInt();
    int overfittingFrom = in.readInt();
    String stopReason = in.readBoolean() ? readString(in) : null;
    if (in.available() != 0) {
      throw new IOException(in.available() + " bytes after the last field");
    }
    try {
      return new Checkpoint(settings, epoch, iteration, parameters, new OptimizerState.Snapshot(steps, vectors),
          epochLossSum, epochExamples, epochComputeNanos, epochSeconds, elapsedSeconds, history, best, bestScore,
          bestEpoch, overfittingFrom, stopReason);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] utf8 = new byte[count(in, 1)];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Double.BYTES);
    buffer.asDoubleBuffer().put(values);
    out.write(buffer.array());
  }

  private static double[] readDoubles(DataInputStream in) throws IOException {
    int n = count(in, Double.BYTES);
    byte[] raw = new byte[n * Double.BYTES];
    in.readFully(raw);
    double[] values = new double[n];
    ByteBuffer.wrap(raw).asDoubleBuffer().get(values);
    return values;
  }

  /** A count of items of at least {@code bytesEach} bytes, checked against what is left before anything is allocated. */
  private static int count(DataInputStream in, int bytesEach) throws IOException {
    int n = in.readInt();
    if (n < 0 || (long) n * bytesEach > in.available()) {
      throw new EOFException("a count of " + n + " does not fit the " + in.available() + " bytes left");
    }
    return n;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes the rename durable; a no-op where directories cannot be opened (Windows). */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not supported on this platform; the rename is still atomic, only its durability is weaker.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
