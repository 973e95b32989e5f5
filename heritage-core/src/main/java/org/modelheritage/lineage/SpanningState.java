package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the default recipe keeps of a family's tree so that the next model can be added without
 * rebuilding it ({@link FamilyTreeBuilder#grow}, {@link FamilyTreeBuilder#growSparse}): the
 * representatives (duplicates collapsed) in the order they came in, their distances, nearest
 * neighbours, kurtosis sums and spanning tree. Owned by one {@link LineageIndex}, used under its
 * lock.
 */
final class SpanningState {
    /** The duplicate edges found when the family was last built from scratch. */
    final List<LineageEdge> duplicates;
    final boolean lowRank;
    NearestNeighbours nearest;
    /** Every pair's distance, or (a hub-sized family) its candidate pairs'. */
    final DistanceTable table;
    /** Representatives by vertex number (arrival order; id-sorted after a full build). */
    final List<String> ids = new ArrayList<>();
    final List<Double> kurtosis = new ArrayList<>();
    SpanningTrees.Edges tree;

    // ---- a candidate-pair (sparse) state only

    /** Each vertex's number. */
    final Map<String, Integer> vertexOf = new HashMap<>();
    /** The vertices in id order, and each vertex's position in it (its rank). */
    final List<String> byId = new ArrayList<>();
    int[] rank;
    /** The tree's edges in ascending edge order (as {@link #tree} lists them), with their distances. */
    double[] treeDistance;
    /**
     * Values the orientation reads per tree edge, by edge ({@link #edgeKey}):
     * the direction evidence per signal (by ordinal) and the norm growth (last), NaN until computed.
     */
    final Map<Long, double[]> edgeValues = new HashMap<>();

    /**
     * The key of tree edge (lower-id vertex, other vertex) in {@link #edgeValues}: the pair as one
     * long times an odd constant (one to one), so that {@link Long#hashCode} spreads it; the pair
     * itself as a long hashes to {@code lo ^ hi}, which collides for most edges of a hub.
     */
    static long edgeKey(int lo, int hi) {
        return (((long) lo << 32) | (hi & 0xffffffffL)) * 0x9E3779B97F4A7C15L;
    }

    // ---- what the tree's edges were scored from, per child vertex (a sparse state grown by
    // FamilyTreeBuilder.growSparse): each value is a function of the vertices named beside it alone,
    // so it is computed again only when those change

    /** Per child vertex: the parent its {@link #kind} was found for (-1: none yet). */
    int[] kindParent = new int[0];
    /** Per child vertex: the edge kind from {@link #kindParent}. */
    EdgeKind[] kind = new EdgeKind[0];
    /** Per child vertex: the grandparent and parent its {@link #continuation} was computed for. */
    int[] continuationGrandparent = new int[0];
    int[] continuationParent = new int[0];
    double[] continuation = new double[0];
    /** Per child vertex: the grandparent and parent its sibling check ({@link #lift}) was read for. */
    int[] liftGrandparent = new int[0];
    int[] liftParent = new int[0];
    boolean[] lift = new boolean[0];
    /** Per child vertex: the grandparent and parent its rows were read for ({@link #attachHeld}). */
    int[] attachGrandparent = new int[0];
    int[] attachParent = new int[0];
    /** Per child vertex: whether the rows hold it below its parent (FamilyTreeBuilder.attachByRows leaves it). */
    boolean[] attachHeld = new boolean[0];
    /** Per child vertex: the table's change count of its candidates when {@link #attachShares} was read (-1: never). */
    int[] attachChanges = new int[0];
    /** Per child vertex: whether it shares a row ({@link RowStates#shares}) with one of its candidates. */
    boolean[] attachShares = new boolean[0];
    /** {@link RowStates#count} of the chains read so far, by ancestor, parent and child ids: a function of the three signatures. */
    final Map<String, RowStates.Count> rowStates = new HashMap<>();
    /** {@link RowStates#shares} of the vertex pairs read so far, by {@link #edgeKey} (lower vertex first). */
    final Map<Long, Boolean> rowShares = new HashMap<>();
    /** Per child vertex: the edge last made for it (reused while its values stay the same). */
    LineageEdge[] edge = new LineageEdge[0];

    /** Makes the per-child arrays hold at least n vertices (new entries unknown). */
    void ensureEdgeCaches(int n) {
        int old = kindParent.length;
        if (old >= n) {
            return;
        }
        int size = Math.max(n, old + (old >> 1) + 16);
        kindParent = java.util.Arrays.copyOf(kindParent, size);
        kind = java.util.Arrays.copyOf(kind, size);
        continuationGrandparent = java.util.Arrays.copyOf(continuationGrandparent, size);
        continuationParent = java.util.Arrays.copyOf(continuationParent, size);
        continuation = java.util.Arrays.copyOf(continuation, size);
        liftGrandparent = java.util.Arrays.copyOf(liftGrandparent, size);
        liftParent = java.util.Arrays.copyOf(liftParent, size);
        lift = java.util.Arrays.copyOf(lift, size);
        attachGrandparent = java.util.Arrays.copyOf(attachGrandparent, size);
        attachParent = java.util.Arrays.copyOf(attachParent, size);
        attachHeld = java.util.Arrays.copyOf(attachHeld, size);
        attachChanges = java.util.Arrays.copyOf(attachChanges, size);
        attachShares = java.util.Arrays.copyOf(attachShares, size);
        edge = java.util.Arrays.copyOf(edge, size);
        java.util.Arrays.fill(kindParent, old, size, -1);
        java.util.Arrays.fill(continuationParent, old, size, -1);
        java.util.Arrays.fill(liftParent, old, size, -1);
        java.util.Arrays.fill(attachParent, old, size, -1);
        java.util.Arrays.fill(attachChanges, old, size, -1);
    }
    /**
     * Where each vertex's candidate merge parents end ({@link MergeDetector.Reach}), once its merge
     * check ran since its candidates last shrank; absent: not known (a null value: fewer than six).
     */
    final Map<String, MergeDetector.Reach> mergeReach = new HashMap<>();

    SpanningState(List<LineageEdge> duplicates, boolean lowRank, NearestNeighbours nearest, DistanceTable table) {
        this.duplicates = List.copyOf(duplicates);
        this.lowRank = lowRank;
        this.nearest = nearest;
        this.table = table;
    }

    /** A state over candidate pairs, grown by {@link FamilyTreeBuilder#growSparse}. */
    boolean sparse() {
        return table.isSparse();
    }
}
