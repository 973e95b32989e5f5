package org.modelheritage.lake;

import java.util.Objects;
import org.modelheritage.lineage.EdgeKind;

/**
 * The other end of a lineage edge, seen from one model: one of its parents or one of its
 * children, with what the edge says.
 *
 * @param id         the other model's id
 * @param name       the other model's name
 * @param confidence the lineage engine's confidence in the edge
 * @param kind what the relation is (fine-tune, duplicate, quantized, adapter, resize, merge)
 * @param weight the parent's share of the child: its merge weight for a merge, 1 otherwise
 */
public record LineageLink(String id, String name, double confidence, EdgeKind kind, double weight) {
    /**
     * Checks the components.
     *
     * @param id         not null
     * @param name       the name, or null when unknown
     * @param confidence any value
     * @param kind       not null
     * @param weight     any value
     * @throws NullPointerException when {@code id} or {@code kind} is null
     */
    public LineageLink {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * A link of a single-parent kind (weight 1).
     *
     * @param id         the other model's id, not null
     * @param name       the other model's name
     * @param confidence the engine's confidence in the edge
     * @param kind       what the relation is, not null
     * @throws NullPointerException when {@code id} or {@code kind} is null
     */
    public LineageLink(String id, String name, double confidence, EdgeKind kind) {
        this(id, name, confidence, kind, 1.0);
    }

    /** {@return the kind as it is written in JSON and exports: {@code fine-tune}, {@code merge}} */
    public String kindLabel() {
        return kind.label();
    }
}
