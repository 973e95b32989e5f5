package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * A base with four fine-tunes and one fine-tune so short that its matrices' norms moved either way:
 * the votes on that edge cannot tell which came first, and read alone they made the short
 * fine-tune the root, the base its only child ({@code -Dmh.weakRootVote=-1} does). The model
 * everything else hangs from is the root.
 */
class WeakRootVoteTest {

    @Test
    void aShortFineTuneOfTheBaseDoesNotBecomeTheRoot() throws IOException {
        Map<String, float[]> base = SyntheticModels.root(81);
        SignatureExtractor extractor = new SignatureExtractor();
        LineageIndex index = new LineageIndex();
        index.add("base", extractor.extract(VocabularyModels.file(base, DType.F32)));
        for (int i = 1; i <= 4; i++) {
            Map<String, float[]> child = SyntheticModels.fineTune(base, 0.002, 81 + i);
            index.add("c" + i, extractor.extract(VocabularyModels.file(child, DType.F32)));
        }
        index.add("short", extractor.extract(VocabularyModels.file(SyntheticModels.fineTune(base, 0.00001, 90), DType.F32)));
        LineageTree t = index.treeOf("base").orElseThrow();
        assertEquals(List.of("base"), t.roots(), t.edges().toString());
        assertEquals("base", t.parentEdge("short").orElseThrow().parentId(), t.edges().toString());
    }
}
