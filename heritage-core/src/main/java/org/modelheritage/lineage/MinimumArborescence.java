package org.modelheritage.lineage;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The minimum spanning arborescence problem, in the style of JGraphT's
 * {@code org.jgrapht.alg.interfaces}: an implementation takes its directed, weighted graph (and
 * optionally a required root) in its constructor and computes on demand. A spanning
 * arborescence is a set of edges in which every vertex but the root has exactly one incoming
 * edge and every vertex is reachable from the root; the minimum one has the least total weight.
 *
 * @param <V> vertex type
 * @param <E> edge type
 */
public interface MinimumArborescence<V, E> {

    /**
     * Computes (once) and returns the arborescence.
     *
     * @return the minimum spanning arborescence; the same object on every call
     * @throws IllegalArgumentException if no spanning arborescence exists (some vertex cannot be
     *     reached from any root, or not from the required one)
     */
    Arborescence<V, E> getArborescence();

    /**
     * A spanning arborescence: its root, its edges and their total weight.
     *
     * @param <V> vertex type
     * @param <E> edge type
     */
    interface Arborescence<V, E> extends Iterable<E> {
        /** {@return the arborescence's root: the one vertex without an incoming edge} */
        V getRoot();

        /** {@return the edges, one per vertex other than the root; unmodifiable} */
        Set<E> getEdges();

        /** {@return the sum of the edges' weights, as the graph gives them} */
        double getWeight();

        /**
         * The edge into a vertex.
         *
         * @param vertex a vertex of the graph
         * @return its incoming edge, or empty for the root (and for a vertex not in the graph)
         */
        Optional<E> getParentEdge(V vertex);

        /** {@return an iterator over {@link #getEdges()}} */
        @Override
        default Iterator<E> iterator() {
            return getEdges().iterator();
        }
    }

    /**
     * The immutable default {@link Arborescence}.
     *
     * @param <V> vertex type
     * @param <E> edge type
     */
    final class ArborescenceImpl<V, E> implements Arborescence<V, E>, Serializable {
        private static final long serialVersionUID = 1L;

        /** The root. */
        private final V root;
        /** The edges of the arborescence. */
        private final Set<E> edges;
        /** Each vertex's edge from its parent. */
        private final Map<V, E> parentEdges;
        /** The arborescence's total weight. */
        private final double weight;

        /**
         * An arborescence of these edges; nothing checks that they form one.
         *
         * @param root        the root, not null
         * @param parentEdges the edge into each vertex but the root; copied
         * @param weight      the edges' total weight
         * @throws NullPointerException when {@code root}, {@code parentEdges} or one of its keys or values is null
         */
        public ArborescenceImpl(V root, Map<V, E> parentEdges, double weight) {
            this.root = Objects.requireNonNull(root, "root");
            this.parentEdges = Map.copyOf(parentEdges);
            this.edges = Collections.unmodifiableSet(new LinkedHashSet<>(parentEdges.values()));
            this.weight = weight;
        }

        @Override
        public V getRoot() {
            return root;
        }

        @Override
        public Set<E> getEdges() {
            return edges;
        }

        @Override
        public double getWeight() {
            return weight;
        }

        @Override
        public Optional<E> getParentEdge(V vertex) {
            return Optional.ofNullable(parentEdges.get(vertex));
        }

        @Override
        public String toString() {
            return "Arborescence[root=" + root + ", weight=" + weight + ", edges=" + edges + "]";
        }
    }
}
