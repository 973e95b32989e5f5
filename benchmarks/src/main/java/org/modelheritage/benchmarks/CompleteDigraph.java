package org.modelheritage.benchmarks;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;
import org.jgrapht.GraphType;
import org.jgrapht.graph.AbstractGraph;
import org.jgrapht.graph.DefaultGraphType;

/**
 * The complete directed graph on vertices 0..n-1 as a read-only JGraphT {@code Graph}, with edges
 * and weights computed rather than stored: edge {@code e = s * (n - 1) + k} runs from s to the k-th
 * other vertex, and its weight is a fixed pseudo-random number in [0, 1) derived from e. A
 * {@code SimpleDirectedWeightedGraph} of 5,000 vertices would hold 25 million edge objects (several
 * GB); this one holds nothing, so the benchmark measures the algorithm reading a JGraphT graph.
 */
final class CompleteDigraph extends AbstractGraph<Integer, Integer> {
    private static final GraphType TYPE = new DefaultGraphType.Builder().directed().weighted(true)
            .allowSelfLoops(false).allowMultipleEdges(false).allowCycles(true).modifiable(false).build();

    private final int n;
    private final long seed;
    private final Set<Integer> vertices;
    private final Set<Integer> edges;

    CompleteDigraph(int n, long seed) {
        if (n < 1 || (long) n * (n - 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vertices: " + n);
        }
        this.n = n;
        this.seed = seed;
        this.vertices = range(0, n);
        this.edges = range(0, n * (n - 1));
    }

    private static Set<Integer> range(int from, int to) {
        return new AbstractSet<>() {
            @Override
            public Iterator<Integer> iterator() {
                return new Iterator<>() {
                    private int next = from;

                    @Override
                    public boolean hasNext() {
                        return next < to;
                    }

                    @Override
                    public Integer next() {
                        if (next >= to) {
                            throw new NoSuchElementException();
                        }
                        return next++;
                    }
                };
            }

            @Override
            public int size() {
                return to - from;
            }

            @Override
            public boolean contains(Object o) {
                return o instanceof Integer i && i >= from && i < to;
            }
        };
    }

    private boolean isVertex(Object v) {
        return v instanceof Integer i && i >= 0 && i < n;
    }

    @Override
    public Integer getEdgeSource(Integer e) {
        return e / (n - 1);
    }

    @Override
    public Integer getEdgeTarget(Integer e) {
        int s = e / (n - 1);
        int k = e % (n - 1);
        return k < s ? k : k + 1;
    }

    @Override
    public double getEdgeWeight(Integer e) {
        // SplitMix64 finaliser of (seed, e): 53 random bits
        long z = seed + (e + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    @Override
    public Integer getEdge(Integer s, Integer t) {
        if (!isVertex(s) || !isVertex(t) || s.equals(t)) {
            return null;
        }
        return s * (n - 1) + (t < s ? t : t - 1);
    }

    @Override
    public Set<Integer> getAllEdges(Integer s, Integer t) {
        Integer e = getEdge(s, t);
        return e == null ? Set.of() : Set.of(e);
    }

    @Override
    public boolean containsEdge(Integer e) {
        return edges.contains(e);
    }

    @Override
    public boolean containsVertex(Integer v) {
        return isVertex(v);
    }

    @Override
    public Set<Integer> edgeSet() {
        return edges;
    }

    @Override
    public Set<Integer> vertexSet() {
        return vertices;
    }

    @Override
    public Set<Integer> outgoingEdgesOf(Integer v) {
        return range(v * (n - 1), (v + 1) * (n - 1));
    }

    @Override
    public Set<Integer> incomingEdgesOf(Integer v) {
        throw new UnsupportedOperationException("not needed by the benchmark");
    }

    @Override
    public Set<Integer> edgesOf(Integer v) {
        throw new UnsupportedOperationException("not needed by the benchmark");
    }

    @Override
    public int outDegreeOf(Integer v) {
        return n - 1;
    }

    @Override
    public int inDegreeOf(Integer v) {
        return n - 1;
    }

    @Override
    public int degreeOf(Integer v) {
        return 2 * (n - 1);
    }

    @Override
    public GraphType getType() {
        return TYPE;
    }

    @Override
    public Supplier<Integer> getVertexSupplier() {
        return null;
    }

    @Override
    public Supplier<Integer> getEdgeSupplier() {
        return null;
    }

    @Override
    public Integer addEdge(Integer s, Integer t) {
        throw readOnly();
    }

    @Override
    public boolean addEdge(Integer s, Integer t, Integer e) {
        throw readOnly();
    }

    @Override
    public Integer addVertex() {
        throw readOnly();
    }

    @Override
    public boolean addVertex(Integer v) {
        throw readOnly();
    }

    @Override
    public Integer removeEdge(Integer s, Integer t) {
        throw readOnly();
    }

    @Override
    public boolean removeEdge(Integer e) {
        throw readOnly();
    }

    @Override
    public boolean removeVertex(Integer v) {
        throw readOnly();
    }

    @Override
    public void setEdgeWeight(Integer e, double weight) {
        throw readOnly();
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("a computed graph is read-only");
    }
}
