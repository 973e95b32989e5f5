package org.modelheritage.lineage;

import java.util.Objects;

/**
 * One recovered parent to child relation.
 *
 * @param parent the parent model's id
 * @param child the child model's id
 * @param kind what the relation is
 * @param confidence in [0, 1]. For a fine-tuning edge: the product of how clearly this parent
 *     beats the child's next-best possible parent ({@code 1 - d(parent, child) / d(next, child)},
 *     next ranging over the models outside the child's subtree: 0 when another parent is as
 *     close, 1 when there is no other) and how much the direction evidence on this edge agrees
 *     with its direction ({@code (1 + e) / 2} for evidence e in [-1, 1]: 1 when every voting
 *     matrix agrees, 0.5 when it says nothing). For MoTHer's arborescence, the first factor on
 *     the edge costs {@code W} and no second factor. For a duplicate: how far inside the rounding
 *     band the copies are (1 for identical weights).
 * @param distance the distance the tree was built on, for this pair
 */
public record LineageEdge(String parent, String child, Kind kind, double confidence, double distance) {

    /** What an edge says. */
    public enum Kind {
        /** The child was trained from the parent (full or low-rank fine-tuning, continued training). */
        FINE_TUNE,
        /**
         * The child is the parent's weights again, exactly or up to a dtype cast: the parent is the
         * copy with the finer precision (or, at equal precision, the smaller id).
         */
        DUPLICATE
    }

    public LineageEdge {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(kind, "kind");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence outside [0, 1]: " + confidence);
        }
    }
}
