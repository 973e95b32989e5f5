package org.modelheritage.store;

import java.util.Objects;

/**
 * A family as a lake stores it: models sharing an architecture and a common ancestor.
 *
 * @param id the family id: an opaque id the lake gives a family when it first appears (a UUID)
 *     and keeps while the family grows or loses members; the only meaning a family id has (the
 *     lineage engine's {@link org.modelheritage.family.ModelCluster} has none and is known by its
 *     members)
 * @param structuralHash the architecture the members share
 * @param memberCount  derived by the store from the models that name this family; ignored on writes
 * @param rootModelId  the family's root (the base model), null until lineage has found it
 */
public record Family(String id, String structuralHash, long memberCount, String rootModelId) {
    /**
     * Checks the components.
     *
     * @param id             checked by {@link Ids#requireId}
     * @param structuralHash non-blank, at most 256 characters
     * @param memberCount    at least 0
     * @param rootModelId    null or checked by {@link Ids#requireId}
     * @throws IllegalArgumentException when a component breaks its rule
     * @throws NullPointerException when {@code structuralHash} is null
     */
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
