package org.modelheritage.signature;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fixed pseudo-random submatrix of one weight matrix: the values at the crossings of chosen
 * rows and chosen columns, row-major. The rows and columns are drawn from a seed derived from the
 * tensor's name and shape only ({@link SketchPlan}), so every model with that tensor keeps the same
 * coordinates, and two models' sketches can be compared entry by entry. A submatrix is an
 * unbiased sample of the entries (for squared and absolute differences, correlations) and keeps
 * low-rank structure: {@code rank(dW[R, C]) = rank(dW)} generically while the rank is below the
 * sketch size. Small matrices are kept whole.
 *
 * <p>A tensor of more than two dimensions is seen as a matrix of {@code shape[0]} rows (after
 * dropping dimensions of size one) and the product of the other dimensions as columns.
 */
public final class MatrixSketch {
    private final String name;
    private final long rows;
    private final long cols;
    private final long[] rowIndex;
    private final long[] colIndex;
    private final float[] values;

    /** A sketch of matrix {@code name} ({@code rows} x {@code cols}): the values at the sampled row and column indices, row-major. */
    public MatrixSketch(String name, long rows, long cols, long[] rowIndex, long[] colIndex, float[] values) {
        this.name = Objects.requireNonNull(name, "name");
        this.rows = rows;
        this.cols = cols;
        this.rowIndex = rowIndex.clone();
        this.colIndex = colIndex.clone();
        if (values.length != rowIndex.length * colIndex.length) {
            throw new IllegalArgumentException("sketch of " + name + " has " + values.length + " values for "
                    + rowIndex.length + " x " + colIndex.length);
        }
        this.values = values.clone();
    }

    /** For the extractor: takes ownership of the arrays. */
    static MatrixSketch wrap(String name, long rows, long cols, long[] rowIndex, long[] colIndex, float[] values) {
        return new MatrixSketch(name, rows, cols, rowIndex, colIndex, values, true);
    }

    private MatrixSketch(String name, long rows, long cols, long[] rowIndex, long[] colIndex, float[] values,
            boolean owned) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.rowIndex = rowIndex;
        this.colIndex = colIndex;
        this.values = values;
    }

    /** The matrix's canonical tensor name. */
    public String name() {
        return name;
    }

    /** Rows of the whole matrix. */
    public long rows() {
        return rows;
    }

    /** Columns of the whole matrix. */
    public long cols() {
        return cols;
    }

    /** Rows kept. */
    public int sketchRows() {
        return rowIndex.length;
    }

    /** Columns kept. */
    public int sketchCols() {
        return colIndex.length;
    }

    /** True when the whole matrix is kept. */
    public boolean isComplete() {
        return rowIndex.length == rows && colIndex.length == cols;
    }

    /** True for a matrix with as many rows as columns (MoTHer's lineage matrices). */
    public boolean isSquare() {
        return rows == cols;
    }

    /** The sampled row indices, ascending. */
    public long[] rowIndex() {
        return rowIndex.clone();
    }

    /** The sampled column indices, ascending. */
    public long[] colIndex() {
        return colIndex.clone();
    }

    /** The kept value at sketch row {@code i}, sketch column {@code j}. */
    public float get(int i, int j) {
        return values[i * colIndex.length + j];
    }

    /** A copy of the kept values, row-major. */
    public float[] values() {
        return values.clone();
    }

    /**
     * The kept values without a copy, for the pairwise kernels (a copy per comparison would cost
     * more than the comparison). The array is the sketch's own: never modify it.
     */
    public float[] valuesView() {
        return values;
    }

    /** True when {@code other} sampled the same coordinates of a matrix of the same shape. */
    public boolean sameCoordinates(MatrixSketch other) {
        return rows == other.rows && cols == other.cols && Arrays.equals(rowIndex, other.rowIndex)
                && Arrays.equals(colIndex, other.colIndex);
    }

    /**
     * Where two sketches of one matrix meet: the positions, in each sketch, of the rows and of the
     * columns both kept (the same indices of the whole matrix). Sketches of equal shape share all
     * of them; a matrix that grew or shrank along an axis (a resized vocabulary) shares the
     * indices below the smaller length. Null when they share no row or no column.
     */
    public static Alignment alignment(MatrixSketch a, MatrixSketch b) {
        if (a.rows == b.rows && a.cols == b.cols && Arrays.equals(a.rowIndex, b.rowIndex)
                && Arrays.equals(a.colIndex, b.colIndex)) {
            int[] r = identity(a.rowIndex.length);
            int[] c = identity(a.colIndex.length);
            return new Alignment(r, r, c, c);
        }
        int[][] rows = common(a.rowIndex, b.rowIndex);
        int[][] cols = common(a.colIndex, b.colIndex);
        if (rows[0].length == 0 || cols[0].length == 0) {
            return null;
        }
        return new Alignment(rows[0], rows[1], cols[0], cols[1]);
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Positions of the common values of two sorted index arrays, in each. */
    private static int[][] common(long[] x, long[] y) {
        int[] px = new int[Math.min(x.length, y.length)];
        int[] py = new int[px.length];
        int n = 0;
        for (int i = 0, j = 0; i < x.length && j < y.length; ) {
            if (x[i] == y[j]) {
                px[n] = i++;
                py[n++] = j++;
            } else if (x[i] < y[j]) {
                i++;
            } else {
                j++;
            }
        }
        return new int[][] {Arrays.copyOf(px, n), Arrays.copyOf(py, n)};
    }

    /**
     * The positions two sketches share ({@link #alignment}): {@code rowsA[k]} in the first and
     * {@code rowsB[k]} in the second are the same row of the matrix; the same for columns.
     */
    public record Alignment(int[] rowsA, int[] rowsB, int[] colsA, int[] colsB) {
        /** The number of sampled rows. */
        public int rows() {
            return rowsA.length;
        }

        /** The number of sampled columns. */
        public int cols() {
            return colsA.length;
        }

        /** True when both sketches are used whole, in their own order. */
        public boolean whole(MatrixSketch a, MatrixSketch b) {
            return rowsA.length == a.sketchRows() && rowsB.length == b.sketchRows()
                    && colsA.length == a.sketchCols() && colsB.length == b.sketchCols();
        }

        /** The first sketch's shared values, row-major (its own array when it is used whole). */
        public float[] valuesA(MatrixSketch a) {
            return pick(a, rowsA, colsA);
        }

        /** The second sketch's shared values, row-major, at the same positions as {@link #valuesA}. */
        public float[] valuesB(MatrixSketch b) {
            return pick(b, rowsB, colsB);
        }

        private static float[] pick(MatrixSketch m, int[] r, int[] c) {
            if (r.length == m.sketchRows() && c.length == m.sketchCols()) {
                return m.values; // positions are increasing: all of them is the identity
            }
            int cols = m.sketchCols();
            float[] out = new float[r.length * c.length];
            for (int i = 0; i < r.length; i++) {
                int base = r[i] * cols;
                for (int j = 0; j < c.length; j++) {
                    out[i * c.length + j] = m.values[base + c[j]];
                }
            }
            return out;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatrixSketch m && sameCoordinates(m) && name.equals(m.name) && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, rows, cols, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return name + " sketch " + rowIndex.length + "x" + colIndex.length + " of " + rows + "x" + cols;
    }
}
