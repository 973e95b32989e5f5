package org.modelheritage.lineage;

import java.util.List;
import java.util.function.Function;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;

/**
 * MoTHer's distances, as its reference computes them (see {@link MotherRecipe.DistanceMeasure#PAPER}).
 * They need the whole family at once (the min-max normalisation spans every pair), so they are
 * computed here from the sketches each time, never cached.
 */
final class PaperDistance {
    /** float32 machine epsilon: the reference takes ranks in float32 with PyTorch's default tolerance. */
    private static final double FLOAT32_EPS = 0x1p-23;

    private PaperDistance() {
    }

    /** The matrices MoTHer uses: the lineage matrices, or for its LoRA recipe the {@code value} projections. */
    static List<MatrixSketch> matrices(ModelSignature s, boolean valueOnly) {
        List<MatrixSketch> all = s.lineageMatrices();
        if (!valueOnly) {
            return all;
        }
        List<MatrixSketch> values = all.stream().filter(m -> m.name().contains("value")).toList();
        return values.isEmpty() ? all : values;
    }

    /** d[p][c] for the edge p -> c. */
    static double[][] matrix(List<String> ids, Function<String, ModelSignature> signatures, boolean lowRank) {
        int n = ids.size();
        ModelSignature[] sig = new ModelSignature[n];
        for (int i = 0; i < n; i++) {
            sig[i] = signatures.apply(ids.get(i));
        }
        List<MatrixSketch> mats = matrices(sig[0], lowRank);
        double[][] d = new double[n][n];
        if (lowRank) {
            for (MatrixSketch m : mats) {
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        MatrixSketch a = sig[i].sketches().get(m.name());
                        MatrixSketch b = sig[j].sketches().get(m.name());
                        double r = float32Rank(a, b);
                        d[i][j] += r;
                        d[j][i] += r;
                    }
                }
            }
            return d;
        }
        for (MatrixSketch m : mats) {
            // maxDiff[i][j] = max over entries of (W_i - W_j); over all ordered pairs the minimum
            // elementwise difference is -max, so the min-max normalisation is (x + mx) / (2 mx)
            double[][] maxDiff = new double[n][n];
            double mx = 0;
            float[][] values = new float[n][];
            for (int i = 0; i < n; i++) {
                values[i] = sig[i].sketches().get(m.name()).valuesView();
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i == j) {
                        continue;
                    }
                    double best = Double.NEGATIVE_INFINITY;
                    float[] a = values[i];
                    float[] b = values[j];
                    for (int k = 0; k < a.length; k++) {
                        double x = (double) a[k] - b[k];
                        if (x > best) {
                            best = x;
                        }
                    }
                    maxDiff[i][j] = best;
                    mx = Math.max(mx, best);
                }
            }
            if (mx <= 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        d[i][j] = Math.max(d[i][j], (maxDiff[i][j] + mx) / (2 * mx));
                    }
                }
            }
        }
        return d;
    }

    /** Numerical rank as torch.linalg.matrix_rank takes it in float32: singular values above s_max * max(m, n) * eps. */
    static double float32Rank(MatrixSketch a, MatrixSketch b) {
        int rows = a.sketchRows();
        int cols = a.sketchCols();
        double[] spectrum = SpectralKernels.differenceSpectrum(a.valuesView(), b.valuesView(), rows, cols);
        double smax = Math.sqrt(spectrum[0]);
        if (smax == 0) {
            return 0;
        }
        return SpectralKernels.effectiveRank(spectrum, smax * Math.max(rows, cols) * FLOAT32_EPS);
    }
}
