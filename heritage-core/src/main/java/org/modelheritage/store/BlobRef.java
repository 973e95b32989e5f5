package org.modelheritage.store;

/** A stored blob: its SHA-256 (its address) and its length in bytes. */
public record BlobRef(String sha256, long size) {
    /** Validates the components. */
    public BlobRef {
        Ids.requireSha256(sha256, "blob sha256");
        if (size < 0) {
            throw new IllegalArgumentException("blob size must be >= 0");
        }
    }
}
