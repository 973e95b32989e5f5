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

    /**
     * A sketch of matrix {@code name} ({@code rows} x {@code cols}): the values at the sampled row
     * and column indices, row-major. The arrays are copied.
     *
     * @param name     the tensor's canonical name ({@link TensorNames})
     * @param rows     the whole matrix's row count
     * @param cols     the whole matrix's column count
     * @param rowIndex the sampled row indices, ascending, each below {@code rows}
     * @param colIndex the sampled column indices, ascending, each below {@code cols}
     * @param values   the values at those crossings, row-major: {@code rowIndex.length * colIndex.length} of them
     * @throws IllegalArgumentException when {@code values} has the wrong length
     * @throws NullPointerException when an argument is null
     */
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

    /** {@return the matrix's canonical tensor name} */
    public String name() {
        return name;
    }

    /** {@return the whole matrix's row count} */
    public long rows() {
        return rows;
    }

    /** {@return the whole matrix's column count (the product of the trailing dimensions for a tensor of more than two)} */
    public long cols() {
        return cols;
    }

    /** {@return how many rows the sketch kept} */
    public int sketchRows() {
        return rowIndex.length;
    }

    /** {@return how many columns the sketch kept} */
    public int sketchCols() {
        return colIndex.length;
    }

    /** {@return whether the sketch kept every row and every column: it is the whole matrix} */
    public boolean isComplete() {
        return rowIndex.length == rows && colIndex.length == cols;
    }

    /** {@return whether the whole matrix has as many rows as columns (MoTHer's lineage matrices)} */
    public boolean isSquare() {
        return rows == cols;
    }

    /** {@return the sampled row indices of the whole matrix, ascending; a copy} */
    public long[] rowIndex() {
        return rowIndex.clone();
    }

    /** {@return the sampled column indices of the whole matrix, ascending; a copy} */
    public long[] colIndex() {
        return colIndex.clone();
    }

    /**
     * The kept value at a sketch position.
     *
     * @param i the sketch row, 0 to {@link #sketchRows()} - 1 (not the matrix's row index)
     * @param j the sketch column, 0 to {@link #sketchCols()} - 1
     * @return the value at matrix position ({@code rowIndex()[i]}, {@code colIndex()[j]})
     * @throws ArrayIndexOutOfBoundsException when the position is outside the sketch
     */
    public float get(int i, int j) {
        return values[i * colIndex.length + j];
    }

    /** {@return a copy of the kept values, row-major} */
    public float[] values() {
        return values.clone();
    }

    /**
     * The kept values without a copy, for the pairwise kernels (a copy per comparison would cost
     * more than the comparison). The array is the sketch's own: never modify it.
     *
     * @return the kept values, row-major; not a copy
     */
    public float[] valuesView() {
        return values;
    }

    /**
     * Whether another sketch sampled the same coordinates of a matrix of the same shape.
     *
     * @param other another sketch, not null
     * @return true when both matrices have the same shape and both sketches the same row and column indices
     */
    public boolean sameCoordinates(MatrixSketch other) {
        return rows == other.rows && cols == other.cols && Arrays.equals(rowIndex, other.rowIndex)
                && Arrays.equals(colIndex, other.colIndex);
    }

    /**
     * Where two sketches of one matrix meet: the positions, in each sketch, of the rows and of the
     * columns both kept (the same indices of the whole matrix). Sketches of equal shape share all
     * of them; a matrix that grew or shrank along an axis (a resized vocabulary) shares the
     * indices below the smaller length.
     *
     * @param a one sketch
     * @param b the other sketch, of the same tensor in another model
     * @return the shared positions, or null when they share no row or no column
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
     *
     * @param rowsA the shared rows' positions in the first sketch, ascending
     * @param rowsB the same rows' positions in the second sketch
     * @param colsA the shared columns' positions in the first sketch, ascending
     * @param colsB the same columns' positions in the second sketch
     */
    public record Alignment(int[] rowsA, int[] rowsB, int[] colsA, int[] colsB) {
        /** {@return the number of shared rows} */
        public int rows() {
            return rowsA.length;
        }

        /** {@return the number of shared columns} */
        public int cols() {
            return colsA.length;
        }

        /**
         * Whether both sketches are used whole, in their own order.
         *
         * @param a the first sketch of {@link MatrixSketch#alignment}
         * @param b the second sketch
         * @return true when every row and column of both is shared
         */
        public boolean whole(MatrixSketch a, MatrixSketch b) {
            return rowsA.length == a.sketchRows() && rowsB.length == b.sketchRows()
                    && colsA.length == a.sketchCols() && colsB.length == b.sketchCols();
        }

        /**
         * The first sketch's shared values.
         *
         * @param a the first sketch of {@link MatrixSketch#alignment}
         * @return the values at the shared positions, row-major; the sketch's own array (not to be
         *     modified) when it is used whole
         */
        public float[] valuesA(MatrixSketch a) {
            return pick(a, rowsA, colsA);
        }

        /**
         * The second sketch's shared values, at the same positions as {@link #valuesA}.
         *
         * @param b the second sketch of {@link MatrixSketch#alignment}
         * @return the values at the shared positions, row-major; the sketch's own array (not to be
         *     modified) when it is used whole
         */
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
