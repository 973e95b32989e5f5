package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.InMemoryWeightFile;

/**
 * What a pair comparison gives depends on the weights and their canonical names only: not on the
 * order of tensors in a file, not on which model is asked first (bit for bit), at shapes where
 * only some matrices get a spectrum (more square matrices than {@link PairMetrics#MAX_SPECTRAL_MATRICES})
 * and sketches are samples (sides wider than the 128-wide sketch).
 */
class OrderFreeMetricsTest {
    private static final int LAYERS = 6; // 24 square matrices
    private static final int D = 160;

    private static Map<String, float[]> model(long seed, Map<String, float[]> parent, double step) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int l = 0; l < LAYERS; l++) {
            for (String p : new String[] {"q", "k", "v", "o"}) {
                String name = "layers." + l + ".attn." + p + "_proj.weight";
                float[] v = parent == null ? new float[D * D] : parent.get(name).clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) ((parent == null ? 0.02 : step) * rng.nextGaussian());
                }
                m.put(name, v);
            }
            String up = "layers." + l + ".mlp.up_proj.weight";
            float[] u = parent == null ? new float[2 * D * D] : parent.get(up).clone();
            for (int i = 0; i < u.length; i++) {
                u[i] += (float) ((parent == null ? 0.02 : step) * rng.nextGaussian());
            }
            m.put(up, u);
        }
        return m;
    }

    private static ModelSignature signature(Map<String, float[]> m, List<String> order, String prefix, DType dtype)
            throws IOException {
        InMemoryWeightFile f = new InMemoryWeightFile(997);
        for (String name : order) {
            float[] v = m.get(name);
            f.put(prefix + name, dtype, new long[] {v.length / D, D}, v);
        }
        return new SignatureExtractor().extract(f);
    }

    @Test
    void tensorOrderNamesAndArgumentOrderChangeNothing() throws IOException {
        Map<String, float[]> parent = model(1, null, 0);
        Map<String, float[]> child = model(2, parent, 0.004);
        List<String> order = new ArrayList<>(parent.keySet());
        List<String> shuffled = new ArrayList<>(order);
        Collections.shuffle(shuffled, new Random(3));

        ModelSignature p = signature(parent, order, "model.", DType.F32);
        ModelSignature c = signature(child, order, "model.", DType.BF16);
        ModelSignature pShuffled = signature(parent, shuffled, "module.", DType.F32);
        ModelSignature cShuffled = signature(child, shuffled, "", DType.BF16);
        assertNotEquals(p.tensors(), pShuffled.tensors(), "the files really list their tensors in another order");

        PairMetrics m = PairMetrics.between(p, c);
        assertEquals(m, PairMetrics.between(c, p), "symmetric bit for bit");
        assertEquals(m, PairMetrics.between(pShuffled, cShuffled), "file order and wrappers change nothing");
        assertEquals(m, PairMetrics.between(cShuffled, pShuffled));
        assertEquals(m, PairMetrics.between(p, cShuffled));
        for (DirectionSignal s : List.of(DirectionSignal.KURTOSIS, DirectionSignal.SPECTRAL_TAIL,
                DirectionSignal.HEAD_ENERGY, DirectionSignal.NORM, DirectionSignal.ROW_DECAY)) {
            double e = DirectionEvidence.of(p, c, s);
            assertEquals(-e, DirectionEvidence.of(c, p, s), 0.0, s + " antisymmetric bit for bit");
            assertEquals(e, DirectionEvidence.of(pShuffled, cShuffled, s), 0.0, s + " independent of file order");
            assertEquals(-e, DirectionEvidence.of(cShuffled, pShuffled, s), 0.0, s.name());
        }
        // a noise step adds energy to every matrix: the norm votes parent -> child everywhere
        assertEquals(1.0, DirectionEvidence.of(p, c, DirectionSignal.NORM), 0.0);
        // and the comparison really is sub-sampled: 24 square matrices, 160-wide, sketched at 128
        assertEquals(24, p.lineageMatrices().size());
        assertEquals(128, p.lineageMatrices().get(0).sketchRows());
        assertEquals(PairMetrics.MAX_SPECTRAL_MATRICES, PairMetrics.spectralMatrices(p).size());
    }

    @Test
    void relabellingModelsRelabelsTheTree() throws IOException {
        Map<String, float[]> root = model(10, null, 0);
        Map<String, float[]> a = model(11, root, 0.004);
        Map<String, float[]> b = model(12, root, 0.004);
        Map<String, float[]> a1 = model(13, a, 0.004);
        List<String> order = new ArrayList<>(root.keySet());
        Map<String, ModelSignature> sigs = new LinkedHashMap<>();
        sigs.put("root", signature(root, order, "", DType.F32));
        sigs.put("a", signature(a, order, "", DType.F32));
        sigs.put("b", signature(b, order, "", DType.F32));
        sigs.put("a1", signature(a1, order, "", DType.F32));
        // two labellings whose id orders differ: ties, if any, would be broken differently
        Map<String, String> first = Map.of("root", "m3", "a", "m1", "b", "m4", "a1", "m2");
        Map<String, String> second = Map.of("root", "x1", "a", "x4", "b", "x2", "a1", "x3");
        assertEquals(edges(sigs, first), edges(sigs, second));
        assertEquals(List.of("a>a1", "root>a", "root>b"), edges(sigs, first));
    }

    private static List<String> edges(Map<String, ModelSignature> sigs, Map<String, String> label) {
        LineageIndex index = new LineageIndex();
        Map<String, String> back = new LinkedHashMap<>();
        sigs.forEach((name, s) -> {
            index.add(label.get(name), s);
            back.put(label.get(name), name);
        });
        List<String> out = new ArrayList<>();
        for (LineageTree t : index.trees()) {
            for (LineageEdge e : t.edges()) {
                out.add(back.get(e.parentId()) + ">" + back.get(e.childId()));
            }
        }
        Collections.sort(out);
        return out;
    }
}
