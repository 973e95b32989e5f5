package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A symmetric distance matrix that grows one vertex at a time: row i holds the distances from
 * vertex i to vertices 0 .. i-1, so adding a vertex writes one new row and touches no other.
 */
final class DistanceTable {
    private double[][] rows = new double[8][];
    private int size;
    /** A sparse table's distances by pair ({@code min * size + max}) and each vertex's neighbours; null when dense. */
    private Map<Long, Double> pairs;
    private List<List<Integer>> adjacency;

    /** A table of {@code n} vertices holding only the pairs {@link #put} gives (a candidate graph). */
    static DistanceTable sparse(int n) {
        DistanceTable t = new DistanceTable();
        t.size = n;
        t.pairs = new HashMap<>();
        t.adjacency = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            t.adjacency.add(new ArrayList<>());
        }
        return t;
    }

    /** A sparse table's distance between vertices i and j. */
    void put(int i, int j, double d) {
        if (pairs.put(key(i, j), d) == null) {
            adjacency.get(i).add(j);
            adjacency.get(j).add(i);
        }
    }

    private long key(int i, int j) {
        return (long) Math.min(i, j) * size + Math.max(i, j);
    }

    /** A sparse table's pairs of vertex v (null for a dense table: every other vertex). */
    int[] neighbours(int v) {
        return adjacency == null ? null : adjacency.get(v).stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every pair of a sparse table as {@code {i, j}} with i < j, or null for a dense one. */
    List<int[]> sparsePairs() {
        if (pairs == null) {
            return null;
        }
        List<int[]> out = new ArrayList<>(pairs.size());
        for (long k : pairs.keySet()) {
            out.add(new int[] {(int) (k / size), (int) (k % size)});
        }
        return out;
    }

    /** Adds a vertex; {@code toEarlier[j]} is its distance to vertex j, for every j below the new one. */
    void add(double[] toEarlier) {
        if (pairs != null) {
            throw new IllegalStateException("a sparse table does not grow");
        }
        if (toEarlier.length != size) {
            throw new IllegalArgumentException("row of " + toEarlier.length + " for vertex " + size);
        }
        if (size == rows.length) {
            rows = Arrays.copyOf(rows, size * 2);
        }
        rows[size++] = toEarlier;
    }

    int size() {
        return size;
    }

    /** The distance between two different vertices. */
    double get(int i, int j) {
        if (pairs != null) {
            Double d = pairs.get(key(i, j));
            return d == null ? Double.POSITIVE_INFINITY : d;
        }
        return i > j ? rows[i][j] : rows[j][i];
    }
}
