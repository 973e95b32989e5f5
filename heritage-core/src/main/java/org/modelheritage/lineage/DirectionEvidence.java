package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.List;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * The evidence that an edge runs {@code parent -> child} rather than the other way: the mean,
 * over the lineage matrices that differ between the two models, of one vote each (+1 when the
 * matrix moved the way the signal moves along a fine-tuning edge, -1 against, 0 when it did not
 * tell). In [-1, 1] and antisymmetric: evidence(a, b) = -evidence(b, a).
 */
public final class DirectionEvidence {
    /** At most this many matrices vote (spread evenly over the model), which bounds the cost per edge. */
    static final int MAX_VOTERS = 16;
    /**
     * A sketch that is not the whole matrix votes on an evenly spread sub-sketch of at most this
     * side: a sample's tail directions are not the matrix's anyway, and the eigenvectors cost m^3.
     */
    static final int PARTIAL_VOTE_SIZE = 64;

    private DirectionEvidence() {
    }

    /** Evidence for {@code parent -> child} under the signal ({@link DirectionSignal#ADAPTIVE} is not a signal here). */
    public static double of(ModelSignature parent, ModelSignature child, DirectionSignal signal) {
        if (signal == DirectionSignal.ADAPTIVE) {
            throw new IllegalArgumentException("choose KURTOSIS or SPECTRAL_TAIL for one edge");
        }
        List<MatrixSketch> changed = new ArrayList<>();
        for (MatrixSketch a : parent.lineageMatrices()) {
            MatrixSketch b = child.sketches().get(a.name());
            if (b != null && a.sameCoordinates(b) && !sameWithinNoise(parent, child, a, b)) {
                changed.add(a);
            }
        }
        if (changed.isEmpty()) {
            return 0.0;
        }
        List<MatrixSketch> voters = spread(changed, MAX_VOTERS);
        double sum = 0;
        for (MatrixSketch a : voters) {
            MatrixSketch b = child.sketches().get(a.name());
            double v;
            if (signal == DirectionSignal.KURTOSIS) {
                double kp = parent.tensor(a.name()).map(TensorStatistics::excessKurtosis).orElse(Double.NaN);
                double kc = child.tensor(a.name()).map(TensorStatistics::excessKurtosis).orElse(Double.NaN);
                v = Double.isNaN(kp) || Double.isNaN(kc) ? 0 : Math.signum(kp - kc);
            } else {
                v = -Math.signum(tailVote(a, b));
            }
            sum += v;
        }
        return sum / voters.size();
    }

    private static double tailVote(MatrixSketch parent, MatrixSketch child) {
        int rows = parent.sketchRows();
        int cols = parent.sketchCols();
        if (parent.isComplete() || Math.max(rows, cols) <= PARTIAL_VOTE_SIZE) {
            return SpectralKernels.tailEnergyChange(parent.valuesView(), child.valuesView(), rows, cols);
        }
        int r = Math.min(rows, PARTIAL_VOTE_SIZE);
        int c = Math.min(cols, PARTIAL_VOTE_SIZE);
        return SpectralKernels.tailEnergyChange(subSketch(parent, r, c), subSketch(child, r, c), r, c);
    }

    /** Rows and columns spread evenly over the sketch's (already random) ones. */
    static float[] subSketch(MatrixSketch m, int r, int c) {
        int rows = m.sketchRows();
        int cols = m.sketchCols();
        float[] v = m.valuesView();
        float[] out = new float[r * c];
        for (int i = 0; i < r; i++) {
            int si = (int) ((long) i * rows / r);
            for (int j = 0; j < c; j++) {
                out[i * c + j] = v[si * cols + (int) ((long) j * cols / c)];
            }
        }
        return out;
    }

    /** Up to {@code max} items spread evenly over the list (all of them when it is short). */
    static <T> List<T> spread(List<T> items, int max) {
        if (items.size() <= max) {
            return items;
        }
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(items.get((int) ((long) i * items.size() / max)));
        }
        return out;
    }

    private static boolean sameWithinNoise(ModelSignature pa, ModelSignature pb, MatrixSketch a, MatrixSketch b) {
        float[] x = a.valuesView();
        float[] y = b.valuesView();
        double s = 0;
        double ref = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            s += d * d;
            ref += (double) x[i] * x[i] + (double) y[i] * y[i];
        }
        if (s == 0) {
            return true;
        }
        double u = ModelSignature.unitRoundoff(pa.tensor(a.name()).orElseThrow().dtype())
                + ModelSignature.unitRoundoff(pb.tensor(b.name()).orElseThrow().dtype());
        double rel = Math.sqrt(s / Math.max(ref / 2, Double.MIN_NORMAL));
        return rel <= PairMetrics.DUPLICATE_NOISE_FACTOR * u;
    }
}
