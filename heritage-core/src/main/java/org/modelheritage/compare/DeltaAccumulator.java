package org.modelheritage.compare;

import java.util.SplittableRandom;
import org.modelheritage.lineage.SymmetricEigen;

/**
 * Statistics of B − A for one pair of tensors, fed value pairs in row-major order: norms, inner
 * product, largest difference, and for a matrix a sketch {@code Z = R (B − A) S} of at most
 * {@link #SKETCH} x {@link #SKETCH}, whose rank estimates the rank of the difference. R and S are
 * count sketches (each row added with a random sign into a random bucket, column j with a random
 * sign into bucket j mod the side),
 * so the sketch costs one addition per value and constant memory; a side no longer than the
 * sketch is kept whole. A difference of rank r &lt; the sketch's side keeps rank r in the
 * sketch (its row and column spaces are mapped by random sparse maps); a full-rank one fills it.
 */
final class DeltaAccumulator {
    /** The sketch's side: ranks up to about this can be told apart from full. */
    static final int SKETCH = 64;
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
        } else {
            sketchCols = 0;
            sketchRows = 0;
            colsWhole = true;
            colSign = null;
            z = null;
            rowAcc = null;
            rowsWhole = true;
            rowHash = null;
        }
    }

    /** The next {@code n} value pairs, {@code a[ia..]} and {@code b[ib..]}. */
    void accept(float[] a, int ia, float[] b, int ib, int n) {
        // two interleaved sets of sums: each addition waits on the one before in its own chain only
        double saa0 = 0;
        double sbb0 = 0;
        double sab0 = 0;
        double sdd0 = 0;
        double saa1 = 0;
        double sbb1 = 0;
        double sab1 = 0;
        double sdd1 = 0;
        double max0 = maxAbs;
        double max1 = 0;
        int k = 0;
        for (; k + 1 < n; k += 2) {
            double x0 = a[ia + k];
            double y0 = b[ib + k];
            double x1 = a[ia + k + 1];
            double y1 = b[ib + k + 1];
            double d0 = y0 - x0;
            double d1 = y1 - x1;
            saa0 += x0 * x0;
            sbb0 += y0 * y0;
            sab0 += x0 * y0;
            sdd0 += d0 * d0;
            saa1 += x1 * x1;
            sbb1 += y1 * y1;
            sab1 += x1 * y1;
            sdd1 += d1 * d1;
            max0 = Math.max(max0, Math.abs(d0));
            max1 = Math.max(max1, Math.abs(d1));
        }
        if (k < n) {
            double x = a[ia + k];
            double y = b[ib + k];
            double d = y - x;
            saa0 += x * x;
            sbb0 += y * y;
            sab0 += x * y;
            sdd0 += d * d;
            max0 = Math.max(max0, Math.abs(d));
        }
        aa += saa0 + saa1;
        bb += sbb0 + sbb1;
        ab += sab0 + sab1;
        dd += sdd0 + sdd1;
        maxAbs = Math.max(max0, max1);
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
