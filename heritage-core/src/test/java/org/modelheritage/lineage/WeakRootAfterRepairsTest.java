package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.base;
import static org.modelheritage.lineage.VocabularyModels.direction;
import static org.modelheritage.lineage.VocabularyModels.file;
import static org.modelheritage.lineage.VocabularyModels.tune;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.SignatureExtractor;

/**
 * A base, a fine-tune of it so short that the votes on their edge cannot tell which came first, and
 * three fine-tunes of the base on three texts that the short fine-tune had begun on: each of the
 * three lies nearer the short fine-tune than the base, so the spanning tree hangs them all from it and the
 * base is a leaf. Read on that tree the weak root vote hands the root to the short fine-tune (it has
 * more neighbours); the rows it changed and the three hold as the base does then re-hang the three
 * below the base, and judged again on that tree the vote gives the root back to the base
 * ({@code -Dmh.weakRootAfterRepairs=false} leaves the short fine-tune the root).
 */
class WeakRootAfterRepairsTest {

    @Test
    void theRootIsJudgedOnTheRepairedTree() throws IOException {
        Map<String, float[]> base = base(71);
        List<Map<String, float[]>> texts = List.of(direction(base, 72), direction(base, 73), direction(base, 74));
        // the short fine-tune's step: towards all three texts, and a scale of each matrix that grows
        // five norms and shrinks five (one matrix stays as it was), so the norms' vote is a tie
        Map<String, float[]> step = new java.util.LinkedHashMap<>();
        int[] matrix = {0};
        base.forEach((name, p) -> {
            float[] v = new float[p.length];
            boolean weight = !name.endsWith("norm.weight") && !name.endsWith("bias");
            int k = weight ? matrix[0]++ : -1;
            if (k >= 0 && k != 5) {
                double scale = (k < 5 ? k : k - 1) % 2 == 0 ? 25 : -25;
                for (int i = 0; i < v.length; i++) {
                    for (Map<String, float[]> text : texts) {
                        v[i] += text.get(name)[i];
                    }
                    v[i] += (float) (scale * p[i]);
                }
            }
            step.put(name, v);
        });
        Map<String, float[]> start = tune(base, step, 1.0, 0.000004, 0.0, row -> row >= 280, 75);
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, org.modelheritage.signature.ModelSignature> models = new java.util.LinkedHashMap<>();
        models.put("base", extractor.extract(file(base, DType.F32)));
        models.put("short", extractor.extract(file(start, DType.F32)));
        for (int i = 1; i <= 3; i++) {
            Map<String, float[]> tuned = tune(base, texts.get(i - 1), 1.0, 0.002, 0.0004, row -> row < 150, 75 + i);
            models.put("t" + i, extractor.extract(file(tuned, DType.F32)));
        }
        for (LineageIndex index : VocabularyModels.builtAndGrown(models, extractor, 4)) {
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            for (String child : List.of("short", "t1", "t2", "t3")) {
                assertEquals("base", t.parentEdge(child).orElseThrow().parentId(), t.edges().toString());
            }
        }
    }
}
