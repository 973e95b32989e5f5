package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.base;
import static org.modelheritage.lineage.VocabularyModels.direction;
import static org.modelheritage.lineage.VocabularyModels.file;
import static org.modelheritage.lineage.VocabularyModels.tune;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.SignatureExtractor;

/**
 * Of three models on a path, the middle one is the one no untouched row puts off it. A long step
 * (continued pre-training) and a fine-tune of it that moved its matrices part of the way back
 * toward the base: the fine-tune is nearer the base than the long step is, so the spanning tree
 * crosses from the base to the long step's side at the fine-tune. The embedding rows say
 * otherwise: the fine-tune holds every row the long step changed, as the long step holds it, and
 * rows of its own that both others hold unchanged; with the long step in the middle no row is off
 * the path. Too many rows put the fine-tune on the path for a lift, so the two swap places.
 */
class MiddleSwapTest {
    private static final int D = VocabularyModels.D;

    /** The long step's fine-tune: its matrices pulled back toward the base, embedding rows 200-249 its own. */
    private static Map<String, float[]> backTowardBase(Map<String, float[]> base, Map<String, float[]> longStep,
            long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        int[] k = {0};
        longStep.forEach((name, l) -> {
            double pull = k[0]++ % 2 == 0 ? 0.8 : 0.2; // no one mix of the two: not a merge
            float[] b = base.get(name);
            float[] v = new float[l.length];
            boolean embedding = name.startsWith("embed");
            for (int i = 0; i < v.length; i++) {
                int row = i / D;
                if (embedding) {
                    v[i] = row >= 200 && row < 250 ? (float) (l[i] + 0.004 * rng.nextGaussian()) : l[i];
                } else {
                    v[i] = (float) (l[i] - pull * (l[i] - b[i]) + 0.001 * rng.nextGaussian());
                }
            }
            out.put(name, v);
        });
        return out;
    }

    @Test
    void aFineTuneTheTreeCrossedAtGoesBelowTheLongStep() throws IOException {
        Map<String, float[]> base = base(71);
        Map<String, float[]> longStep = tune(base, direction(base, 72), 0.01, 0.002, 200, 73); // rows 0-199
        Map<String, float[]> fineTune = backTowardBase(base, longStep, 74);
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, org.modelheritage.signature.ModelSignature> models = new LinkedHashMap<>();
        models.put("base", extractor.extract(file(base, DType.F32)));
        models.put("long", extractor.extract(file(longStep, DType.F32)));
        models.put("tune", extractor.extract(file(fineTune, DType.F32)));
        for (LineageIndex index : VocabularyModels.builtAndGrown(models, extractor, 2)) {
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            assertEquals("base", t.parentEdge("long").orElseThrow().parentId(), t.edges().toString());
            assertEquals("long", t.parentEdge("tune").orElseThrow().parentId(), t.edges().toString());
        }
    }
}
