package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * A fine-tune of a merge that moved towards another merge of its family: in relative energy the
 * other merge is nearer (its task's low-rank step points there), while the spectral tail sees one
 * run's high-rank change against the merge it came from and the other merge's parents' noise
 * against the other ({@code -Dmh.downstreamByTail=false} hangs it below the other merge).
 */
class MergeChildTest {

    /** {@code a + w * (b - c)}, value by value. */
    private static Map<String, float[]> plus(Map<String, float[]> a, double w, Map<String, float[]> b,
            Map<String, float[]> c) {
        Map<String, float[]> out = new LinkedHashMap<>();
        a.forEach((name, v) -> {
            float[] x = b.get(name);
            float[] y = c.get(name);
            float[] m = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                m[i] = (float) (v[i] + w * ((double) x[i] - y[i]));
            }
            out.put(name, m);
        });
        return out;
    }

    /** A task's step: low rank, on the attention's query and value. */
    private static Map<String, float[]> task(Map<String, float[]> parent, long seed) {
        return SyntheticModels.lora(parent, 4, 0.02, seed);
    }

    /** One run's own change: small noise on every value. */
    private static Map<String, float[]> run(Map<String, float[]> m, long seed) {
        return SyntheticModels.fineTune(m, 0.0005, seed);
    }

    @Test
    void aFineTuneOfAMergeHangsBelowThatMerge() throws IOException {
        Map<String, float[]> base = SyntheticModels.root(71);
        Map<String, float[]> t0 = task(base, 72);
        Map<String, float[]> t1 = task(base, 74);
        Map<String, float[]> t2 = task(base, 76);
        Map<String, float[]> c0 = run(t0, 73);
        Map<String, float[]> c1 = run(t1, 75);
        Map<String, float[]> c2 = run(t2, 77);
        Map<String, float[]> avg = SyntheticModels.merge(c0, 0.5, c1);
        Map<String, float[]> lin = SyntheticModels.merge(c2, 0.7, c0);
        // its own task's step, and most of the way to the other merge's tasks, and its own run
        Map<String, float[]> ft = run(plus(task(avg, 78), 0.8, SyntheticModels.merge(t2, 0.7, t0), SyntheticModels.merge(t0, 0.5, t1)), 79);
        Map<String, Map<String, float[]>> models = new LinkedHashMap<>();
        models.put("base", base);
        models.put("c0", c0);
        models.put("c1", c1);
        models.put("c2", c2);
        models.put("avg", avg);
        models.put("lin", lin);
        models.put("avg-ft", ft);
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex();
        for (Map.Entry<String, Map<String, float[]>> e : models.entrySet()) {
            index.add(e.getKey(), extractor.extract(VocabularyModels.file(e.getValue(), DType.F32)));
        }
        LineageTree t = index.treeOf("base").orElseThrow();
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals(EdgeKind.MERGE, t.parentEdge("avg").orElseThrow().kind(), t.edges().toString());
        assertEquals(EdgeKind.MERGE, t.parentEdge("lin").orElseThrow().kind(), t.edges().toString());
        LineageEdge e = t.parentEdge("avg-ft").orElseThrow();
        assertEquals("avg", e.parentId(), t.edges().toString());
        assertEquals(EdgeKind.FINE_TUNE, e.kind(), t.edges().toString());
    }
}
