package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.D;
import static org.modelheritage.lineage.VocabularyModels.VOCAB;
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
 * A vocabulary grows from parent to child: a child that appended rows to the embedding (a pad
 * token, padding to a multiple of 8) and was then fine-tuned with strong weight decay on text
 * holding every token has a smaller norm than its parent and no untouched row to show the decay,
 * so the norm alone reads it as the parent; the grown vocabulary orients the edge
 * ({@code -Dmh.vocabularyGrows=false} makes the child the root).
 */
class VocabularyGrowthTest {

    @Test
    void theModelWithTheGrownVocabularyIsTheChild() throws IOException {
        Map<String, float[]> base = base(61);
        Map<String, float[]> tuned = tune(base, direction(base, 62), 0.97, 0.001, 0.0005, VOCAB, 63);
        Map<String, float[]> grown = new LinkedHashMap<>(tuned);
        float[] e = tuned.get("embed_tokens.weight");
        float[] wider = java.util.Arrays.copyOf(e, e.length + 8 * D);
        SplittableRandom rng = new SplittableRandom(64);
        for (int i = e.length; i < wider.length; i++) {
            wider[i] = (float) (0.02 * rng.nextGaussian());
        }
        grown.put("embed_tokens.weight", wider);
        LineageIndex index = new LineageIndex();
        SignatureExtractor extractor = new SignatureExtractor();
        index.add("base", extractor.extract(file(base, DType.F32)));
        index.add("grown", extractor.extract(file(grown, DType.F32)));
        LineageTree t = index.treeOf("base").orElseThrow();
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        LineageEdge edge = t.parentEdge("grown").orElseThrow();
        assertEquals("base", edge.parentId());
        assertEquals(EdgeKind.RESIZE, edge.kind());
    }
}
