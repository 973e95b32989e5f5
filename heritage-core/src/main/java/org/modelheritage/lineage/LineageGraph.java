package org.modelheritage.lineage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;
import org.jgrapht.Graph;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.DirectedAcyclicGraph;

/**
 * A family's lineage as a graph that can be walked: models are vertices, {@link LineageEdge}s
 * point parent → child. A merge has several parents, so the graph is a directed acyclic graph
 * rather than a tree; every other model has at most one parent. Each child's <em>main</em> parent
 * edge is its first by {@link LineageEdge#HEAVIEST_FIRST}; following main edges only gives a
 * spanning forest, which is how {@link #depthFirst} prints a family as a tree.
 *
 * <p>Immutable; lists keep the members' order (as given) wherever an order is not otherwise
 * stated, so walks are deterministic.
 */
public final class LineageGraph {
    private final List<String> members;
    private final Map<String, Integer> index;
    private final List<LineageEdge> edges;
    private final Map<String, List<LineageEdge>> parentEdges;
    private final Map<String, List<LineageEdge>> childEdges;
    private final List<String> roots;
    private final List<String> topological;

    private LineageGraph(List<String> members, List<LineageEdge> edges) {
        this.members = List.copyOf(members);
        this.edges = List.copyOf(edges);
        index = new HashMap<>();
        for (String m : this.members) {
            if (index.putIfAbsent(m, index.size()) != null) {
                throw new IllegalArgumentException("model " + m + " is listed twice");
            }
        }
        Map<String, List<LineageEdge>> in = new HashMap<>();
        Map<String, List<LineageEdge>> out = new HashMap<>();
        Set<List<String>> pairs = new HashSet<>();
        for (LineageEdge e : this.edges) {
            requireMember(e.parentId());
            requireMember(e.childId());
            if (!pairs.add(List.of(e.parentId(), e.childId()))) {
                throw new IllegalArgumentException("two edges from " + e.parentId() + " to " + e.childId());
            }
            in.computeIfAbsent(e.childId(), k -> new ArrayList<>()).add(e);
            out.computeIfAbsent(e.parentId(), k -> new ArrayList<>()).add(e);
        }
        Comparator<LineageEdge> byChild = Comparator.comparing(e -> index.get(e.childId()));
        parentEdges = new HashMap<>();
        in.forEach((child, list) -> parentEdges.put(child, sorted(list, LineageEdge.HEAVIEST_FIRST)));
        childEdges = new HashMap<>();
        out.forEach((parent, list) -> childEdges.put(parent, sorted(list, byChild)));
        roots = this.members.stream().filter(m -> !parentEdges.containsKey(m)).toList();
        topological = kahn();
    }

    /**
     * The graph of these members and edges.
     *
     * @param members every model of the family, each once; their order is the order of every list
     *     this graph returns unless stated otherwise
     * @param edges the family's parent → child edges; a child may have several parents (a merge)
     * @return the graph, immutable
     * @throws IllegalArgumentException when an edge names a model not among the members, a
     *     (parent, child) pair repeats, or the edges form a cycle
     */
    public static LineageGraph of(Collection<String> members, Collection<LineageEdge> edges) {
        return new LineageGraph(List.copyOf(members), List.copyOf(edges));
    }

    private static List<LineageEdge> sorted(List<LineageEdge> list, Comparator<LineageEdge> order) {
        List<LineageEdge> copy = new ArrayList<>(list);
        copy.sort(order);
        return List.copyOf(copy);
    }

    private void requireMember(String id) {
        if (!index.containsKey(id)) {
            throw new IllegalArgumentException("an edge names " + id + ", which is not a member");
        }
    }

    /** Parents before children; among models free at the same time, member order. */
    private List<String> kahn() {
        Map<String, Integer> parentsLeft = new HashMap<>();
        PriorityQueue<String> free = new PriorityQueue<>(Comparator.comparing(index::get));
        for (String m : members) {
            int n = parentEdges.getOrDefault(m, List.of()).size();
            parentsLeft.put(m, n);
            if (n == 0) {
                free.add(m);
            }
        }
        List<String> order = new ArrayList<>(members.size());
        while (!free.isEmpty()) {
            String m = free.poll();
            order.add(m);
            for (LineageEdge e : childEdges.getOrDefault(m, List.of())) {
                if (parentsLeft.merge(e.childId(), -1, Integer::sum) == 0) {
                    free.add(e.childId());
                }
            }
        }
        if (order.size() != members.size()) {
            String on = members.stream().filter(m -> parentsLeft.get(m) > 0).findFirst().orElseThrow();
            throw new IllegalArgumentException("lineage edges form a cycle (" + on + " is on it or below it)");
        }
        return List.copyOf(order);
    }

    /** {@return every model, in the order given; unmodifiable} */
    public List<String> members() {
        return members;
    }

    /** {@return every edge, in the order given; unmodifiable} */
    public List<LineageEdge> edges() {
        return edges;
    }

    /**
     * Whether the model is a member.
     *
     * @param modelId a model id
     * @return true when it is one of the graph's members
     */
    public boolean contains(String modelId) {
        return index.containsKey(modelId);
    }

    /** {@return the models without a parent, in member order: one per tree of the family} */
    public List<String> roots() {
        return roots;
    }

    /**
     * Whether the model has no parent.
     *
     * @param modelId a member's id
     * @return true for a root
     * @throws IllegalArgumentException for a model that is not a member
     */
    public boolean isRoot(String modelId) {
        return parentEdges(modelId).isEmpty();
    }

    /**
     * The edges into a model, main one first ({@link LineageEdge#HEAVIEST_FIRST}): one, several
     * for a merge, none for a root.
     *
     * @param modelId a member's id
     * @return the edges into it, main one first
     * @throws IllegalArgumentException for a model that is not a member
     */
    public List<LineageEdge> parentEdges(String modelId) {
        requireMember(modelId);
        return parentEdges.getOrDefault(modelId, List.of());
    }

    /**
     * The main edge into a model (a merge's heaviest parent).
     *
     * @param modelId a member's id
     * @return the main parent edge, or empty for a root
     * @throws IllegalArgumentException for a model that is not a member
     */
    public Optional<LineageEdge> mainParentEdge(String modelId) {
        List<LineageEdge> in = parentEdges(modelId);
        return in.isEmpty() ? Optional.empty() : Optional.of(in.get(0));
    }

    /**
     * Whether an edge is its child's main parent edge.
     *
     * @param edge an edge whose child is a member
     * @return true when it is the child's only or heaviest parent edge
     * @throws IllegalArgumentException when the edge's child is not a member
     */
    public boolean isMain(LineageEdge edge) {
        return mainParentEdge(edge.childId()).map(edge::equals).orElse(false);
    }

    /**
     * A model's parents, main one first.
     *
     * @param modelId a member's id
     * @return the parents' ids: one, several for a merge, none for a root
     * @throws IllegalArgumentException for a model that is not a member
     */
    public List<String> parents(String modelId) {
        return parentEdges(modelId).stream().map(LineageEdge::parentId).toList();
    }

    /**
     * The edges out of a model, by child in member order.
     *
     * @param modelId a member's id
     * @return its child edges; empty for a leaf
     * @throws IllegalArgumentException for a model that is not a member
     */
    public List<LineageEdge> childEdges(String modelId) {
        requireMember(modelId);
        return childEdges.getOrDefault(modelId, List.of());
    }

    /**
     * A model's children, in member order (a merge is a child of each of its parents).
     *
     * @param modelId a member's id
     * @return the children's ids; empty for a leaf
     * @throws IllegalArgumentException for a model that is not a member
     */
    public List<String> children(String modelId) {
        return childEdges(modelId).stream().map(LineageEdge::childId).toList();
    }

    /**
     * Every model the given one descends from, nearest first (breadth first over parent edges,
     * a merge's main parent first); not the model itself.
     *
     * @param modelId a member's id
     * @return its ancestors, each once; empty for a root
     * @throws IllegalArgumentException for a model that is not a member
     */
    public List<String> ancestors(String modelId) {
        return reach(modelId, this::parents);
    }

    /**
     * Every model descending from the given one, nearest first (breadth first); not the model itself.
     *
     * @param modelId a member's id
     * @return its descendants, each once; empty for a leaf
     * @throws IllegalArgumentException for a model that is not a member
     */
    public List<String> descendants(String modelId) {
        return reach(modelId, this::children);
    }

    private List<String> reach(String from, Function<String, List<String>> step) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>(step.apply(from));
        while (!queue.isEmpty()) {
            String m = queue.poll();
            if (seen.add(m)) {
                queue.addAll(step.apply(m));
            }
        }
        return List.copyOf(seen);
    }

    /**
     * Every model with its parents before it (a topological order, which exists since lineage is
     * acyclic); among models whose parents have all been listed, member order.
     *
     * @return every member once, parents before children
     */
    public List<String> topologicalOrder() {
        return topological;
    }

    /**
     * One line of a depth-first walk.
     *
     * @param modelId the model reached
     * @param depth 0 for a root, one more per edge followed
     * @param via the edge followed to reach it, null for a root
     * @param expanded whether the walk goes on below this model here: false where {@code via} is
     *     a merge's lighter parent edge, since the merge is walked below its main parent
     */
    public record Step(String modelId, int depth, LineageEdge via, boolean expanded) {
    }

    /**
     * The family as a tree, depth first from each root in member order, children in member
     * order: every model appears once expanded (under its main parent), and once more, not
     * expanded, under each lighter parent of a merge. Printing a family is one loop over it.
     *
     * @return the walk's steps, in order
     */
    public List<Step> depthFirst() {
        List<Step> out = new ArrayList<>(members.size() + edges.size());
        Deque<Step> stack = new ArrayDeque<>();
        for (int r = roots.size() - 1; r >= 0; r--) {
            stack.push(new Step(roots.get(r), 0, null, true));
        }
        while (!stack.isEmpty()) {
            Step s = stack.pop();
            out.add(s);
            if (s.expanded()) {
                List<LineageEdge> children = childEdges(s.modelId());
                for (int i = children.size() - 1; i >= 0; i--) {
                    LineageEdge e = children.get(i);
                    stack.push(new Step(e.childId(), s.depth() + 1, e, isMain(e)));
                }
            }
        }
        return out;
    }

    /**
     * The same graph as a JGraphT directed acyclic graph (unmodifiable, unweighted: read an
     * edge's confidence and weight from the edge), for JGraphT's algorithms and exporters.
     * Built on each call.
     *
     * @return a new unmodifiable JGraphT graph: the members as vertices, the edges as edges
     */
    public Graph<String, LineageEdge> asGraph() {
        DirectedAcyclicGraph<String, LineageEdge> g = new DirectedAcyclicGraph<>(LineageEdge.class);
        members.forEach(g::addVertex);
        edges.forEach(e -> g.addEdge(e.parentId(), e.childId(), e));
        return new AsUnmodifiableGraph<>(g);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LineageGraph g && members.equals(g.members) && edges.equals(g.edges);
    }

    @Override
    public int hashCode() {
        return members.hashCode() * 31 + edges.hashCode();
    }

    @Override
    public String toString() {
        return "LineageGraph" + members + edges;
    }
}
