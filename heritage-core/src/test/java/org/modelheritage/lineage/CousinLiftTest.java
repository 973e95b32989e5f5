package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.VOCAB;
import static org.modelheritage.lineage.VocabularyModels.base;
import static org.modelheritage.lineage.VocabularyModels.builtAndGrown;
import static org.modelheritage.lineage.VocabularyModels.direction;
import static org.modelheritage.lineage.VocabularyModels.signature;
import static org.modelheritage.lineage.VocabularyModels.tune;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * A long fine-tune of the base on the same text as a cousin (a fine-tune of the base's short
 * fine-tune on another text): the cousin took a short step along the same direction, so it is the
 * long fine-tune's nearest model, and the grandparent edge of that placement (the short fine-tune
 * to the cousin) runs along the long one's way as well: the long fine-tune is about that edge
 * further from the short fine-tune than from the cousin, so the grandparent's shortfall test lets
 * it stay. The edge above, the base to the short fine-tune, is where the branches part: the long
 * fine-tune lacks that change, so it is farther from the short fine-tune than from the base, not
 * nearer. Every embedding row is trained, so no row tells where anything hangs.
 * {@code -Dmh.ancestorShortfall=false} leaves it below the cousin.
 */
class CousinLiftTest {

    @Test
    void aLongFineTuneOnACousinsTextHangsFromTheBase() throws IOException {
        Map<String, float[]> base = base(61);
        Map<String, float[]> textA = direction(base, 62);
        Map<String, float[]> textM = direction(base, 63);
        Map<String, float[]> shortFt = tune(base, textA, 0.003, 0.0002, VOCAB, 64);
        Map<String, float[]> cousin = tune(shortFt, textM, 0.002, 0.0002, VOCAB, 65);
        Map<String, float[]> longFt = tune(base, textM, 0.010, 0.0002, VOCAB, 66);
        Map<String, float[]> other = tune(base, direction(base, 67), 0.004, 0.0002, VOCAB, 68);
        Map<String, ModelSignature> models = new LinkedHashMap<>();
        models.put("base", signature(base, DType.F32));
        models.put("shortFt", signature(shortFt, DType.F32));
        models.put("cousin", signature(cousin, DType.F32));
        models.put("longFt", signature(longFt, DType.F32));
        models.put("other", signature(other, DType.F32));
        for (LineageIndex index : builtAndGrown(models, new SignatureExtractor(), 4)) {
            LineageTree t = index.treeOf("base").orElseThrow();
            String edges = t.edges().toString();
            assertEquals(java.util.List.of("base"), t.roots(), edges);
            assertEquals("base", t.parentEdge("longFt").orElseThrow().parentId(), edges);
            assertEquals("base", t.parentEdge("shortFt").orElseThrow().parentId(), edges);
            assertEquals("shortFt", t.parentEdge("cousin").orElseThrow().parentId(), edges);
            assertEquals("base", t.parentEdge("other").orElseThrow().parentId(), edges);
        }
    }

    /** A long step taken from the cousin (on a third text) carries the short fine-tune's change, and stays below the cousin. */
    @Test
    void theSameStepTakenFromTheCousinStaysBelowIt() throws IOException {
        Map<String, float[]> base = base(61);
        Map<String, float[]> textA = direction(base, 62);
        Map<String, float[]> textM = direction(base, 63);
        Map<String, float[]> shortFt = tune(base, textA, 0.003, 0.0002, VOCAB, 64);
        Map<String, float[]> cousin = tune(shortFt, textM, 0.002, 0.0002, VOCAB, 65);
        Map<String, float[]> below = tune(cousin, direction(base, 69), 0.008, 0.0002, VOCAB, 66);
        Map<String, float[]> other = tune(base, direction(base, 67), 0.004, 0.0002, VOCAB, 68);
        Map<String, ModelSignature> models = new LinkedHashMap<>();
        models.put("base", signature(base, DType.F32));
        models.put("shortFt", signature(shortFt, DType.F32));
        models.put("cousin", signature(cousin, DType.F32));
        models.put("below", signature(below, DType.F32));
        models.put("other", signature(other, DType.F32));
        for (LineageIndex index : builtAndGrown(models, new SignatureExtractor(), 4)) {
            LineageTree t = index.treeOf("base").orElseThrow();
            String edges = t.edges().toString();
            assertEquals(java.util.List.of("base"), t.roots(), edges);
            assertEquals("cousin", t.parentEdge("below").orElseThrow().parentId(), edges);
            assertEquals("shortFt", t.parentEdge("cousin").orElseThrow().parentId(), edges);
            assertEquals("base", t.parentEdge("shortFt").orElseThrow().parentId(), edges);
        }
    }
}
