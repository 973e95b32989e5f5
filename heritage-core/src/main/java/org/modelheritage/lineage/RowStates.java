package org.modelheritage.lineage;

import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;

/**
 * The rows a fine-tune never touched, read as characters of a phylogeny. Training leaves the
 * embedding rows of tokens its data never holds as they were (or, under weight decay, scaled by
 * one common factor), and whatever a model changed in a row, every descendant inherits unless it
 * trains that row again, when it lands anywhere but back on the old values. So the models holding
 * one row's old values, up to scale, are joined in the true tree by a path along which every model
 * holds them too: a model that changed the row cannot sit between two that did not.
 *
 * <p>{@link #count} counts, for a chain {@code g - p - c} the tree proposes, the rows that say p is
 * off the path between g and c (g and c hold the row's old values, p changed it: c is p's sibling,
 * not its child) and the rows that say it is on it (p and c hold the same changed values, g the
 * old ones). Rows are matched by their index in the whole matrix, so a resized vocabulary compares
 * the rows all three share.
 */
final class RowStates {
    /** A row changed when the sine of its angle to the other model's is this many times the equality tolerance. */
    static final double CHANGED = 4.0;
    /**
     * Whether a middle model stored coarser than both ends is off the path when the ends agree more
     * closely than its rounding ({@link #count}).
     */
    static final boolean COARSE_MIDDLE = Boolean.parseBoolean(System.getProperty("mh.rowsFinerPair", "true"));

    private RowStates() {
    }

    /**
     * The rows of a proposed chain {@code g - p - c} that put p off the path between g and c, and
     * those that put it on.
     *
     * @param off rows where g and c hold scaled copies of one row and p clearly another
     * @param on  rows where p and c hold scaled copies of one row and g clearly another
     */
    record Count(int off, int on) {
    }

    /**
     * Counts the rows of every weight matrix the three models share that read as {@link Count}.
     * Two rows are scaled copies when the sine of their angle is within the two dtypes' rounding
     * ({@link DirectionEvidence#DECAY_SINE} times their summed unit roundoffs, at least
     * {@link DirectionEvidence#DECAY_FLOOR}) and their scale is positive; clearly different when it
     * is {@link #CHANGED} times that. A middle model stored coarser than both ends is set apart by
     * its rounding alone: it is clearly different when it stands {@link #CHANGED} times further from
     * each end than the ends stand from each other (and than the floor). Matrices stored in 8 bits
     * or as integers say nothing.
     */
    static Count count(ModelSignature g, ModelSignature p, ModelSignature c) {
        int off = 0;
        int on = 0;
        for (Shared m : shared(g, p, c)) {
            MatrixSketch sg = m.sketches()[0];
            MatrixSketch sp = m.sketches()[1];
            MatrixSketch sc = m.sketches()[2];
            double ug = m.roundoff()[0];
            double up = m.roundoff()[1];
            double uc = m.roundoff()[2];
            int[][] rows = m.rows();
            int[][] cols = m.cols();
            double tgc = tolerance(ug, uc);
            double tgp = tolerance(ug, up);
            double tpc = tolerance(up, uc);
            // rounding only loses digits: had p lain between g and c, one of them would hold p's
            // values, rounded again only by dtypes no coarser than p's own
            boolean coarseMiddle = COARSE_MIDDLE && up > Math.max(ug, uc);
            float[] vg = sg.valuesView();
            float[] vp = sp.valuesView();
            float[] vc = sc.valuesView();
            int ng = sg.sketchCols();
            int np = sp.sketchCols();
            int nc = sc.sketchCols();
            for (int i = 0; i < rows[0].length; i++) {
                int bg = rows[0][i] * ng;
                int bp = rows[1][i] * np;
                int bc = rows[2][i] * nc;
                double gg = 0;
                double pp = 0;
                double cc = 0;
                double gp = 0;
                double gc = 0;
                double pc = 0;
                for (int j = 0; j < cols[0].length; j++) {
                    double x = vg[bg + cols[0][j]];
                    double y = vp[bp + cols[1][j]];
                    double z = vc[bc + cols[2][j]];
                    gg += x * x;
                    pp += y * y;
                    cc += z * z;
                    gp += x * y;
                    gc += x * z;
                    pc += y * z;
                }
                double sgc = sine2(gg, cc, gc);
                double sgp = sine2(gg, pp, gp);
                double spc = sine2(pp, cc, pc);
                double apart = coarseMiddle
                        ? Math.max(Math.sqrt(Math.max(sgc, 0)), DirectionEvidence.DECAY_SINE * DirectionEvidence.DECAY_FLOOR)
                        : Double.POSITIVE_INFINITY;
                if (same(sgc, gc, tgc) && changed(sgp, Math.min(tgp, apart)) && changed(spc, Math.min(tpc, apart))) {
                    off++;
                } else if (same(spc, pc, tpc) && changed(sgp, tgp) && changed(sgc, tgc)) {
                    on++;
                }
            }
        }
        return new Count(off, on);
    }

    /**
     * Whether two models hold one row of a weight matrix they share as scaled copies (within the
     * rounding {@link #count} reads): without such a row neither is the middle or the end of a chain
     * whose rows hold it below the other, so {@link #count} with the two in those places finds no
     * row on.
     */
    static boolean shares(ModelSignature a, ModelSignature b) {
        for (Shared m : shared(a, b, b)) {
            MatrixSketch sa = m.sketches()[0];
            MatrixSketch sb = m.sketches()[1];
            int[][] rows = m.rows();
            int[][] cols = m.cols();
            double t = tolerance(m.roundoff()[0], m.roundoff()[1]);
            float[] va = sa.valuesView();
            float[] vb = sb.valuesView();
            int na = sa.sketchCols();
            int nb = sb.sketchCols();
            for (int i = 0; i < rows[0].length; i++) {
                int ba = rows[0][i] * na;
                int bb = rows[1][i] * nb;
                double aa = 0;
                double bbs = 0;
                double ab = 0;
                for (int j = 0; j < cols[0].length; j++) {
                    double x = va[ba + cols[0][j]];
                    double y = vb[bb + cols[1][j]];
                    aa += x * x;
                    bbs += y * y;
                    ab += x * y;
                }
                if (same(sine2(aa, bbs, ab), ab, t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A weight matrix three models share: their sketches and unit roundoffs, and the rows and columns all three sketches hold. */
    private record Shared(MatrixSketch[] sketches, double[] roundoff, int[][] rows, int[][] cols) {
    }

    /**
     * The matrices the rows are read in (in x's order): every model has a sketch of it, none stores
     * it in 8 bits or as integers, and the sketches meet in a row and at least 8 columns.
     */
    private static java.util.List<Shared> shared(ModelSignature x, ModelSignature y, ModelSignature z) {
        java.util.List<Shared> out = new java.util.ArrayList<>();
        for (MatrixSketch sx : x.sketches().values()) {
            MatrixSketch sy = y.sketches().get(sx.name());
            MatrixSketch sz = z.sketches().get(sx.name());
            if (sy == null || sz == null) {
                continue;
            }
            double ux = ModelSignature.unitRoundoff(x.tensor(sx.name()).orElseThrow().dtype());
            double uy = ModelSignature.unitRoundoff(y.tensor(sx.name()).orElseThrow().dtype());
            double uz = ModelSignature.unitRoundoff(z.tensor(sx.name()).orElseThrow().dtype());
            if (Math.max(ux, Math.max(uy, uz)) >= 0.01) {
                continue;
            }
            int[][] rows = common(sx.rowIndex(), sy.rowIndex(), sz.rowIndex());
            int[][] cols = common(sx.colIndex(), sy.colIndex(), sz.colIndex());
            if (rows[0].length == 0 || cols[0].length < 8) {
                continue;
            }
            out.add(new Shared(new MatrixSketch[] {sx, sy, sz}, new double[] {ux, uy, uz}, rows, cols));
        }
        return out;
    }

    private static double tolerance(double u1, double u2) {
        return DirectionEvidence.DECAY_SINE * Math.max(u1 + u2, DirectionEvidence.DECAY_FLOOR);
    }

    /** The squared sine of the angle between two rows, from their inner products; 1 for a zero row. */
    private static double sine2(double xx, double yy, double xy) {
        return xx > 0 && yy > 0 ? 1 - xy / xx * (xy / yy) : 1.0;
    }

    private static boolean same(double sine2, double dot, double tolerance) {
        return dot > 0 && sine2 <= tolerance * tolerance;
    }

    private static boolean changed(double sine2, double tolerance) {
        return sine2 >= CHANGED * CHANGED * tolerance * tolerance;
    }

    /** Positions of the values all three sorted index arrays hold, in each. */
    private static int[][] common(long[] x, long[] y, long[] z) {
        int n = Math.min(x.length, Math.min(y.length, z.length));
        int[] px = new int[n];
        int[] py = new int[n];
        int[] pz = new int[n];
        int k = 0;
        for (int i = 0, j = 0, l = 0; i < x.length && j < y.length && l < z.length; ) {
            long m = Math.max(x[i], Math.max(y[j], z[l]));
            if (x[i] == m && y[j] == m && z[l] == m) {
                px[k] = i++;
                py[k] = j++;
                pz[k++] = l++;
                continue;
            }
            if (x[i] < m) {
                i++;
            }
            if (y[j] < m) {
                j++;
            }
            if (z[l] < m) {
                l++;
            }
        }
        return new int[][] {java.util.Arrays.copyOf(px, k), java.util.Arrays.copyOf(py, k), java.util.Arrays.copyOf(pz, k)};
    }
}
