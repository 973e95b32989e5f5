package org.modelheritage.lake;

import java.util.List;
import org.modelheritage.store.Family;

/** A family's recovered genealogy: every member, and a directed parent → child edge for each non-root. */
public record FamilyTree(Family family, List<Node> nodes, List<Edge> edges) {
    public FamilyTree {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A member of the family; {@code root} when it has no parent. */
    public record Node(String id, String name, boolean root, Long parameterCount) {
    }

    /**
     * "child was fine-tuned from parent", with the lineage engine's confidence; {@code duplicate}
     * when the two hold the same weights (up to dtype rounding), so the direction means nothing.
     */
    public record Edge(String parentId, String childId, double confidence, boolean duplicate) {
    }
}
