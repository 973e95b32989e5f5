package org.modelheritage.signature;

import java.util.Arrays;
import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;

/**
 * Collects a few whole rows of a matrix from its row-major stream and measures how well they sit on
 * the grids that weight quantisers use ({@link QuantizationFit}). Symmetric absmax per row with
 * 127 or 7 levels (int8 per output channel, int4), per group of 32, 64 or 128 inputs with 7 levels
 * (and 127 for groups of 128), and asymmetric (min/max) per group with 15 levels. Memory: the
 * probed rows.
 */
public final class QuantizationProbe implements FloatSink {
    /** At most this many rows are probed per matrix. */
    static final int MAX_ROWS = 4;
    /**
     * At most this many values of each probed row are tested (a row's scale still comes from all
     * of it): 4 x 1,024 values tell a grid from chance beyond doubt, and the probe stays a small
     * fraction of the signature pass on wide matrices.
     */
    static final int MAX_TESTED = 1024;
    /** After this many probed values, a scheme that fits fewer than half is given up. */
    static final int EARLY_DECISION = 256;
    /** Rows longer than this are not probed (the buffer is one row per probed row). */
    static final long MAX_COLS = 1 << 16;
    private static final int[] GROUPS = {32, 64, 128};

    private final long cols;
    private final long[] rows;
    private final float[][] buffer;
    private final double unitRoundoff;
    private long position;

    /**
     * @param probeRows sorted row indices to probe (the first {@link #MAX_ROWS} are used)
     * @param cols the matrix's columns
     * @param dtype how the file stores the values (its rounding sets the tolerance)
     */
    public QuantizationProbe(long[] probeRows, long cols, DType dtype) {
        this.cols = cols;
        this.rows = cols > MAX_COLS ? new long[0] : Arrays.copyOf(probeRows, Math.min(probeRows.length, MAX_ROWS));
        this.buffer = new float[rows.length][(int) Math.min(cols, MAX_COLS)];
        this.unitRoundoff = ModelSignature.unitRoundoff(dtype);
    }

    @Override
    public void accept(float[] chunk, int length) {
        long start = position;
        long end = start + length;
        position = end;
        for (int k = 0; k < rows.length; k++) {
            long rowStart = rows[k] * cols;
            long rowEnd = rowStart + cols;
            if (rowEnd <= start) {
                continue;
            }
            if (rowStart >= end) {
                break;
            }
            long from = Math.max(start, rowStart);
            long to = Math.min(end, rowEnd);
            System.arraycopy(chunk, (int) (from - start), buffer[k], (int) (from - rowStart), (int) (to - from));
        }
    }

    /** {@return the best-fitting scheme over the probed rows; scheme {@code "none"} with fit 0 when nothing was probed} */
    public QuantizationFit fit() {
        QuantizationFit best = new QuantizationFit("none", 0, 0);
        for (int levels : new int[] {127, 7}) {
            best = better(best, score("row/" + levels, (int) Math.min(cols, MAX_COLS), levels, false));
        }
        for (int g : GROUPS) {
            if (g < cols) {
                best = better(best, score("group" + g + "/7", g, 7, false));
                best = better(best, score("group" + g + "/asym15", g, 15, true));
            }
        }
        if (128 < cols) {
            best = better(best, score("group128/127", 128, 127, false));
        }
        return best;
    }

    private static QuantizationFit better(QuantizationFit a, QuantizationFit b) {
        if (a.decided() != b.decided()) {
            return b.decided() ? b : a;
        }
        return b.fit() > a.fit() ? b : a;
    }

    private QuantizationFit score(String scheme, int group, int levels, boolean asymmetric) {
        long hits = 0;
        long probed = 0;
        rows:
        for (float[] row : buffer) {
            for (int g0 = 0; g0 < row.length && g0 < MAX_TESTED; g0 += group) {
                int g1 = Math.min(row.length, g0 + group);
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                double absMax = 0;
                for (int i = g0; i < g1; i++) {
                    double v = row[i];
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    absMax = Math.max(absMax, Math.abs(v));
                }
                double scale = asymmetric ? (hi - lo) / levels : absMax / levels;
                if (!(scale > 0) || Double.isInfinite(scale)) {
                    continue;
                }
                int end = Math.min(g1, g0 + MAX_TESTED);
                for (int i = g0; i < end; i++) {
                    double v = row[i];
                    if (v == 0) {
                        continue; // on every grid
                    }
                    double q = asymmetric ? (v - lo) / scale : v / scale;
                    // the stored value and the scale recovered from stored values are both rounded
                    double tolerance = 0.02 + 3 * unitRoundoff * (Math.abs(q) + (asymmetric ? levels : 0));
                    if (tolerance > 0.15) {
                        continue; // too coarse a storage to tell grid points apart here
                    }
                    probed++;
                    if (Math.abs(q - Math.rint(q)) <= tolerance) {
                        hits++;
                    }
                }
                if (probed >= EARLY_DECISION && 2 * hits < probed) {
                    break rows; // off this grid beyond doubt: trained weights stop here, cheaply
                }
            }
        }
        return new QuantizationFit(scheme, probed == 0 ? 0 : (double) hits / probed, (int) Math.min(probed, Integer.MAX_VALUE));
    }
}
