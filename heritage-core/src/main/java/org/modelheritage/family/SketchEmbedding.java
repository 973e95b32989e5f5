package org.modelheritage.family;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
    public static final int DIMENSIONS = 128; // at most 128: a value's coordinate and sign fit a byte (see codes)

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
            byte[] codes = codes(m);
            for (int k = 0; k < v.length; k++) {
                int code = codes[k] & 0xff;
                double x = (v[k] - mean) * scale;
                e[code >>> 1] += (code & 1) == 0 ? x : -x;
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

    /**
     * Each sketched value's coordinate and sign, {@code coordinate << 1 | negative}, in the sketch's
     * row-major order. They depend only on the matrix name and the sampled rows and columns, which
     * every model of an architecture shares, so they are hashed once and kept ({@link #CODES}).
     */
    private static byte[] codes(MatrixSketch m) {
        Layout key = new Layout(m.name(), m.rowIndex(), m.colIndex());
        byte[] codes = cached(key);
        if (codes != null) {
            return codes;
        }
        long seed = seed(m.name());
        long[] rows = key.rows;
        long[] cols = key.cols;
        codes = new byte[rows.length * cols.length];
        for (int i = 0; i < rows.length; i++) {
            long rowSeed = seed + rows[i] * 0x9e3779b97f4a7c15L;
            for (int j = 0; j < cols.length; j++) {
                long h = mix(rowSeed ^ (cols[j] * 0xc2b2ae3d27d4eb4fL));
                codes[i * cols.length + j] = (byte) ((int) ((h >>> 1) % DIMENSIONS) << 1 | (int) (h & 1));
            }
        }
        keep(key, codes);
        return codes;
    }

    /** Where a sketch sampled its matrix, by name. */
    private record Layout(String name, long[] rows, long[] cols) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Layout l && name.equals(l.name) && Arrays.equals(rows, l.rows) && Arrays.equals(cols, l.cols);
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + Arrays.hashCode(rows)) * 31 + Arrays.hashCode(cols);
        }
    }

    /** Codes kept, the least recently used first; at most {@link #MAX_CACHED_CODES} bytes in all. Guarded by itself. */
    private static final LinkedHashMap<Layout, byte[]> CODES = new LinkedHashMap<>(64, 0.75f, true);
    private static long cachedBytes;

    /** 8 MiB: the codes of 512 lineage matrices sketched at 128 x 128, the default. */
    private static final long MAX_CACHED_CODES = 8L << 20;

    private static byte[] cached(Layout key) {
        synchronized (CODES) {
            return CODES.get(key);
        }
    }

    private static void keep(Layout key, byte[] codes) {
        synchronized (CODES) {
            byte[] old = CODES.put(key, codes);
            cachedBytes += codes.length - (old == null ? 0 : old.length);
            var eldest = CODES.entrySet().iterator();
            while (cachedBytes > MAX_CACHED_CODES && CODES.size() > 1) {
                cachedBytes -= eldest.next().getValue().length;
                eldest.remove();
            }
        }
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
