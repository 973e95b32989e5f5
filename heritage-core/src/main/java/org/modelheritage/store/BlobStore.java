package org.modelheritage.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Weight files, addressed by the SHA-256 of their content. Streamed in and out, never held whole
 * in memory, so blobs may be many gigabytes. Open one with {@link Stores#openBlobs(java.net.URI)}.
 *
 * <p>Stream-based on purpose: a remote object store implements the same interface (an {@code s3:}
 * provider would be just another jar); {@link #localPath} is an optional shortcut for stores that
 * keep blobs as local files, so readers can do positional reads.
 */
public interface BlobStore extends AutoCloseable {

    /** Stores the stream's bytes (read to the end, not closed). Identical bytes are stored once. */
    default StoredBlob put(InputStream in) throws IOException {
        return put(in, Long.MAX_VALUE);
    }

    /**
     * Stores the stream's bytes unless there are more than {@code maxBytes}: then
     * {@link BlobTooLargeException} and nothing is left behind. Durable when this returns.
     */
    StoredBlob put(InputStream in, long maxBytes) throws IOException;

    /** Reads a blob; {@link java.nio.file.NoSuchFileException} if it is not stored. */
    InputStream open(String sha256) throws IOException;

    /** The blob's local file when this store has one, for positional reads; never write to it. */
    Optional<Path> localPath(String sha256) throws IOException;

    /** The blob's ref if it is stored. */
    Optional<BlobRef> stat(String sha256) throws IOException;

    default boolean exists(String sha256) throws IOException {
        return stat(sha256).isPresent();
    }

    /** Removes a blob; false if it was not there. */
    boolean delete(String sha256) throws IOException;

    /** Every stored blob, in no particular order. Close the stream. */
    Stream<BlobRef> list() throws IOException;

    @Override
    void close();
}
