package org.modelheritage.compare;

import java.util.SplittableRandom;
import org.modelheritage.lineage.SymmetricEigen;

/**
 * Statistics of B − A for one pair of tensors, fed value pairs in row-major order: norms, inner
 * product, largest difference, and for a matrix a sketch {@code Z = R (B − A) S} of at most
 * {@link #SKETCH} x {@link #SKETCH}, whose rank estimates the rank of the difference. R and S are
 * count sketches: each row goes with a random sign into a random bucket, column j with a random
 * sign into bucket j mod the side; a side no longer than the sketch is kept whole. Only
 * {@link #SKETCHED_ROWS} evenly spaced rows are sketched, so the sketch costs little beside the sums,
 * and memory is constant. A difference of rank r &lt; the sketch's side keeps rank r in the sketch
 * (its row and column spaces are mapped by random maps); a full-rank one (nearly) fills it.
 */
final class DeltaAccumulator {
    /** The sketch's side: ranks up to about this can be told apart from full. */
    static final int SKETCH = 64;
    /**
     * At most about this many rows, evenly spaced, go into the sketch: the rows of a difference of
     * rank r &lt; the sketch's side span its row space as all rows do (a rank needs only as many
     * rows as it is high), and the sketch then costs a small share of a large matrix's values.
     */
    static final int SKETCHED_ROWS = 4 * 64;
    /** Singular values of the sketch below this share of the largest are not counted. */
    static final double RANK_TOLERANCE = 0.02;

    private final long rows;
    private final int cols;
    private final boolean matrix;
    /** Whether each column is its own bucket (no more columns than the sketch is wide). */
    private final boolean colsWhole;
    /** Column j goes, with this sign, to bucket j mod {@link #SKETCH}: a fixed pattern the JIT can vectorise. */
    private final float[] colSign;
    private final int sketchRows;
    private final int sketchCols;
    private final double[] z;
    private final float[] rowAcc;
    private final SplittableRandom rowHash;
    private final boolean rowsWhole;
    /** Every stride-th row is sketched. */
    private final long stride;

    private long position;
    private int col;
    private long row;
    private double aa;
    private double bb;
    private double ab;
    private double dd;
    private double maxAbs;

    /**
     * @param rows the rows compared (the first dimension, or the rows both have)
     * @param cols the values per row (the product of the other dimensions; 1 for a vector)
     * @param matrix whether to estimate the rank
     */
    DeltaAccumulator(long rows, long cols, boolean matrix) {
        this.rows = rows;
        this.matrix = matrix && rows > 1 && cols > 1 && cols <= Integer.MAX_VALUE;
        this.cols = (int) Math.min(cols, Integer.MAX_VALUE);
        if (this.matrix) {
            sketchCols = (int) Math.min(cols, SKETCH);
            sketchRows = (int) Math.min(rows, SKETCH);
            colsWhole = cols <= SKETCH;
            colSign = new float[this.cols];
            SplittableRandom r = new SplittableRandom(0x5eed ^ cols);
            for (int j = 0; j < this.cols; j++) {
                colSign[j] = colsWhole || r.nextBoolean() ? 1 : -1;
            }
            z = new double[sketchRows * sketchCols];
            rowAcc = new float[sketchCols];
            rowsWhole = rows <= SKETCH;
            rowHash = new SplittableRandom(0xfeed ^ rows);
            stride = Math.max(1, (rows + SKETCHED_ROWS - 1) / SKETCHED_ROWS);
        } else {
            sketchCols = 0;
            sketchRows = 0;
            colsWhole = true;
            colSign = null;
            z = null;
            rowAcc = null;
            rowsWhole = true;
            rowHash = null;
            stride = 1;
        }
    }

    /** Values summed in float before the sums go into the doubles: short enough to keep float's rounding small. */
    private static final int BLOCK = 1024;

    /** The next {@code n} value pairs, {@code a[ia..]} and {@code b[ib..]}. */
    void accept(float[] a, int ia, float[] b, int ib, int n) {
        float max = (float) maxAbs;
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            // four interleaved chains of sums: an addition waits only on the one before in its own chain
            float aa0 = 0, aa1 = 0, aa2 = 0, aa3 = 0;
            float bb0 = 0, bb1 = 0, bb2 = 0, bb3 = 0;
            float ab0 = 0, ab1 = 0, ab2 = 0, ab3 = 0;
            float dd0 = 0, dd1 = 0, dd2 = 0, dd3 = 0;
            int k = from;
            for (; k + 3 < to; k += 4) {
                float x0 = a[ia + k], x1 = a[ia + k + 1], x2 = a[ia + k + 2], x3 = a[ia + k + 3];
                float y0 = b[ib + k], y1 = b[ib + k + 1], y2 = b[ib + k + 2], y3 = b[ib + k + 3];
                float d0 = y0 - x0, d1 = y1 - x1, d2 = y2 - x2, d3 = y3 - x3;
                aa0 += x0 * x0; aa1 += x1 * x1; aa2 += x2 * x2; aa3 += x3 * x3;
                bb0 += y0 * y0; bb1 += y1 * y1; bb2 += y2 * y2; bb3 += y3 * y3;
                ab0 += x0 * y0; ab1 += x1 * y1; ab2 += x2 * y2; ab3 += x3 * y3;
                dd0 += d0 * d0; dd1 += d1 * d1; dd2 += d2 * d2; dd3 += d3 * d3;
                // each a branch rarely taken once the largest difference so far is found
                if (Math.abs(d0) > max) {
                    max = Math.abs(d0);
                }
                if (Math.abs(d1) > max) {
                    max = Math.abs(d1);
                }
                if (Math.abs(d2) > max) {
                    max = Math.abs(d2);
                }
                if (Math.abs(d3) > max) {
                    max = Math.abs(d3);
                }
            }
            for (; k < to; k++) {
                float x = a[ia + k];
                float y = b[ib + k];
                float d = y - x;
                aa0 += x * x;
                bb0 += y * y;
                ab0 += x * y;
                dd0 += d * d;
                if (Math.abs(d) > max) {
                    max = Math.abs(d);
                }
            }
            aa += (double) aa0 + aa1 + aa2 + aa3;
            bb += (double) bb0 + bb1 + bb2 + bb3;
            ab += (double) ab0 + ab1 + ab2 + ab3;
            dd += (double) dd0 + dd1 + dd2 + dd3;
        }
        maxAbs = max;
        position += n;
        if (matrix) {
            sketch(a, ia, b, ib, n);
        }
    }

    /** Adds the values to the current row's buckets, row by row; loops of affine indices, so they vectorise. */
    private void sketch(float[] a, int ia, float[] b, int ib, int n) {
        int k = 0;
        while (k < n) {
            int seg = Math.min(n - k, cols - col);
            if (row % stride != 0) {
                k += seg; // a row left out of the sketch
                col += seg;
                if (col == cols) {
                    col = 0;
                    row++;
                }
                continue;
            }
            if (colsWhole) {
                for (int t = 0; t < seg; t++) {
                    rowAcc[col + t] += b[ib + k + t] - a[ia + k + t];
                }
            } else {
                int j = col;
                int end = col + seg;
                int at = k;
                while (j < end) {
                    int base = j - (j % SKETCH);
                    int from = j - base;
                    int to = Math.min(end - base, SKETCH);
                    int shift = at - from;
                    for (int t = from; t < to; t++) {
                        rowAcc[t] += colSign[base + t] * (b[ib + shift + t] - a[ia + shift + t]);
                    }
                    at += to - from;
                    j = base + to;
                }
            }
            k += seg;
            col += seg;
            if (col == cols) {
                endRow();
            }
        }
    }

    private void endRow() {
        int bucket;
        double sign;
        if (rowsWhole) {
            bucket = (int) row;
            sign = 1;
        } else {
            bucket = rowHash.nextInt(SKETCH);
            sign = rowHash.nextBoolean() ? 1 : -1;
        }
        int base = bucket * sketchCols;
        for (int j = 0; j < sketchCols; j++) {
            z[base + j] += sign * rowAcc[j];
            rowAcc[j] = 0;
        }
        col = 0;
        row++;
    }

    long position() {
        return position;
    }

    double normA() {
        return Math.sqrt(aa);
    }

    double normDelta() {
        return Math.sqrt(dd);
    }

    double cosine() {
        return aa == 0 || bb == 0 ? Double.NaN : ab / Math.sqrt(aa * bb);
    }

    double maxAbsDelta() {
        return maxAbs;
    }

    /** The largest rank the sketch can show; null for a vector. */
    Integer rankCap() {
        return matrix ? Math.min(sketchRows, sketchCols) : null;
    }

    /** The sketch's numerical rank: singular values above {@link #RANK_TOLERANCE} of the largest; null for a vector. */
    Integer rank() {
        if (!matrix) {
            return null;
        }
        if (dd == 0) {
            return 0;
        }
        int k = sketchCols;
        double[] g = new double[k * k];
        for (int i = 0; i < sketchRows; i++) {
            int base = i * k;
            for (int p = 0; p < k; p++) {
                double zp = z[base + p];
                if (zp == 0) {
                    continue;
                }
                for (int q = p; q < k; q++) {
                    g[p * k + q] += zp * z[base + q];
                }
            }
        }
        for (int p = 0; p < k; p++) {
            for (int q = p + 1; q < k; q++) {
                g[q * k + p] = g[p * k + q];
            }
        }
        double[] eig = SymmetricEigen.eigenvalues(g, k);
        double top = Math.max(eig[0], 0);
        if (top == 0) {
            return 0;
        }
        double threshold = RANK_TOLERANCE * RANK_TOLERANCE * top; // on squared singular values
        int r = 0;
        for (double e : eig) {
            if (e > threshold) {
                r++;
            }
        }
        return Math.min(r, rankCap());
    }
}
