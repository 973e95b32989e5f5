package org.modelheritage.store;

import java.util.Objects;

/** A directed lineage edge, parent → child, with lineage's confidence in it. */
public record LineageEdge(String parentId, String childId, double confidence, EdgeKind kind) {
    public LineageEdge {
        Ids.requireId(parentId, "parent id");
        Ids.requireId(childId, "child id");
        if (parentId.equals(childId)) {
            throw new IllegalArgumentException("a lineage edge cannot link " + parentId + " to itself");
        }
        if (!Double.isFinite(confidence)) {
            throw new IllegalArgumentException("edge confidence must be finite, got " + confidence);
        }
        Objects.requireNonNull(kind, "edge kind");
    }
}
