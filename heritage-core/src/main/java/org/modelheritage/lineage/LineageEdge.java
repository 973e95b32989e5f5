package org.modelheritage.lineage;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recovered parent → child relation: what the lineage engine finds, what a lake stores and
 * shows. A child has one edge, except a merge, which has one edge per parent, each with its merge
 * weight; a store keys edges by child and parent.
 *
 * @param parentId the parent model's id
 * @param childId the child model's id
 * @param confidence in [0, 1]: the calibrated probability that this parent, in this direction, is
 *     right (see "Confidence" in {@code docs/lineage.md})
 * @param kind what the relation is
 * @param weight the parent's share of the child in (0, 1]: its merge weight for a
 *     {@link EdgeKind#MERGE} edge (the weights of a merge's parents sum to about one), 1 for every
 *     other kind
 */
public record LineageEdge(String parentId, String childId, double confidence, EdgeKind kind, double weight) {

    /**
     * The order of a child's parents, main one first: heaviest, then most confident, then the
     * smaller parent id (by code point). {@link LineageTree#parentEdge} and a store's
     * {@code Model.parentId} follow it.
     */
    public static final Comparator<LineageEdge> HEAVIEST_FIRST = Comparator
            .comparingDouble(LineageEdge::weight).reversed()
            .thenComparing(Comparator.comparingDouble(LineageEdge::confidence).reversed())
            .thenComparing(LineageEdge::parentId, LineageEdge::compareCodePoints);

    /**
     * Checks the components.
     *
     * @param parentId   not null, not {@code childId}
     * @param childId    not null
     * @param confidence in [0, 1] (NaN is refused)
     * @param kind       not null
     * @param weight     in (0, 1]
     * @throws IllegalArgumentException when the edge links a model to itself or a number is out of range
     * @throws NullPointerException when an id or the kind is null
     */
    public LineageEdge {
        Objects.requireNonNull(parentId, "parent id");
        Objects.requireNonNull(childId, "child id");
        if (parentId.equals(childId)) {
            throw new IllegalArgumentException("a lineage edge cannot link " + parentId + " to itself");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("edge confidence must be in [0, 1], got " + confidence);
        }
        Objects.requireNonNull(kind, "edge kind");
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("edge weight must be in (0, 1], got " + weight);
        }
    }

    /**
     * An edge of a single parent (weight 1).
     *
     * @param parentId   the parent model's id, not null
     * @param childId    the child model's id, not null, not the parent's
     * @param confidence the calibrated probability the edge is right, in [0, 1]
     * @param kind       what the relation is; not {@link EdgeKind#MERGE}, whose edges carry a weight
     * @throws IllegalArgumentException when the edge links a model to itself or the confidence is out of range
     * @throws NullPointerException when an id or the kind is null
     */
    public LineageEdge(String parentId, String childId, double confidence, EdgeKind kind) {
        this(parentId, childId, confidence, kind, 1.0);
    }

    /** {@return whether the two hold the same weights (up to dtype rounding), so the direction means nothing} */
    public boolean duplicate() {
        return kind == EdgeKind.DUPLICATE;
    }

    /** {@return whether this is one of several parent edges of a merged model} */
    public boolean merge() {
        return kind == EdgeKind.MERGE;
    }

    /**
     * Each child's main edge (the first by {@link #HEAVIEST_FIRST}): what a model's
     * {@code parentId} and {@code confidence} say. In the children's first-seen order.
     *
     * @param edges any edges, a merge's several parent edges included
     * @return each child's main edge, keyed by child id, in the order the children first appear
     */
    public static Map<String, LineageEdge> mainEdges(Collection<LineageEdge> edges) {
        Map<String, LineageEdge> main = new LinkedHashMap<>();
        for (LineageEdge e : edges) {
            main.merge(e.childId(), e, (a, b) -> HEAVIEST_FIRST.compare(a, b) <= 0 ? a : b);
        }
        return main;
    }

    private static int compareCodePoints(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }
}
