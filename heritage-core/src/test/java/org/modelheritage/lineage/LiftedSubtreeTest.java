package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.VOCAB;
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
 * A long step (continued pre-training) with small fine-tunes below it, beside a fine-tune of the
 * base on the same text as one of them: the two same-text fine-tunes are the nearest pair across
 * the long step, so the spanning tree crosses there, and the base's fine-tune sits between the base
 * and the long step's side. The rows only the base's fine-tune touched lift the long step's
 * fine-tune to the base; the lifted subtree must then hang from the base through its member
 * nearest the base, the long step itself, not through the fine-tune the spanning tree happened to
 * cross at ({@code -Dmh.reanchor=false} leaves {@code longFt} as the long step's parent).
 */
class LiftedSubtreeTest {

    @Test
    void aLiftedSubtreeHangsFromItsNewParentThroughItsNearestMember() throws IOException {
        Map<String, float[]> base = base(41);
        Map<String, float[]> longDirection = direction(base, 42);
        Map<String, float[]> text = direction(base, 43);
        // the long step's data holds tokens 0-199; every fine-tune but the base's one holds the same
        Map<String, float[]> longStep = tune(base, longDirection, 0.02, 0.0003, 200, 44);
        // the base's fine-tune on the text goes a little way along the long step too (training
        // on any text improves what both learn), so it is the base's side's nearest model to it
        Map<String, float[]> baseFt = tune(base, sum(text, 0.005, longDirection, 0.001), 1.0, 0.0003, VOCAB, 45);
        Map<String, float[]> longFt = tune(longStep, text, 0.005, 0.0003, 200, 46);
        Map<String, float[]> longFt2 = tune(longStep, direction(base, 47), 0.005, 0.0003, 200, 48);
        LineageIndex index = new LineageIndex();
        SignatureExtractor extractor = new SignatureExtractor();
        index.add("base", extractor.extract(file(base, DType.F32)));
        index.add("long", extractor.extract(file(longStep, DType.F32)));
        index.add("baseFt", extractor.extract(file(baseFt, DType.F32)));
        index.add("longFt", extractor.extract(file(longFt, DType.F32)));
        index.add("longFt2", extractor.extract(file(longFt2, DType.F32)));
        LineageTree grown = index.treeOf("base").orElseThrow();
        LineageIndex rebuilt = new LineageIndex();
        for (String id : List.of("longFt2", "longFt", "baseFt", "long", "base")) {
            rebuilt.add(id, index.signature(id).orElseThrow());
        }
        for (LineageTree t : List.of(grown, rebuilt.treeOf("base").orElseThrow())) {
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            assertEquals("base", t.parentEdge("baseFt").orElseThrow().parentId(), t.edges().toString());
            assertEquals("base", t.parentEdge("long").orElseThrow().parentId(), t.edges().toString());
            assertEquals("long", t.parentEdge("longFt").orElseThrow().parentId(), t.edges().toString());
            assertEquals("long", t.parentEdge("longFt2").orElseThrow().parentId(), t.edges().toString());
        }
    }

    private static Map<String, float[]> sum(Map<String, float[]> a, double wa, Map<String, float[]> b, double wb) {
        Map<String, float[]> m = new LinkedHashMap<>();
        a.forEach((name, x) -> {
            float[] y = b.get(name);
            float[] v = new float[x.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (wa * x[i] + wb * y[i]);
            }
            m.put(name, v);
        });
        return m;
    }
}
