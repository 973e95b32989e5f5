package org.modelheritage.store;

/**
 * A stored blob: its SHA-256 (its address) and its length in bytes.
 *
 * @param sha256 the SHA-256 of the blob's bytes, 64 lowercase hex digits
 * @param size   its length in bytes
 */
public record BlobRef(String sha256, long size) {
    /**
     * Checks the components.
     *
     * @param sha256 checked by {@link Ids#requireSha256}
     * @param size   at least 0
     * @throws IllegalArgumentException when a component breaks its rule
     */
    public BlobRef {
        Ids.requireSha256(sha256, "blob sha256");
        if (size < 0) {
            throw new IllegalArgumentException("blob size must be >= 0");
        }
    }
}
