package dev.sparkprop.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hidden directory a model is written into before it is renamed into place, with a mark
 * that its writer is alive: an exclusive lock on a sibling file of the same name plus
 * {@code .lock}. The operating system drops the lock when the process ends, however it ends,
 * so a directory whose lock can be taken belongs to a writer that was killed (or lost its
 * machine) before it could commit or clean up. Every new staging sweeps such directories from
 * beside the same destination, so a killed run leaves its partial files only until the next
 * save there.
 *
 * <p>The lock is taken before the directory exists, so no sweep can mistake a directory being
 * created for an abandoned one. Where the file system cannot lock, the directory is staged
 * without a lock file and is never swept: better a leftover than deleting a live run's files.
 */
final class Staging {

  private static final String LOCK_SUFFIX = ".lock";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The lock files this process holds. A sweep must not even open one: closing any channel on
   * a file releases all of the process's locks on it (POSIX record locks), which would leave
   * the live directory to the next process's sweep.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final Path lockFile;
  private final FileChannel lock;

  private Staging(Path dir, Path lockFile, FileChannel lock) {
    this.dir = dir;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /** The hidden directory to write into. */
  Path dir() {
    return dir;
  }

  /**
   * Sweeps abandoned staging directories named {@code prefix*} from {@code parent}, then makes
   * a new one.
   */
  static Staging create(Path parent, String prefix) throws IOException {
    sweep(parent, prefix);
    while (true) {
      String name = prefix + Long.toUnsignedString(RANDOM.nextLong(), 36);
      Path dir = parent.resolve(name);
      Path lockFile = parent.resolve(name + LOCK_SUFFIX);
      // Registered before the file exists, so that a sweep in another thread never opens it.
      HELD.add(lockFile);
      FileChannel lock;
      try {
        lock = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (IOException | RuntimeException e) {
        HELD.remove(lockFile);
        if (e instanceof FileAlreadyExistsException) {
          continue;
        }
        throw e;
      }
      if (!lockOrForget(lock, lockFile)) {
        HELD.remove(lockFile);
        lock = null;
        lockFile = null;
      }
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        new Staging(dir, lockFile, lock).release();
        continue;
      } catch (IOException | RuntimeException e) {
        new Staging(dir, lockFile, lock).release();
        throw e;
      }
      return new Staging(dir, lockFile, lock);
    }
  }

  /** Takes the lock, or closes and deletes the file where locks are not supported. */
  private static boolean lockOrForget(FileChannel channel, Path lockFile) throws IOException {
    try {
      channel.lock();
      return true;
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(lockFile);
      return false;
    }
  }

  /**
   * Drops the mark once the directory has been renamed into place or deleted. The file goes
   * before the lock, so no sweep can take the lock of a file that is about to go.
   */
  void release() {
    if (lock == null) {
      return;
    }
    try {
      Files.deleteIfExists(lockFile);
    } catch (IOException e) {
      // An unlocked lock file alone is swept by the next staging here.
    }
    try {
      lock.close();
    } catch (IOException e) {
      // Closing a channel that only held a lock has nothing left to lose.
    }
    HELD.remove(lockFile);
  }

  /** Deletes the staging directories beside {@code parent} named {@code prefix*} whose writers are gone. */
  private static void sweep(Path parent, String prefix) {
    try (DirectoryStream<Path> locks = Files.newDirectoryStream(parent,
        p -> {
          String n = p.getFileName().toString();
          return n.startsWith(prefix) && n.endsWith(LOCK_SUFFIX);
        })) {
      for (Path lockFile : locks) {
        sweepIfAbandoned(lockFile);
      }
    } catch (IOException e) {
      // Best effort: a directory that cannot be listed is reported by the save itself.
    }
  }

  private static void sweepIfAbandoned(Path lockFile) {
    if (HELD.contains(lockFile)) {
      return;
    }
    String name = lockFile.getFileName().toString();
    Path dir = lockFile.resolveSibling(name.substring(0, name.length() - LOCK_SUFFIX.length()));
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock held;
      try {
        held = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return; // this process took it after the check above
      }
      if (held == null) {
        return; // another live process is writing it
      }
      ModelFile.deleteRecursively(dir);
      Files.deleteIfExists(lockFile);
    } catch (IOException e) {
      // Gone meanwhile, or not ours to delete: leave it.
    }
  }
}
