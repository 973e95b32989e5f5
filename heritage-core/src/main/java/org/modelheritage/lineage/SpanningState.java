package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.List;

/**
 * What the default recipe keeps of a family's tree so that the next model can be added in linear
 * time ({@link FamilyTreeBuilder#grow}): the representatives (duplicates collapsed) in the order
 * they came in, their distances, nearest neighbours, kurtosis sums and spanning tree. Owned by
 * one {@link LineageIndex}, used under its lock.
 */
final class SpanningState {
    /** The duplicate edges found when the family was last built from scratch. */
    final List<LineageEdge> duplicates;
    final boolean lowRank;
    NearestNeighbours nearest;
    final DistanceTable table;
    /** Representatives by vertex number (arrival order; id-sorted after a full build). */
    final List<String> ids = new ArrayList<>();
    final List<Double> kurtosis = new ArrayList<>();
    SpanningTrees.Edges tree;

    SpanningState(List<LineageEdge> duplicates, boolean lowRank, NearestNeighbours nearest, DistanceTable table) {
        this.duplicates = List.copyOf(duplicates);
        this.lowRank = lowRank;
        this.nearest = nearest;
        this.table = table;
    }
}
