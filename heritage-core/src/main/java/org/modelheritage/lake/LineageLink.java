package org.modelheritage.lake;

import java.util.Objects;
import org.modelheritage.lineage.EdgeKind;

/**
 * The other end of a lineage edge, seen from one model: one of its parents or one of its
 * children, with what the edge says.
 *
 * @param confidence the lineage engine's confidence in the edge
 * @param kind what the relation is (fine-tune, duplicate, quantized, adapter, resize, merge)
 * @param weight the parent's share of the child: its merge weight for a merge, 1 otherwise
 */
public record LineageLink(String id, String name, double confidence, EdgeKind kind, double weight) {
    /** Validates the components. */
    public LineageLink {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
    }

    /** A link of a single-parent kind (weight 1). */
    public LineageLink(String id, String name, double confidence, EdgeKind kind) {
        this(id, name, confidence, kind, 1.0);
    }

    /** The kind as it is written in JSON and exports: {@code fine-tune}, {@code merge}. */
    public String kindLabel() {
        return kind.label();
    }
}
