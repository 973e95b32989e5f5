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
 * @param family the family as stored
 * @param nodes  the members, by name (case-insensitive, then exact name, then id)
 * @param edges  every lineage edge, ordered by parent then child, with kind, weight and confidence
 */
public record FamilyTree(Family family, List<Node> nodes, List<LineageEdge> edges) {
    /**
     * Copies the lists.
     *
     * @param family the family
     * @param nodes  the members, not null; copied
     * @param edges  the edges, not null; copied
     * @throws NullPointerException when a list or an element is null
     */
    public FamilyTree {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * The family as a graph to walk (children, ancestors, roots, topological order, a depth-first
     * walk, a JGraphT view), its lists in {@link #nodes()} order. Built on each call.
     *
     * @return a new graph over the members and edges
     */
    public LineageGraph graph() {
        return LineageGraph.of(nodes.stream().map(Node::id).toList(), edges);
    }

    /**
     * The member with this id.
     *
     * @param id a model id
     * @return the member, or empty when the model is not in the family
     */
    public Optional<Node> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /**
     * A member of the family.
     *
     * @param id             the model's id
     * @param name           the model's name
     * @param root           true when it has no parent in the family
     * @param parameterCount its number of scalar weights; null when not known
     */
    public record Node(String id, String name, boolean root, Long parameterCount) {
    }
}
