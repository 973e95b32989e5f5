package org.modelheritage.lineage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A family's recovered tree.
 *
 * @param members every model, sorted by id
 * @param roots the models without a parent (one per tree; a family is one tree)
 * @param edges parent to child edges, sorted by child id then parent id: one per non-root member,
 *     several for a merge (one per parent)
 * @param lowRank true when the family's differences were found low-rank (merged adapters), so
 *     the rank distance and the kurtosis signal were used
 * @param mode how the direction signal was read for this family (AUTO resolved)
 */
public record LineageTree(List<String> members, List<String> roots, List<LineageEdge> edges,
        boolean lowRank, DirectionMode mode) {

    /**
     * Copies the lists and checks the mode.
     *
     * @param members not null; copied
     * @param roots   not null; copied
     * @param edges   not null; copied
     * @param lowRank which distance the tree was built on
     * @param mode    not null
     * @throws NullPointerException when a list, an element or the mode is null
     */
    public LineageTree {
        members = List.copyOf(members);
        roots = List.copyOf(roots);
        edges = List.copyOf(edges);
        Objects.requireNonNull(mode, "mode");
    }

    /**
     * The tree as a graph to walk (children, ancestors, topological order, a depth-first walk, a
     * JGraphT view), its lists in member order. Built on each call.
     *
     * @return a new graph over the members and edges
     */
    public LineageGraph graph() {
        return LineageGraph.of(members, edges);
    }

    /**
     * Whether the model is a root of this tree (it has no parent).
     *
     * @param modelId a model id
     * @return true for a root; false for any other member and for a model not in the tree
     */
    public boolean isRoot(String modelId) {
        return roots.contains(modelId);
    }

    /**
     * The main edge into a model: its only one, or a merge's heaviest parent (the more confident on
     * equal weights); empty for a root.
     *
     * @param modelId a model id
     * @return the main parent edge, or empty for a root or a model not in the tree
     */
    public Optional<LineageEdge> parentEdge(String modelId) {
        return edges.stream().filter(e -> e.childId().equals(modelId))
                .max(java.util.Comparator.comparingDouble(LineageEdge::weight)
                        .thenComparingDouble(LineageEdge::confidence)
                        .thenComparing(LineageEdge::parentId, java.util.Comparator.reverseOrder()));
    }

    /**
     * Every edge into a model: one, several for a merge, none for a root.
     *
     * @param modelId a model id
     * @return the edges into it, in {@link #edges()} order (by parent id); empty for a root or a model not in the tree
     */
    public List<LineageEdge> parentEdges(String modelId) {
        return edges.stream().filter(e -> e.childId().equals(modelId)).toList();
    }
}
