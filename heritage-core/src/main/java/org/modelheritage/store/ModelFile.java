package org.modelheritage.store;

import java.util.Objects;

/**
 * One file a model was uploaded as (a sharded checkpoint has several, its index JSON included):
 * the name the uploader gave it and the blob holding its bytes.
 *
 * @param name   the file name as uploaded ("model-00001-of-00002.safetensors"); not unique across models
 * @param sha256 the SHA-256 of its bytes, which is also its blob's key in the {@link BlobStore}
 * @param size   its length in bytes
 */
public record ModelFile(String name, String sha256, long size) {
    /**
     * Checks the components.
     *
     * @param name   non-blank, at most 1024 characters
     * @param sha256 checked by {@link Ids#requireSha256}
     * @param size   at least 0
     * @throws IllegalArgumentException when a component breaks its rule
     * @throws NullPointerException when {@code name} is null
     */
    public ModelFile {
        Objects.requireNonNull(name, "file name");
        if (name.isBlank() || name.length() > 1024) {
            throw new IllegalArgumentException("file name must be non-blank and at most 1024 characters");
        }
        Ids.requireSha256(sha256, "file sha256");
        if (size < 0) {
            throw new IllegalArgumentException("file size must be >= 0, got " + size);
        }
    }
}
