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
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        double sdd = 0;
        float max = (float) maxAbs;
        for (int k = 0; k < n; k++) {
            float x = a[ia + k];
            float y = b[ib + k];
            float d = y - x;
            saa += x * x;
            sbb += y * y;
            sab += x * y;
            sdd += d * d;
            max = Math.max(max, Math.abs(d));
        }
        aa += saa;
        bb += sbb;
        ab += sab;
        dd += sdd;
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
