package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * A wide star of Gaussian weights whose base has one child the norm reads backwards: a fine-tune with weight decay
 * that shrank most of its matrices (the case where BF16 storage hides the decayed rows that would
 * otherwise say which came first). The one edge's vote, read alone, would make that child the
 * root with the base and its other children below; the other children's edges say nothing against
 * either root. A root with a lead that small gives way to the family's hub.
 */
class HubRootTest {

    /** Each matrix scaled: most shrink (weight decay), a few grow; a little noise on all. */
    private static Map<String, float[]> decayed(Map<String, float[]> parent, long seed) {
        return scaled(parent, 1, seed);
    }

    /** Of every three matrices, {@code kept} keep their scale and the rest shrink by 3 %; a little noise on all. */
    private static Map<String, float[]> scaled(Map<String, float[]> parent, int kept, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        int matrix = 0;
        for (Map.Entry<String, float[]> e : parent.entrySet()) {
            float[] v = e.getValue().clone();
            boolean isMatrix = SyntheticModels.shapes().get(e.getKey()).length == 2;
            double scale = !isMatrix ? 1.0 : matrix++ % 3 < 3 - kept ? 0.97 : 1.0;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((v[i] + 0.004 * rng.nextGaussian()) * scale);
            }
            m.put(e.getKey(), v);
        }
        return m;
    }

    /** A root of Gaussian weights, as language models are initialised: kurtosis then tells nothing apart. */
    private static Map<String, float[]> gaussianRoot(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        SyntheticModels.shapes().forEach((name, shape) -> {
            float[] v = new float[(int) (shape.length == 1 ? shape[0] : shape[0] * shape[1])];
            for (int i = 0; i < v.length; i++) {
                v[i] = name.endsWith("norm.weight") ? 1.0f : (float) (0.02 * rng.nextGaussian());
            }
            m.put(name, v);
        });
        return m;
    }

    @Test
    void aChildReadBackwardsByAFewMatricesDoesNotTakeTheRootFromTheHub() throws IOException {
        Map<String, float[]> base = gaussianRoot(71);
        Map<String, Map<String, float[]>> models = new LinkedHashMap<>();
        models.put("base", base);
        models.put("a-decayed", decayed(base, 72)); // sorts first: ids do not decide
        for (int i = 0; i < 4; i++) {
            models.put("tune-" + i, SyntheticModels.fineTune(base, 0.004 + 0.001 * i, 73 + i));
        }
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, ModelSignature> signatures = signatures(models, extractor);
        // built at once, and grown model by model as a lake grows it (the last five adds grow the tree)
        for (LineageIndex index : VocabularyModels.builtAndGrown(signatures, extractor, 5)) {
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            assertEquals(Set.of(">base", "base>a-decayed", "base>tune-0", "base>tune-1", "base>tune-2", "base>tune-3"),
                    LineageIndexTest.edges(index));
            for (LineageEdge e : t.edges()) {
                assertTrue(e.confidence() > 0.5, "the hub's edges read forward: " + e);
            }
        }
    }

    /**
     * The same base and backwards child, and one of the base's fine-tunes has as many neighbours as
     * the base (three fine-tunes of its own): two hubs, of which only the base is beside the root.
     */
    @Test
    void theHubBesideTheRootTakesItWhenAnotherModelHasAsManyNeighbours() throws IOException {
        Map<String, float[]> base = gaussianRoot(71);
        Map<String, Map<String, float[]>> models = new LinkedHashMap<>();
        models.put("base", base);
        models.put("a-decayed", decayed(base, 72));
        for (int i = 0; i < 3; i++) {
            models.put("tune-" + i, SyntheticModels.fineTune(base, 0.004 + 0.001 * i, 73 + i));
        }
        for (int i = 0; i < 3; i++) {
            models.put("tune-0-" + i, SyntheticModels.fineTune(models.get("tune-0"), 0.004 + 0.001 * i, 93 + i));
        }
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, ModelSignature> signatures = signatures(models, extractor);
        for (LineageIndex index : VocabularyModels.builtAndGrown(signatures, extractor, 7)) {
            assertEquals(Set.of(">base", "base>a-decayed", "base>tune-0", "base>tune-1", "base>tune-2",
                    "tune-0>tune-0-0", "tune-0>tune-0-1", "tune-0>tune-0-2"), LineageIndexTest.edges(index));
        }
    }

    @Test
    void aModelWithThreeNeighboursIsNoHub() throws IOException {
        // base -> tune (most matrices grew, a third shrank: a forward vote too weak to lead by more
        // than one) -> two fine-tunes of its own; tune has three neighbours, the base one
        Map<String, float[]> base = gaussianRoot(81);
        Map<String, float[]> tune = scaled(base, 2, 82);
        Map<String, Map<String, float[]>> models = new LinkedHashMap<>();
        models.put("base", base);
        models.put("tune", tune);
        models.put("tune-a", SyntheticModels.fineTune(tune, 0.004, 83));
        models.put("tune-b", SyntheticModels.fineTune(tune, 0.006, 84));
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, ModelSignature> signatures = signatures(models, extractor);
        for (LineageIndex index : VocabularyModels.builtAndGrown(signatures, extractor, 3)) {
            assertEquals(Set.of(">base", "base>tune", "tune>tune-a", "tune>tune-b"), LineageIndexTest.edges(index));
        }
    }

    private static Map<String, ModelSignature> signatures(Map<String, Map<String, float[]>> models,
            SignatureExtractor extractor) throws IOException {
        Map<String, ModelSignature> signatures = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, float[]>> e : models.entrySet()) {
            signatures.put(e.getKey(), extractor.extract(SyntheticModels.file(e.getValue())));
        }
        return signatures;
    }
}
