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
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li>Every method that takes a {@code sha256} accepts exactly 64 lower-case hexadecimal digits
 *       and throws {@link IllegalArgumentException} for anything else (an upper-case hash, a path
 *       such as {@code ../../etc/passwd}) before it touches storage; {@link Ids#requireSha256}
 *       does the check.</li>
 *   <li>{@link #put(InputStream, long)} reads the stream to its end without closing it, stores
 *       identical bytes once, and is durable when it returns. Over {@code maxBytes} it throws
 *       {@link BlobTooLargeException}; when the stream throws, the exception propagates. Either
 *       way nothing is left behind, not even a temporary file.</li>
 *   <li>{@link #open} of a hash that is not stored throws {@link java.nio.file.NoSuchFileException}.</li>
 *   <li>Implementations are safe for concurrent use; concurrent puts of the same bytes store them once.</li>
 * </ul>
 * {@code BlobStoreContract} in heritage-core's test jar checks each point.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Stores the stream's bytes, however many. Identical bytes are stored once. Durable when this
     * returns.
     *
     * @param in the bytes; read to the end, not closed
     * @return the blob's ref, and whether this call created it
     * @throws IOException when the stream or the store fails; nothing is left behind
     */
    default StoredBlob put(InputStream in) throws IOException {
        return put(in, Long.MAX_VALUE);
    }

    /**
     * Stores the stream's bytes unless there are more than {@code maxBytes}: then
     * {@link BlobTooLargeException} and nothing is left behind. Durable when this returns.
     *
     * @param in       the bytes; read to the end (or until the limit is passed), not closed
     * @param maxBytes the most bytes accepted; {@link Long#MAX_VALUE} for no limit
     * @return the blob's ref, and whether this call created it ({@code false}: the bytes were stored already)
     * @throws BlobTooLargeException when the stream holds more than {@code maxBytes} bytes
     * @throws IOException when the stream or the store fails; nothing is left behind
     */
    StoredBlob put(InputStream in, long maxBytes) throws IOException;

    /**
     * As {@link #put(InputStream, long)}, and hands the blob's hash to {@code claim} once it is known
     * and before the blob is looked up or made visible at its address. A caller that records its
     * claim where deleters look ({@link MetadataStore#holdBlob}) is then safe from a deletion by
     * another process: a deletion ordered before the claim is undone by this put, one ordered after
     * it sees the claim. The default claims after the put and then checks that the blob is still
     * there, failing rather than answering with a blob another process removed meanwhile.
     *
     * @param in       the bytes; read to the end (or until the limit is passed), not closed
     * @param maxBytes the most bytes accepted; {@link Long#MAX_VALUE} for no limit
     * @param claim    called once with the hash, before publication; what it throws fails the put
     * @return the blob's ref, and whether this call created it
     * @throws BlobTooLargeException when the stream holds more than {@code maxBytes} bytes
     * @throws IOException when the stream, the store or the claim fails
     */
    default StoredBlob put(InputStream in, long maxBytes, Claim claim) throws IOException {
        StoredBlob stored = put(in, maxBytes);
        String sha256 = stored.ref().sha256();
        claim.claim(sha256);
        if (stat(sha256).isEmpty()) {
            throw new java.nio.file.NoSuchFileException(sha256, null,
                    "the blob was removed by another process while it was stored; send it again");
        }
        return stored;
    }

    /** What {@link #put(InputStream, long, Claim)} calls with a blob's hash before publishing it. */
    @FunctionalInterface
    interface Claim {
        /** A claim that records nothing. */
        Claim NONE = sha256 -> { };

        /**
         * Claims the blob.
         *
         * @param sha256 the hash of the bytes being stored
         * @throws IOException when the claim cannot be recorded; the put fails
         */
        void claim(String sha256) throws IOException;
    }

    /**
     * Reads a blob.
     *
     * @param sha256 the blob's hash, 64 lower-case hex digits
     * @return its bytes; the caller closes the stream
     * @throws java.nio.file.NoSuchFileException if it is not stored
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     * @throws IOException if the store cannot be read
     */
    InputStream open(String sha256) throws IOException;

    /**
     * The blob's local file when this store has one, for positional reads; never write to it.
     *
     * @param sha256 the blob's hash, 64 lower-case hex digits
     * @return the file, or empty when the store keeps no local files (a remote store) or the blob is not stored
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     * @throws IOException if the store cannot be read
     */
    Optional<Path> localPath(String sha256) throws IOException;

    /**
     * The blob's ref if it is stored.
     *
     * @param sha256 the blob's hash, 64 lower-case hex digits
     * @return its ref, or empty when it is not stored
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     * @throws IOException if the store cannot be read
     */
    Optional<BlobRef> stat(String sha256) throws IOException;

    /**
     * Whether a blob is stored.
     *
     * @param sha256 the blob's hash, 64 lower-case hex digits
     * @return true when it is stored
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     * @throws IOException if the store cannot be read
     */
    default boolean exists(String sha256) throws IOException {
        return stat(sha256).isPresent();
    }

    /**
     * Removes a blob. The caller makes sure no model references it
     * ({@link MetadataStore#blobReferenced}); the store does not know.
     *
     * @param sha256 the blob's hash, 64 lower-case hex digits
     * @return true when it was stored and is now gone, false when it was not stored
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     * @throws IOException if the store cannot be changed
     */
    boolean delete(String sha256) throws IOException;

    /**
     * Every stored blob, in no particular order.
     *
     * @return the blobs' refs, read lazily; close the stream (try-with-resources) to release what it holds open
     * @throws IOException if the store cannot be listed
     */
    Stream<BlobRef> list() throws IOException;

    /** Releases the store's resources; blobs stay stored. */
    @Override
    void close();
}
