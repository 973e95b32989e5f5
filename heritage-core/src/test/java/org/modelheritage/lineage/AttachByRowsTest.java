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
 * A fine-tune of a fine-tune that trained on the same text as a cousin: the distances put it below
 * the cousin, a row the cousin changed and it holds as the base does lifts it to the base, and the
 * rows its own parent changed and its text never holds put it back below its parent
 * ({@code -Dmh.attachByRows=false} leaves it below the base).
 */
class AttachByRowsTest {

    @Test
    void aChildHangsBelowTheModelWhoseChangesItHolds() throws IOException {
        Map<String, float[]> base = base(61);
        Map<String, float[]> text = direction(base, 62);
        // the parent's data holds tokens 0-199, the shared text 0-149; the cousin's also 250-259
        Map<String, float[]> parent = tune(base, direction(base, 63), 1.0, 0.002, 0.0003, row -> row < 200, 64);
        Map<String, float[]> cousin = tune(base, text, 1.0, 0.0015, 0.0003, row -> row < 150 || row >= 250 && row < 260, 65);
        Map<String, float[]> child = tune(parent, text, 1.0, 0.006, 0.0003, row -> row < 150, 66);
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex();
        index.add("base", extractor.extract(file(base, DType.F32)));
        index.add("parent", extractor.extract(file(parent, DType.F32)));
        index.add("cousin", extractor.extract(file(cousin, DType.F32)));
        index.add("child", extractor.extract(file(child, DType.F32)));
        LineageIndex rebuilt = new LineageIndex();
        for (String id : List.of("child", "cousin", "parent", "base")) {
            rebuilt.add(id, index.signature(id).orElseThrow());
        }
        for (LineageTree t : List.of(index.treeOf("base").orElseThrow(), rebuilt.treeOf("base").orElseThrow())) {
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            assertEquals("base", t.parentEdge("parent").orElseThrow().parentId(), t.edges().toString());
            assertEquals("base", t.parentEdge("cousin").orElseThrow().parentId(), t.edges().toString());
            assertEquals("parent", t.parentEdge("child").orElseThrow().parentId(), t.edges().toString());
        }
    }
}
