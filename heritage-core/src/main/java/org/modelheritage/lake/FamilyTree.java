package org.modelheritage.lake;

import java.util.List;
import java.util.Optional;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageGraph;
import org.modelheritage.store.Family;

/**
 * A family's recovered genealogy: every member, and every directed parent → child edge: one for
 * each non-root, one per parent for a merge. {@link #graph()} walks it.
 *
 * @param nodes the members, by name (case-insensitive, then exact name, then id)
 */
public record FamilyTree(Family family, List<Node> nodes, List<LineageEdge> edges) {
    /** Validates the components. */
    public FamilyTree {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * The family as a graph to walk (children, ancestors, roots, topological order, a depth-first
     * walk, a JGraphT view), its lists in {@link #nodes()} order. Built on each call.
     */
    public LineageGraph graph() {
        return LineageGraph.of(nodes.stream().map(Node::id).toList(), edges);
    }

    /** The member with this id. */
    public Optional<Node> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** A member of the family; {@code root} when it has no parent. */
    public record Node(String id, String name, boolean root, Long parameterCount) {
    }
}
