package org.modelheritage.store;

import java.util.Objects;

/**
 * A family: models sharing an architecture and a common ancestor.
 *
 * @param memberCount  derived by the store from the models that name this family; ignored on writes
 * @param rootModelId  the family's root (the base model), null until lineage has found it
 */
public record Family(String id, String structuralHash, long memberCount, String rootModelId) {
    public Family {
        Ids.requireId(id, "family id");
        Objects.requireNonNull(structuralHash, "structural hash");
        if (structuralHash.isBlank() || structuralHash.length() > 256) {
            throw new IllegalArgumentException("structural hash must be non-blank and at most 256 characters");
        }
        if (memberCount < 0) {
            throw new IllegalArgumentException("member count must be >= 0");
        }
        Ids.optionalId(rootModelId, "root model id");
    }
}
