package org.modelheritage.lineage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A family's recovered tree.
 *
 * @param familyId the family's id
 * @param members every model, sorted by id
 * @param roots the models without a parent (one per tree; a family is one tree)
 * @param edges parent to child edges, sorted by child id
 * @param lowRank true when the family's differences were found low-rank (merged adapters), so
 *     the rank distance and the kurtosis signal were used
 * @param mode how the direction signal was read for this family (AUTO resolved)
 */
public record LineageTree(String familyId, List<String> members, List<String> roots, List<LineageEdge> edges,
        boolean lowRank, DirectionMode mode) {

    public LineageTree {
        Objects.requireNonNull(familyId, "familyId");
        members = List.copyOf(members);
        roots = List.copyOf(roots);
        edges = List.copyOf(edges);
        Objects.requireNonNull(mode, "mode");
    }

    public boolean isRoot(String modelId) {
        return roots.contains(modelId);
    }

    /** The edge into a model; empty for a root. */
    public Optional<LineageEdge> parentEdge(String modelId) {
        return edges.stream().filter(e -> e.child().equals(modelId)).findFirst();
    }
}
