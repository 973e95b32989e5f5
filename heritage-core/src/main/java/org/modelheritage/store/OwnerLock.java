package org.modelheritage.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The one-owner lock of an embedded store (a SQLite file, a file-store folder): an OS lock
 * ({@link FileChannel#tryLock}) on a lock file beside the data, held while the store is open, with
 * who holds it written inside. The OS releases it when the process ends, however it ends, so a
 * crash never leaves a stale lock; the text left in the file is only read to name the holder.
 */
public final class OwnerLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OwnerLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock at once or fails.
     *
     * @param lockFile the lock file beside the store's data; created (with its folders) when missing
     * @param what the store, as the message should name it
     * @return the held lock, with this process's id, host and start time written in the file
     * @throws StoreLockedException if another process (or another handle in this one) holds it,
     *                              naming the holder: process id, host and since when
     * @throws StoreException if the lock file cannot be created, opened or written
     */
    public static OwnerLock acquire(Path lockFile, String what) {
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.toAbsolutePath().getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new StoreLockedException(what + " is already open in this process; close it first");
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                throw new StoreLockedException(what + " is in use by another process ("
                        + (holder.isEmpty() ? "holder unknown" : holder) + "); one process owns an embedded store");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holderText().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new OwnerLock(lockFile, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock " + what + " (" + lockFile + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** {@code pid 1234 on host h since 2026-01-01T00:00:00Z}: what a refused opener is told. */
    static String holderText() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return "pid " + ProcessHandle.current().pid() + " on host " + host + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** {@return the lock file} */
    public Path file() {
        return file;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held yet
            }
        }
    }

    /**
     * Releases the lock (the file stays: deleting it could race with the next owner's open).
     *
     * @throws StoreException if the OS refuses to release the lock or close the file
     */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new StoreException("cannot release " + file + ": " + e.getMessage(), e);
        }
    }
}
