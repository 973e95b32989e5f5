package org.modelheritage.lake;

import java.util.List;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.Family;

/**
 * A family's recovered genealogy: every member, and every directed parent → child edge: one for
 * each non-root, one per parent for a merge.
 */
public record FamilyTree(Family family, List<Node> nodes, List<LineageEdge> edges) {
    /** Validates the components. */
    public FamilyTree {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A member of the family; {@code root} when it has no parent. */
    public record Node(String id, String name, boolean root, Long parameterCount) {
    }
}
