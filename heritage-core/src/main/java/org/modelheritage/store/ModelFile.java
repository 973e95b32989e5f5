package org.modelheritage.store;

import java.util.Objects;

/**
 * One file a model was uploaded as (a sharded checkpoint has several, its index JSON included):
 * the name the uploader gave it and the blob holding its bytes.
 */
public record ModelFile(String name, String sha256, long size) {
    /** Validates the components. */
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
