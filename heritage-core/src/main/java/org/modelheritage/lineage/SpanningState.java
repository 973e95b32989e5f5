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
     * Values the orientation reads per tree edge, by edge ({@code lower-id vertex << 32 | other}):
     * the direction evidence per signal (by ordinal) and the norm growth (last), NaN until computed.
     */
    final Map<Long, double[]> edgeValues = new HashMap<>();
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
