package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * A base, one child on another branch, and a short fine-tune of the base that three further models
 * were made from: the short fine-tune is the hub of the spanning tree, the base a leaf beside it.
 * The short fine-tune shrank half its matrices a little and grew the others, so the norm, which
 * orients the rest of the tree, reads its edge to the base as a draw, and the hub would take the
 * root by its neighbours alone. Kurtosis and the spectral tail both read that edge one way (noise
 * added to heavy-tailed weights: the kurtosis fell, the tail filled): they decide it
 * ({@code -Dmh.othersDecideWeakEdge=-1} leaves the root at the hub).
 */
class NearCopyHubTest {

    /**
     * Noise of standard deviation {@code sd} on every value; every other weight matrix first loses a
     * fifth of its leading singular component, which takes more energy than the noise adds: the
     * norm falls in half the matrices and grows in the rest.
     */
    private static Map<String, float[]> halfShrunk(Map<String, float[]> parent, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        int matrix = 0;
        for (Map.Entry<String, float[]> e : parent.entrySet()) {
            long[] shape = SyntheticModels.shapes().get(e.getKey());
            float[] v = e.getValue().clone();
            if (shape.length == 2 && matrix++ % 2 == 0) {
                shrinkLeadingComponent(v, (int) shape[0], (int) shape[1], 0.2);
            }
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] + sd * rng.nextGaussian());
            }
            m.put(e.getKey(), v);
        }
        return m;
    }

    /**
     * A fine-tune that kurtosis cannot read: every other weight matrix gets a few large changes
     * (its kurtosis rises), the rest Gaussian noise (it falls); every matrix gains energy.
     */
    private static Map<String, float[]> mixedFineTune(Map<String, float[]> parent, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        int matrix = 0;
        for (Map.Entry<String, float[]> e : parent.entrySet()) {
            long[] shape = SyntheticModels.shapes().get(e.getKey());
            boolean spikes = shape.length == 2 && matrix++ % 2 == 0;
            float[] v = e.getValue().clone();
            for (int i = 0; i < v.length; i++) {
                if (!spikes) {
                    v[i] = (float) (v[i] + 0.002 * rng.nextGaussian());
                } else if (rng.nextInt(100) == 0) {
                    v[i] = (float) (v[i] + 0.05 * rng.nextGaussian());
                }
            }
            m.put(e.getKey(), v);
        }
        return m;
    }

    /** Takes {@code share} of the leading singular component out of a row-major matrix ({@link SymmetricEigen} of W^T W). */
    private static void shrinkLeadingComponent(float[] w, int rows, int cols, double share) {
        double[] gram = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double acc = 0;
                for (int r = 0; r < rows; r++) {
                    acc += (double) w[r * cols + i] * w[r * cols + j];
                }
                gram[i * cols + j] = acc;
            }
        }
        SymmetricEigen.decompose(gram, cols); // row 0: the leading right singular vector v
        for (int r = 0; r < rows; r++) {
            double wv = 0; // (W v)_r = sigma u_r
            for (int j = 0; j < cols; j++) {
                wv += w[r * cols + j] * gram[j];
            }
            for (int j = 0; j < cols; j++) {
                w[r * cols + j] -= (float) (share * wv * gram[j]);
            }
        }
    }

    @Test
    void theOtherSignalsDecideTheEdgeTheNormCannotReadBetweenTheBaseAndAHub() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex();
        Map<String, float[]> base = SyntheticModels.root(151);
        index.add("base", extractor.extract(SyntheticModels.file(base)));
        index.add("other", extractor.extract(SyntheticModels.file(SyntheticModels.fineTune(base, 0.002, 152))));
        Map<String, float[]> shortFineTune = halfShrunk(base, 0.002, 153);
        index.add("short", extractor.extract(SyntheticModels.file(shortFineTune)));
        for (int i = 1; i <= 3; i++) {
            index.add("s" + i, extractor.extract(SyntheticModels.file(mixedFineTune(shortFineTune, 160 + i))));
        }
        LineageTree t = index.treeOf("base").orElseThrow();
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals("base", t.parentEdge("short").orElseThrow().parentId(), t.edges().toString());
        assertEquals("base", t.parentEdge("other").orElseThrow().parentId(), t.edges().toString());
        for (int i = 1; i <= 3; i++) {
            assertEquals("short", t.parentEdge("s" + i).orElseThrow().parentId(), t.edges().toString());
        }
    }
}
