package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.io.FloatConversions;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.read.DType;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.InMemoryWeightFile;
import org.modelheritage.testing.SyntheticModels;

/**
 * A family made the ways model hubs make them, from synthetic weights: fine-tunes, a copy saved
 * under DataParallel's {@code module.} names, a copy with four vocabulary rows appended, an int8
 * per-row quantised copy, a 0.7 / 0.3 merge; and an independently initialised model of the same
 * architecture. Every edge, kind and merge weight is checked.
 */
class WildDerivativesTest {
    private static final int VOCAB = 100;

    /** The synthetic structure plus an embedding of {@code vocab} rows. */
    private static Map<String, float[]> withEmbedding(Map<String, float[]> body, float[] embedding) {
        Map<String, float[]> m = new LinkedHashMap<>(body);
        m.put("embed_tokens.weight", embedding);
        return m;
    }

    private static float[] gaussian(int n, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (sd * rng.nextGaussian());
        }
        return v;
    }

    private static Map<String, float[]> tune(Map<String, float[]> parent, long seed) {
        return SyntheticModels.fineTune(parent, 0.006, seed);
    }

    private static InMemoryWeightFile file(Map<String, float[]> m, String prefix) {
        return file(m, prefix, DType.F32);
    }

    private static InMemoryWeightFile file(Map<String, float[]> m, String prefix, DType dtype) {
        InMemoryWeightFile f = new InMemoryWeightFile(700);
        Map<String, long[]> shapes = SyntheticModels.shapes();
        for (Map.Entry<String, float[]> e : m.entrySet()) {
            long[] shape = shapes.get(e.getKey());
            if (shape == null) { // the embedding
                shape = new long[] {e.getValue().length / SyntheticModels.D, SyntheticModels.D};
            }
            f.put(prefix + e.getKey(), dtype, shape, e.getValue());
        }
        return f;
    }

    /** Symmetric int8 absmax per output row of every square matrix, dequantised. */
    private static Map<String, float[]> int8(Map<String, float[]> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((name, v) -> {
            float[] q = v.clone();
            if (name.contains("attention")) {
                int d = SyntheticModels.D;
                for (int r = 0; r < d; r++) {
                    float max = 0;
                    for (int c = 0; c < d; c++) {
                        max = Math.max(max, Math.abs(v[r * d + c]));
                    }
                    float scale = max / 127;
                    for (int c = 0; c < d; c++) {
                        q[r * d + c] = Math.round(v[r * d + c] / scale) * scale;
                    }
                }
            }
            out.put(name, q);
        });
        return out;
    }

    @Test
    void recoversKindsParentsAndMergeWeights() throws IOException {
        Map<String, float[]> base = withEmbedding(SyntheticModels.root(1), gaussian(VOCAB * SyntheticModels.D, 0.02, 2));
        Map<String, float[]> c1 = tune(base, 11);
        Map<String, float[]> c2 = tune(base, 12);
        Map<String, float[]> c3 = tune(base, 13);
        Map<String, float[]> g1 = tune(c1, 21);
        // four rows appended to the vocabulary, the mean of the old rows, nothing else changed
        float[] emb = c3.get("embed_tokens.weight");
        int d = SyntheticModels.D;
        float[] grown = java.util.Arrays.copyOf(emb, (VOCAB + 4) * d);
        for (int r = VOCAB; r < VOCAB + 4; r++) {
            for (int c = 0; c < d; c++) {
                double s = 0;
                for (int k = 0; k < VOCAB; k++) {
                    s += emb[k * d + c];
                }
                grown[r * d + c] = (float) (s / VOCAB);
            }
        }
        Map<String, float[]> resized = new LinkedHashMap<>(c3);
        resized.put("embed_tokens.weight", grown);
        Map<String, float[]> other = withEmbedding(SyntheticModels.root(99), gaussian(VOCAB * d, 0.02, 98));

        Map<String, InMemoryWeightFile> files = new TreeMap<>();
        files.put("base", file(base, "model."));
        files.put("c1", file(c1, "model."));
        files.put("c2", file(c2, "model."));
        files.put("c3", file(c3, "model."));
        files.put("g1", file(g1, ""));                       // saved by the bare base class
        files.put("c2-module", file(c2, "module.model."));    // DataParallel's copy of c2
        files.put("c3-resized", file(resized, "model."));
        files.put("c1-int8", file(int8(c1), "model."));
        files.put("merge", file(SyntheticModels.merge(c2, 0.7, c3), "base_model.model.model."));
        files.put("other", file(other, "model."));

        LineageIndex index = indexOf(files);
        List<ModelCluster> families = index.families();
        assertEquals(2, families.size(), families.toString());
        assertEquals(List.of("other"), families.get(1).members());

        LineageTree t = index.treeOf(families.get(0).firstMember()).orElseThrow();
        assertEquals(List.of("base"), t.roots());
        List<String> shown = new ArrayList<>();
        for (LineageEdge e : t.edges()) {
            shown.add(e.parentId() + ">" + e.childId() + " " + e.kind().label()
                    + (e.kind() == EdgeKind.MERGE ? String.format(java.util.Locale.ROOT, " %.3f", e.weight()) : ""));
        }
        assertEquals(List.of(
                "base>c1 fine-tune",
                "c1>c1-int8 quantized",
                "base>c2 fine-tune",
                "c2>c2-module duplicate",
                "base>c3 fine-tune",
                "c3>c3-resized resize",
                "c1>g1 fine-tune",
                "c2>merge merge 0.700",
                "c3>merge merge 0.300"), shown);
        LineageEdge main = t.parentEdge("merge").orElseThrow();
        assertEquals("c2", main.parentId(), "the heavier parent is the main one");
        for (LineageEdge e : t.edges()) {
            if (e.childId().equals("c2-module")) {
                // an exact copy under a tool's names: the names say which came first, and no more
                assertEquals(0.90, e.confidence(), 0.005, e.toString());
            } else if (e.parentId().equals("c2") || e.childId().equals("c2")) {
                // and so whether these edges belong to c2 or to its copy
                assertTrue(e.confidence() > 0.5 && e.confidence() <= 0.9, "an edge of one of two copies: " + e);
            } else {
                assertTrue(e.confidence() > 0.5, "every other edge here is right and should say so: " + e);
            }
        }
    }

    /**
     * Copies of the same values in the same dtype tell nothing apart but their tensor names: the one
     * saved from inside a tool (DataParallel's {@code module.}, {@code torch.compile}'s
     * {@code _orig_mod.}) is the copy, whatever the ids say, and the base's fine-tune hangs from the
     * original. Two copies whose names carry the same wrappers are a coin toss, decided by id.
     */
    @Test
    void aCopyUnderAToolsNamesIsTheCopy() throws IOException {
        int d = SyntheticModels.D;
        Map<String, float[]> base = withEmbedding(SyntheticModels.root(41), gaussian(VOCAB * d, 0.02, 42));
        Map<String, InMemoryWeightFile> files = new TreeMap<>();
        files.put("a-module", file(base, "module.model.")); // sorts before the base: ids do not decide
        files.put("base", file(base, "model."));
        files.put("tune", file(tune(base, 43), "model."));
        LineageTree t = treeOf(files);
        assertEquals(List.of("base"), t.roots());
        assertEquals(List.of("base>a-module duplicate", "base>tune fine-tune"), shown(t));
        assertEquals(0.90, t.parentEdge("a-module").orElseThrow().confidence(), 0.005);
        double tuned = t.parentEdge("tune").orElseThrow().confidence();
        assertTrue(tuned > 0.5 && tuned < 0.9, "the fine-tune's parent is right if the base is the original: " + tuned);

        files.put("a-compiled", file(base, "_orig_mod.module.model.")); // two tools: the copy of the copy
        t = treeOf(files);
        assertEquals(List.of("base"), t.roots());
        assertEquals(List.of("base>a-compiled duplicate", "base>a-module duplicate", "base>tune fine-tune"), shown(t));

        files.remove("a-compiled");
        files.put("a-plain", file(base, "")); // the bare base class's names: no tool, nothing told apart
        t = treeOf(files);
        assertEquals(List.of("a-plain"), t.roots(), "the same values, no tool's names between them: the smaller id");
        assertEquals(List.of("a-plain>a-module duplicate", "a-plain>base duplicate", "a-plain>tune fine-tune"), shown(t));
        assertEquals(0.5, t.parentEdge("base").orElseThrow().confidence(), 1e-12, "a coin toss");
    }

    /**
     * A BF16 base whose vocabulary was grown and saved in F32 (resize_token_embeddings on the model
     * loaded in F32, the old rows kept exactly): the F32 file is finer storage of the same values,
     * so it is not the original, the grown vocabulary says which came first, and the base's own
     * fine-tune hangs from the base. An F32 file of the base's values with nothing resized says
     * nothing about which came first: a coin toss, as copies in one dtype are.
     */
    @Test
    void aCopyStoredFinerButHoldingTheSameValuesIsNotTheOriginal() throws IOException {
        Map<String, float[]> base = withEmbedding(SyntheticModels.root(31), gaussian(VOCAB * SyntheticModels.D, 0.02, 32));
        Map<String, float[]> held = VocabularyModels.publishedInBf16(base);
        Map<String, float[]> resized = withFourMoreTokens(held);

        Map<String, InMemoryWeightFile> files = new TreeMap<>();
        files.put("a-resized", file(resized, "model.", DType.F32)); // sorts before the base: ids do not decide
        files.put("base", file(base, "model.", DType.BF16));
        files.put("tune", file(tune(held, 34), "model.", DType.F32));
        LineageTree t = treeOf(files);
        assertEquals(List.of("base"), t.roots());
        assertEquals(List.of("base>a-resized resize", "base>tune fine-tune"), shown(t));
        for (LineageEdge e : t.edges()) {
            assertTrue(e.confidence() > 0.9, "the grown vocabulary decides: " + e);
        }

        files.put("a-f32", file(held, "model.", DType.F32));
        t = treeOf(files);
        assertEquals(List.of("a-f32"), t.roots(), "the same values, the same vocabulary: the smaller id");
        assertEquals(List.of("a-f32>a-resized resize", "a-f32>base duplicate", "a-f32>tune fine-tune"), shown(t));
        assertEquals(0.5, t.parentEdge("base").orElseThrow().confidence(), 1e-12, "a coin toss");
    }

    /**
     * The same in F16: BF16 values fit F16's mantissa, but not its exponent below 2^-17, where F16's
     * subnormals hold fewer digits, so the F16 file differs from the base in its smallest values by
     * less than 1e-7 of their scale. That is no rounding from a finer original (which would differ by
     * about BF16's roundoff, 2^-8, everywhere): the F16 copy is not the original either.
     */
    @Test
    void bf16ValuesSavedInF16AreNotAFinerOriginal() throws IOException {
        Map<String, float[]> base = withEmbedding(SyntheticModels.root(31), gaussian(VOCAB * SyntheticModels.D, 0.02, 32));
        base.forEach((name, v) -> {
            for (int i = 0; i < v.length; i += 97) {
                v[i] = (float) (1e-6 * (1 + i % 7)); // below 2^-17, where F16 keeps fewer digits than BF16
            }
        });
        Map<String, float[]> held = VocabularyModels.publishedInBf16(base);
        Map<String, float[]> resized = withFourMoreTokens(held);
        Map<String, InMemoryWeightFile> files = new TreeMap<>();
        files.put("a-resized", file(inF16(resized), "model.", DType.F16)); // sorts before the base: ids do not decide
        files.put("base", file(base, "model.", DType.BF16));
        files.put("tune", file(tune(held, 34), "model.", DType.F32));
        SignatureExtractor extractor = new SignatureExtractor();
        double differ = PairMetrics.between(extractor.extract(files.get("base")), extractor.extract(files.get("a-resized")))
                .maxRelativeRms();
        assertTrue(differ > 0 && differ < 1e-6, "the F16 file rounds the smallest values: " + differ);
        LineageTree t = treeOf(files);
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals(List.of("base>a-resized resize", "base>tune fine-tune"), shown(t));
        for (LineageEdge e : t.edges()) {
            assertTrue(e.confidence() > 0.9, "the grown vocabulary decides: " + e);
        }

        files.put("a-f16", file(inF16(held), "model.", DType.F16));
        t = treeOf(files);
        assertEquals(List.of("a-f16"), t.roots(), "the same values, the same vocabulary: the smaller id");
        assertEquals(List.of("a-f16>a-resized resize", "a-f16>base duplicate", "a-f16>tune fine-tune"), shown(t));
        assertEquals(0.5, t.parentEdge("base").orElseThrow().confidence(), 1e-12, "a coin toss");
    }

    /**
     * A family oriented by kurtosis: three fine-tunes lowered the kurtosis of a heavy-tailed base
     * while weight decay shrank them (the norm reads them backwards), and a model with a grown
     * vocabulary raised it (a few large changes). Read alone, kurtosis makes the resized model the
     * root; the grown vocabulary decides its edge under any reading, kurtosis included.
     */
    @Test
    void aGrownVocabularyDecidesItsEdgeWhenKurtosisOrientsTheFamily() throws IOException {
        Map<String, float[]> base = withEmbedding(SyntheticModels.root(41), laplace(VOCAB * SyntheticModels.D, 0.02, 42));
        Map<String, InMemoryWeightFile> files = new TreeMap<>();
        files.put("base", file(base, "model."));
        for (int i = 0; i < 3; i++) {
            files.put("tune-" + i, file(scaled(tune(base, 43 + i), 0.9), "model."));
        }
        files.put("a-resized", file(withFourMoreTokens(spiked(base, 47)), "model.")); // sorts first: ids do not decide
        LineageTree t = treeOf(files);
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals(List.of("base>a-resized resize", "base>tune-0 fine-tune", "base>tune-1 fine-tune",
                "base>tune-2 fine-tune"), shown(t));
    }

    private static float[] laplace(int n, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) SyntheticModels.laplace(rng, sd);
        }
        return v;
    }

    /** Every matrix times {@code factor} (weight decay), vectors kept. */
    private static Map<String, float[]> scaled(Map<String, float[]> m, double factor) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((name, v) -> {
            float[] s = v.clone();
            if (!name.endsWith("bias") && !name.endsWith("norm.weight")) {
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (s[i] * factor);
                }
            }
            out.put(name, s);
        });
        return out;
    }

    /** One value in fifty moved by five times the weights' scale: a change that raises the kurtosis. */
    private static Map<String, float[]> spiked(Map<String, float[]> m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((name, v) -> {
            float[] s = v.clone();
            if (!name.endsWith("norm.weight")) {
                for (int i = 0; i < s.length; i++) {
                    if (rng.nextInt(50) == 0) {
                        s[i] += (float) (0.1 * (rng.nextBoolean() ? 1 : -1));
                    }
                }
            }
            out.put(name, s);
        });
        return out;
    }

    /** The model with four tokens appended to its embedding (resize_token_embeddings), the old rows kept exactly. */
    private static Map<String, float[]> withFourMoreTokens(Map<String, float[]> m) {
        int d = SyntheticModels.D;
        float[] grown = java.util.Arrays.copyOf(m.get("embed_tokens.weight"), (VOCAB + 4) * d);
        float[] extra = gaussian(4 * d, 0.02, 33);
        System.arraycopy(extra, 0, grown, VOCAB * d, extra.length);
        Map<String, float[]> resized = new LinkedHashMap<>(m);
        resized.put("embed_tokens.weight", grown);
        return resized;
    }

    /** The values an F16 file holds (the in-memory file rounds only BF16). */
    private static Map<String, float[]> inF16(Map<String, float[]> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((name, v) -> {
            float[] h = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                h[i] = FloatConversions.halfToFloat(FloatConversions.floatToHalfBits(v[i]));
            }
            out.put(name, h);
        });
        return out;
    }

    private static LineageIndex indexOf(Map<String, InMemoryWeightFile> files) throws IOException {
        LineageIndex index = new LineageIndex();
        SignatureExtractor extractor = new SignatureExtractor();
        for (Map.Entry<String, InMemoryWeightFile> e : files.entrySet()) {
            index.add(e.getKey(), extractor.extract(e.getValue()));
        }
        return index;
    }

    private static LineageTree treeOf(Map<String, InMemoryWeightFile> files) throws IOException {
        LineageIndex index = indexOf(files);
        List<ModelCluster> families = index.families();
        assertEquals(1, families.size(), families.toString());
        return index.treeOf(families.get(0).firstMember()).orElseThrow();
    }

    private static List<String> shown(LineageTree t) {
        List<String> out = new ArrayList<>();
        for (LineageEdge e : t.edges()) {
            out.add(e.parentId() + ">" + e.childId() + " " + e.kind().label());
        }
        out.sort(null);
        return out;
    }
}
