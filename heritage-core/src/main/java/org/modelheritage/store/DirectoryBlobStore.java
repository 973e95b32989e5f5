package org.modelheritage.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files in a local directory: {@code DIR/sha256/ab/abcd…} (fanned out by the first two hex
 * digits), written through {@code DIR/tmp}.
 *
 * <p>It lives in core, not in a storage module, because it needs nothing but {@code java.nio} and it
 * is what every default lake (SQLite + local blobs) and every lake test uses; the storage modules are
 * about metadata.
 *
 * <p>A put streams into a temp file while hashing, fsyncs it, then links it under its hash: the link
 * fails if the hash is already there, so exactly one of several concurrent puts of the same bytes
 * "creates" the blob, and a reader never sees a partial blob. Each writer holds a lock on its temp
 * file until the blob is published; temp files nobody holds (left by a crash) are removed when a
 * store is opened. Several processes may share one directory.
 */
public final class DirectoryBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryBlobStore.class);
    private static final int BUFFER = 1 << 16;

    private final Path root;
    private final Path blobs;
    private final Path tmp;

    private DirectoryBlobStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("sha256");
        this.tmp = root.resolve("tmp");
    }

    /**
     * Opens (creating if needed) the store in {@code dir} and removes temp files left by crashed writers.
     *
     * @param dir the store's directory; made absolute and normalised, created with its parents when missing
     * @return the open store
     * @throws StoreException when the directory cannot be created or cleaned
     */
    public static DirectoryBlobStore open(Path dir) {
        DirectoryBlobStore store = new DirectoryBlobStore(dir.toAbsolutePath().normalize());
        try {
            Files.createDirectories(store.blobs);
            Files.createDirectories(store.tmp);
            store.removeAbandonedTempFiles();
        } catch (IOException e) {
            throw new StoreException("cannot open blob directory " + dir + ": " + e.getMessage(), e);
        }
        return store;
    }

    /** {@return the directory the blobs are stored under, absolute and normalised} */
    public Path root() {
        return root;
    }

    @Override
    public StoredBlob put(InputStream in, long maxBytes) throws IOException {
        return put(in, maxBytes, Claim.NONE);
    }

    @Override
    public StoredBlob put(InputStream in, long maxBytes, Claim claim) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0");
        }
        Path temp = Files.createTempFile(tmp, "put-", ".tmp");
        // The lock marks the temp file as a live writer's until the blob is published: a store
        // opened meanwhile (another process, a backup) sweeps only unlocked temp files.
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE);
             FileLock ignored = out.lock()) {
            long size = 0;
            MessageDigest digest = sha256();
            byte[] buffer = new byte[BUFFER];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            int n;
            while ((n = in.read(buffer)) != -1) {
                size += n;
                if (size > maxBytes) {
                    throw new BlobTooLargeException(maxBytes);
                }
                digest.update(buffer, 0, n);
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
            }
            out.force(true);
            String sha256 = HexFormat.of().formatHex(digest.digest());
            claim.claim(sha256);
            Path target = pathOf(sha256);
            if (Files.exists(target)) {
                return new StoredBlob(new BlobRef(sha256, Files.size(target)), false);
            }
            Path shard = target.getParent();
            if (!Files.isDirectory(shard)) {
                Files.createDirectories(shard);
                fsyncDirectory(blobs);
            }
            boolean created = publish(temp, target);
            fsyncDirectory(shard);
            return new StoredBlob(new BlobRef(sha256, size), created);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the temp file visible under its hash; false if another writer got there first. */
    private static boolean publish(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp); // atomic, and fails rather than replaces
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target)) {
                return false;
            }
            // No hard links here (some network or FAT file systems): an atomic rename is as good,
            // except that two racing writers may both report "created".
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        Path p = pathOf(sha256);
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(p.toString(), null, "no blob " + sha256);
        }
    }

    @Override
    public Optional<Path> localPath(String sha256) {
        Path p = pathOf(sha256);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public Optional<BlobRef> stat(String sha256) throws IOException {
        Path p = pathOf(sha256);
        try {
            return Optional.of(new BlobRef(sha256, Files.size(p)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        Path p = pathOf(sha256);
        boolean deleted = Files.deleteIfExists(p);
        if (deleted) {
            fsyncDirectory(p.getParent());
        }
        return deleted;
    }

    @Override
    public Stream<BlobRef> list() throws IOException {
        return Files.walk(blobs, 2)
                .filter(p -> Ids.isSha256(p.getFileName().toString()) && Files.isRegularFile(p))
                .map(p -> {
                    try {
                        return new BlobRef(p.getFileName().toString(), Files.size(p));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Override
    public void close() {
        // Nothing is held between calls.
    }

    @Override
    public String toString() {
        return "DirectoryBlobStore[" + root + "]";
    }

    private Path pathOf(String sha256) {
        Ids.requireSha256(sha256, "blob sha256");
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private void removeAbandonedTempFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, "*.tmp")) {
            for (Path f : files) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    FileLock lock = ch.tryLock();
                    if (lock == null) {
                        continue; // a live writer in another process
                    }
                    Files.deleteIfExists(f);
                    LOG.info("removed {} left by an interrupted upload", f);
                } catch (OverlappingFileLockException e) {
                    // a live writer in this JVM
                } catch (NoSuchFileException e) {
                    // finished meanwhile
                }
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Makes a directory's entries (a rename, a new file) durable; a no-op where the OS cannot.
     *
     * @param dir the directory; a failure to open or force it is logged at debug level, not thrown
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
