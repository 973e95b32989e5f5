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

    public long[] rowIndex() {
        return rowIndex.clone();
    }

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
