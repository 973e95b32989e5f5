package org.modelheritage.store;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A directed lineage edge, parent → child, with lineage's confidence in it, what kind of relation
 * it is and the parent's weight in the child. A child has one edge, or one per parent when it is
 * a merge; a store keys edges by child and parent.
 *
 * @param weight the parent's share of the child in (0, 1]: its merge weight for a
 *     {@link EdgeKind#MERGE} edge, 1 for the other kinds
 */
public record LineageEdge(String parentId, String childId, double confidence, EdgeKind kind, double weight) {

    /**
     * The order of a child's parents, main one first: heaviest, then most confident, then the
     * smaller parent id; the rule the lineage engine's {@code LineageTree.parentEdge} follows.
     */
    public static final Comparator<LineageEdge> HEAVIEST_FIRST = Comparator
            .comparingDouble(LineageEdge::weight).reversed()
            .thenComparing(Comparator.comparingDouble(LineageEdge::confidence).reversed())
            .thenComparing(LineageEdge::parentId, Ids::compareCodePoints);

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
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("edge weight must be in (0, 1], got " + weight);
        }
    }

    /** An edge of a single parent (weight 1). */
    public LineageEdge(String parentId, String childId, double confidence, EdgeKind kind) {
        this(parentId, childId, confidence, kind, 1.0);
    }

    /**
     * Each child's main edge (the first by {@link #HEAVIEST_FIRST}): what a model's
     * {@code parentId} and {@code confidence} say. In the children's first-seen order.
     */
    public static Map<String, LineageEdge> mainEdges(Collection<LineageEdge> edges) {
        Map<String, LineageEdge> main = new LinkedHashMap<>();
        for (LineageEdge e : edges) {
            main.merge(e.childId(), e, (a, b) -> HEAVIEST_FIRST.compare(a, b) <= 0 ? a : b);
        }
        return main;
    }
}
