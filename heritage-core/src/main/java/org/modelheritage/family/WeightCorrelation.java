package org.modelheritage.family;

import java.util.ArrayList;
import java.util.List;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * How strongly two models' weights co-vary: for each weight matrix both have (by canonical name),
 * the Pearson correlation of their sketched values where the sketches meet (the shared rows of a
 * resized embedding) (each centred by its own tensor mean), and the median of
 * those over the matrices.
 *
 * <p>Why it separates families: a fine-tuned model starts from its parent's weights and moves by
 * a fraction of their size, so its matrices stay strongly correlated with every ancestor's
 * ({@code 1 / sqrt(1 + d^2)} for a relative move d). Two models trained from different random
 * initialisations share nothing: their matrices are independent draws, further scrambled by the
 * permutation symmetry of hidden units, so each correlation is about {@code 0 +- 1/sqrt(k)} for k
 * sampled entries. Vectors (biases, norm scales that start at constants) are left out; the
 * median ignores the odd matrix (an input layer over always-zero pixels, a tiny head) that
 * correlates by chance.
 */
public final class WeightCorrelation {
    private WeightCorrelation() {
    }

    /**
     * The median correlation over the weight matrices two models share.
     *
     * @param a one model's signature
     * @param b the other's
     * @return the median Pearson correlation of their sketched values (shared rows only), in [-1, 1];
     *     NaN when they share no matrix with variance
     */
    public static double between(ModelSignature a, ModelSignature b) {
        List<Double> values = new ArrayList<>();
        for (MatrixSketch sa : a.sketches().values()) {
            MatrixSketch sb = b.sketches().get(sa.name());
            MatrixSketch.Alignment at = sb == null ? null : MatrixSketch.alignment(sa, sb);
            if (at == null) {
                continue;
            }
            double c = correlation(at.valuesA(sa), mean(a, sa), at.valuesB(sb), mean(b, sb));
            if (!Double.isNaN(c)) {
                values.add(c);
            }
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    private static double mean(ModelSignature s, MatrixSketch m) {
        return s.tensor(m.name()).map(TensorStatistics::mean).orElse(0.0);
    }

    /** Pearson correlation of x and y about the given means; NaN when either is constant. */
    static double correlation(float[] x, double mx, float[] y, double my) {
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
