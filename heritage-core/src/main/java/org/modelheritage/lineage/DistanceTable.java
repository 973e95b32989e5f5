package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A symmetric distance table that grows one vertex at a time. Dense: row i holds the distances
 * from vertex i to vertices 0 .. i-1, so adding a vertex writes one new row and touches no other.
 * Sparse (a candidate graph): only the pairs given, each vertex with its neighbours and their
 * distances side by side; pairs can be added and removed and vertices appended.
 */
final class DistanceTable {
    private double[][] rows = new double[8][];
    private int size;
    /** A sparse table's distances by pair ({@code min << 32 | max}); null when dense. */
    private Map<Long, Double> pairs;
    /** A sparse table's neighbours of each vertex, their distances alongside, and how many. */
    private int[][] nbr;
    private double[][] nbrDistance;
    private int[] degree;
    /** A sparse table's count of changes to each vertex's neighbours (a vertex's list is the same while it is). */
    private int[] changes;

    /** A table of {@code n} vertices holding only the pairs {@link #put} gives (a candidate graph). */
    static DistanceTable sparse(int n) {
        DistanceTable t = new DistanceTable();
        t.size = n;
        t.pairs = new HashMap<>();
        int capacity = Math.max(8, n);
        t.nbr = new int[capacity][];
        t.nbrDistance = new double[capacity][];
        t.degree = new int[capacity];
        t.changes = new int[capacity];
        for (int i = 0; i < n; i++) {
            t.nbr[i] = new int[4];
            t.nbrDistance[i] = new double[4];
        }
        return t;
    }

    boolean isSparse() {
        return pairs != null;
    }

    /** A sparse table's distance between vertices i and j. */
    void put(int i, int j, double d) {
        if (pairs.put(key(i, j), d) == null) {
            link(i, j, d);
            link(j, i, d);
        } else {
            setLinked(i, j, d);
            setLinked(j, i, d);
        }
    }

    /** Takes a pair out of a sparse table; false when it was not there. */
    boolean remove(int i, int j) {
        if (pairs.remove(key(i, j)) == null) {
            return false;
        }
        unlink(i, j);
        unlink(j, i);
        return true;
    }

    /** How many pairs a sparse table holds. */
    int pairCount() {
        return pairs.size();
    }

    /** Whether a sparse table holds the pair. */
    boolean contains(int i, int j) {
        return pairs.containsKey(key(i, j));
    }

    /** Appends a vertex to a sparse table, without pairs yet; returns its number. */
    int addVertex() {
        if (size == nbr.length) {
            int capacity = size * 2;
            nbr = Arrays.copyOf(nbr, capacity);
            nbrDistance = Arrays.copyOf(nbrDistance, capacity);
            degree = Arrays.copyOf(degree, capacity);
            changes = Arrays.copyOf(changes, capacity);
        }
        nbr[size] = new int[4];
        nbrDistance[size] = new double[4];
        return size++;
    }

    private void link(int i, int j, double d) {
        if (degree[i] == nbr[i].length) {
            nbr[i] = Arrays.copyOf(nbr[i], degree[i] * 2);
            nbrDistance[i] = Arrays.copyOf(nbrDistance[i], degree[i] * 2);
        }
        nbr[i][degree[i]] = j;
        nbrDistance[i][degree[i]++] = d;
        changes[i]++;
    }

    private void setLinked(int i, int j, double d) {
        for (int x = 0; x < degree[i]; x++) {
            if (nbr[i][x] == j) {
                nbrDistance[i][x] = d;
            }
        }
    }

    /** Removes j from i's neighbours, keeping the order of the others (their order is the order pairs came in). */
    private void unlink(int i, int j) {
        int at = 0;
        while (nbr[i][at] != j) {
            at++;
        }
        int tail = degree[i] - at - 1;
        System.arraycopy(nbr[i], at + 1, nbr[i], at, tail);
        System.arraycopy(nbrDistance[i], at + 1, nbrDistance[i], at, tail);
        degree[i]--;
        changes[i]++;
    }

    /** How many times a sparse table's neighbours of v changed: equal counts, the same neighbours. */
    int changes(int v) {
        return changes[v];
    }

    private static long key(int i, int j) {
        return ((long) Math.min(i, j) << 32) | Math.max(i, j);
    }

    /** A sparse table's pairs of vertex v (null for a dense table: every other vertex). */
    int[] neighbours(int v) {
        return pairs == null ? null : Arrays.copyOf(nbr[v], degree[v]);
    }

    /** A sparse table's distances to the vertices {@link #neighbours} gives, in the same order. */
    double[] neighbourDistances(int v) {
        return Arrays.copyOf(nbrDistance[v], degree[v]);
    }

    /** Every pair of a sparse table as {@code {i, j}} with i < j, or null for a dense one. */
    List<int[]> sparsePairs() {
        if (pairs == null) {
            return null;
        }
        List<int[]> out = new ArrayList<>(pairs.size());
        for (long k : pairs.keySet()) {
            out.add(new int[] {(int) (k >>> 32), (int) k});
        }
        return out;
    }

    /** Adds a vertex; {@code toEarlier[j]} is its distance to vertex j, for every j below the new one. */
    void add(double[] toEarlier) {
        if (pairs != null) {
            throw new IllegalStateException("a sparse table grows by addVertex and put");
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
