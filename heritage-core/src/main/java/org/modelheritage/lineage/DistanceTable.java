package org.modelheritage.lineage;

import java.util.Arrays;

/**
 * A symmetric distance matrix that grows one vertex at a time: row i holds the distances from
 * vertex i to vertices 0 .. i-1, so adding a vertex writes one new row and touches no other.
 */
final class DistanceTable {
    private double[][] rows = new double[8][];
    private int size;

    /** Adds a vertex; {@code toEarlier[j]} is its distance to vertex j, for every j below the new one. */
    void add(double[] toEarlier) {
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
        return i > j ? rows[i][j] : rows[j][i];
    }
}
