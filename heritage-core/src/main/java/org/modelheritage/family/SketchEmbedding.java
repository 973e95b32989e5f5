package org.modelheritage.family;

import java.nio.charset.StandardCharsets;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * A short vector per model whose Euclidean distances stand in for the pairwise comparisons when
 * looking for a model's likely relatives ({@link CandidateIndex}): its lineage matrices' sketched
 * values, each matrix centred by its tensor's mean and scaled to unit norm (so every matrix
 * weighs the same, as in {@link WeightCorrelation}), hashed into {@link #DIMENSIONS} coordinates
 * with random signs (a count sketch, a sparse Johnson-Lindenstrauss projection), then scaled to
 * unit norm. Each sketched value goes to the coordinate and sign hashed from (matrix name, row,
 * column of the whole matrix), so models of one architecture, and matrices that grew rows (a
 * resized vocabulary), project their shared entries alike.
 *
 * <p>For unit vectors {@code |a - b|^2 = 2 - 2 cos(a, b)}: the embedding's distance orders
 * models by their overall correlation, which is what both the family links and (within a
 * family, where norms are alike) the difference energy measure. The projection keeps squared
 * distances within a relative error of about {@code sqrt(2 / DIMENSIONS)} (12 %), ample to tell a
 * parent (a move of d) from a sibling (about 1.4 d) or an unrelated model (no correlation), and
 * candidates are then compared exactly.
 */
public final class SketchEmbedding {
    /** Coordinates of an embedding: 512 bytes a model. */
    public static final int DIMENSIONS = 128;

    private SketchEmbedding() {
    }

    /**
     * A model's embedding.
     *
     * @param s the model's signature
     * @return {@link #DIMENSIONS} values of unit Euclidean norm; all zeros when it has no lineage matrix with variance
     */
    public static float[] of(ModelSignature s) {
        double[] e = new double[DIMENSIONS];
        for (MatrixSketch m : s.lineageMatrices()) {
            double mean = s.tensor(m.name()).map(TensorStatistics::mean).orElse(0.0);
            float[] v = m.valuesView();
            double norm = 0;
            for (float x : v) {
                norm += (x - mean) * (x - mean);
            }
            if (!(norm > 0) || Double.isInfinite(norm)) {
                continue;
            }
            double scale = 1.0 / Math.sqrt(norm);
            long seed = seed(m.name());
            long[] rows = m.rowIndex();
            long[] cols = m.colIndex();
            int c = cols.length;
            for (int i = 0; i < rows.length; i++) {
                long rowSeed = seed + rows[i] * 0x9e3779b97f4a7c15L;
                for (int j = 0; j < c; j++) {
                    long h = mix(rowSeed ^ (cols[j] * 0xc2b2ae3d27d4eb4fL));
                    int at = (int) ((h >>> 1) % DIMENSIONS);
                    double x = (v[i * c + j] - mean) * scale;
                    e[at] += (h & 1) == 0 ? x : -x;
                }
            }
        }
        double norm = 0;
        for (double x : e) {
            norm += x * x;
        }
        float[] out = new float[DIMENSIONS];
        if (norm > 0) {
            double scale = 1.0 / Math.sqrt(norm);
            for (int i = 0; i < DIMENSIONS; i++) {
                out[i] = (float) (e[i] * scale);
            }
        }
        return out;
    }

    /**
     * The squared Euclidean distance of two embeddings.
     *
     * @param a one embedding
     * @param b the other, at least as long as {@code a}
     * @return the sum of squared differences, in [0, 4] for two unit embeddings
     */
    public static double distance(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            d += t * t;
        }
        return d;
    }

    private static long seed(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
