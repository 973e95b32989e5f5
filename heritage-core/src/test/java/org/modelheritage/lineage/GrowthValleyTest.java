package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.D;
import static org.modelheritage.lineage.VocabularyModels.base;
import static org.modelheritage.lineage.VocabularyModels.direction;
import static org.modelheritage.lineage.VocabularyModels.file;
import static org.modelheritage.lineage.VocabularyModels.tune;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.SignatureExtractor;

/**
 * Three fine-tunes of one base on the same text: one padded the vocabulary to 320 rows and took the
 * shortest step, one added a pad token and went further, one kept the vocabulary and went furthest.
 * The spanning tree chains them base - padded - one token - kept, so the padded model has two tree
 * neighbours with smaller vocabularies, both of which would have grown into it, which no path through
 * it allows (a vocabulary only grows along a path). As with a decay valley, its shorter edge stays
 * and the other neighbour joins that edge's far end, and again at the one-token model; the base
 * keeps the root and the padded model ({@code -Dmh.growthValleys=false} roots the family at the
 * fine-tune that kept the vocabulary, the padded model a parent of the base).
 */
class GrowthValleyTest {

    /** The model with its embedding grown to {@code rows} rows, each new row the mean of the old ones. */
    private static Map<String, float[]> grown(Map<String, float[]> m, int rows) {
        Map<String, float[]> out = new LinkedHashMap<>(m);
        float[] e = m.get("embed_tokens.weight");
        int old = e.length / D;
        float[] wider = java.util.Arrays.copyOf(e, rows * D);
        for (int j = 0; j < D; j++) {
            double mean = 0;
            for (int i = 0; i < old; i++) {
                mean += e[i * D + j];
            }
            for (int i = old; i < rows; i++) {
                wider[i * D + j] = (float) (mean / old);
            }
        }
        out.put("embed_tokens.weight", wider);
        return out;
    }

    @Test
    void aModelBothTreeNeighboursGrewIntoIsNotOnThePathBetweenThem() throws IOException {
        Map<String, float[]> base = base(71);
        Map<String, float[]> text = direction(grown(base, 320), 72);
        int all = 320;
        Map<String, float[]> padded = tune(grown(base, 320), text, 0.001, 0.0006, all, 73);
        Map<String, float[]> oneToken = tune(grown(base, 301), text, 0.002, 0.0006, all, 74);
        Map<String, float[]> kept = tune(base, text, 0.003, 0.0006, all, 75);
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex();
        index.add("base", extractor.extract(file(base, DType.F32)));
        index.add("padded", extractor.extract(file(padded, DType.F32)));
        index.add("one-token", extractor.extract(file(oneToken, DType.F32)));
        index.add("kept", extractor.extract(file(kept, DType.F32)));
        LineageTree t = index.treeOf("base").orElseThrow();
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals("base", t.parentEdge("padded").orElseThrow().parentId(), t.edges().toString());
    }
}
