package org.modelheritage.lake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one open lake lays out temporary views of models ({@link MaterialisedModel}): its own
 * directory {@code ROOT/lake-ID}, claimed by a lock on {@code ROOT/lake-ID.lock} that the process
 * holds while the lake is open. A process killed with -9 cannot delete its views, but the operating
 * system drops its lock; so when a lake opens, every {@code lake-*} directory whose lock nobody
 * holds is a dead lake's and is removed, while those of live lakes (another process, or another
 * lake in this one, sharing the system temp directory) are left alone.
 *
 * <p>The lock file is created and locked before its directory exists, and deleted after it, so a
 * directory is never seen without its claim.
 */
final class WorkDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkDirectory.class);
    private static final String PREFIX = "lake-";
    private static final String LOCK = ".lock";

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirectory(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Claims a fresh directory under {@code root} and removes those that dead lakes left there.
     *
     * @param ownsRoot whether {@code root} belongs to this lake alone (a lake's own {@code work}
     *                 directory, not the shared temp directory): then the {@code model-*} views
     *                 that versions before the per-lake directories left at its top are removed too
     */
    static WorkDirectory claim(Path root, boolean ownsRoot) throws IOException {
        Files.createDirectories(root);
        String id = PREFIX + UUID.randomUUID();
        Path lockFile = root.resolve(id + LOCK);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        WorkDirectory work;
        try {
            FileLock lock = channel.lock();
            Path dir = Files.createDirectory(root.resolve(id));
            work = new WorkDirectory(dir, lockFile, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
        work.removeAbandoned(root, ownsRoot);
        return work;
    }

    /** This lake's directory, for its temporary views. */
    Path path() {
        return dir;
    }

    /** Best effort: what cannot be removed (another user's, say) is left, and the lake opens all the same. */
    private void removeAbandoned(Path root, boolean ownsRoot) {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                try {
                    if (name.startsWith(PREFIX) && name.endsWith(LOCK) && !entry.equals(lockFile)) {
                        removed += removeIfDead(entry, root.resolve(name.substring(0, name.length() - LOCK.length())));
                    } else if (ownsRoot && name.startsWith("model-")) {
                        deleteTree(entry);
                        removed++;
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("cannot remove {} from the work directory: {}", entry, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the work directory {}: {}", root, e.toString());
        }
        if (removed > 0) {
            log.info("removed {} temporary model views left in {} by an interrupted process", removed, root);
        }
    }

    /** Removes a lake directory and its lock file when no live lake holds the lock. */
    private static int removeIfDead(Path lockFile, Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock held = ch.tryLock();
            if (held == null) {
                return 0; // a live lake in another process
            }
            deleteTree(dir);
            Files.deleteIfExists(lockFile);
            return 1;
        } catch (OverlappingFileLockException e) {
            return 0; // a live lake in this process
        } catch (NoSuchFileException e) {
            return 0; // another lake opening at the same time removed it first
        }
    }

    /** Deletes a tree without following links: a view's links point into the blob store. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (FileSystemException e) {
                    // keep going; what is left is only temporary, and removed at the next open
                }
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile
        }
    }

    /** Removes this lake's directory and gives up its claim. */
    @Override
    public void close() throws IOException {
        try {
            deleteTree(dir);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
                Files.deleteIfExists(lockFile);
            }
        }
    }
}
