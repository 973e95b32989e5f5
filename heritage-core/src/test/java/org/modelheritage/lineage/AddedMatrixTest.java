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
 * A derivative keeps its parent's weight matrices: a fine-tune that unties its head (a separate
 * {@code lm_head} where the base ties it to the embedding) passes the head on, and a tied model is
 * not its descendant. Two fine-tunes of a tied base on the same data, every embedding row touched by
 * both, are chained by the spanning tree (the smaller step between the base and the larger), and
 * nothing in their rows or distances tells the sibling from a child. When the smaller step untied
 * its head and the larger did not, the head does.
 */
class AddedMatrixTest {
    private static Map<String, float[]> untied(Map<String, float[]> m, long seed) {
        Map<String, float[]> out = new LinkedHashMap<>(m);
        float[] e = m.get("embed_tokens.weight");
        float[] head = new float[e.length];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (e[i] + 0.002 * rng.nextGaussian()); // started as the embedding, then trained
        }
        out.put("lm_head.weight", head);
        return out;
    }

    @Test
    void aTiedModelIsNoDescendantOfAnUntiedOne() throws IOException {
        Map<String, float[]> base = base(61);
        Map<String, float[]> dir = direction(base, 62);
        Map<String, float[]> large = tune(base, dir, 0.004, 0.0005, VocabularyModels.VOCAB, 64);
        SignatureExtractor extractor = new SignatureExtractor();
        for (boolean smallUntied : new boolean[] {false, true}) {
            Map<String, float[]> small = tune(base, dir, 0.002, 0.0005, VocabularyModels.VOCAB, 63);
            if (smallUntied) {
                small = untied(small, 65);
            }
            Map<String, float[]> child = tune(small, direction(small, 66), 0.002, 0.0005, VocabularyModels.VOCAB, 67);
            LineageIndex index = new LineageIndex();
            index.add("base", extractor.extract(file(base, DType.F32)));
            index.add("small", extractor.extract(file(small, DType.F32)));
            index.add("large", extractor.extract(file(large, DType.F32)));
            index.add("child", extractor.extract(file(child, DType.F32)));
            LineageTree t = index.treeOf("base").orElseThrow();
            String at = "small untied " + smallUntied + ": " + t.edges();
            assertEquals(List.of("base"), t.roots(), at);
            assertEquals("base", t.parentEdge("small").orElseThrow().parentId(), at);
            assertEquals(smallUntied ? "base" : "small", t.parentEdge("large").orElseThrow().parentId(), at);
            assertEquals("small", t.parentEdge("child").orElseThrow().parentId(), at);
        }
    }

    /**
     * The base's shortest fine-tune, a step so small that the norm cannot say which of the two came
     * first, untied its head, and the spanning tree hangs the base's other fine-tunes (same data,
     * longer steps) from it: it is the hub, and the hub would take the root. Its own head says it
     * came after the base, so the root stays with the base, and the tied fine-tunes, which cannot
     * descend from it, hang from the base too ({@code -Dmh.addedMatrixFacts=false} roots the family
     * at the untied model).
     */
    @Test
    void aModelThatUntiedItsHeadIsNoRootOfTheTiedBase() throws IOException {
        Map<String, float[]> base = base(71);
        Map<String, float[]> dir = direction(base, 72);
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex();
        index.add("base", extractor.extract(file(base, DType.F32)));
        index.add("near", extractor.extract(file(untied(tune(base, dir, 0.0005, 0.00002, VocabularyModels.VOCAB, 73), 74),
                DType.F32)));
        for (int i = 0; i < 4; i++) {
            Map<String, float[]> shared = tune(base, dir, 0.002, 0, VocabularyModels.VOCAB, 75 + i);
            index.add("tune-" + i, extractor.extract(file(tune(shared, direction(base, 80 + i), 0.002, 0.0005,
                    VocabularyModels.VOCAB, 85 + i), DType.F32)));
        }
        LineageTree t = index.treeOf("base").orElseThrow();
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals("base", t.parentEdge("near").orElseThrow().parentId(), t.edges().toString());
        for (int i = 0; i < 4; i++) {
            assertEquals("base", t.parentEdge("tune-" + i).orElseThrow().parentId(), t.edges().toString());
        }
    }
}
