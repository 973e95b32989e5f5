package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * An index restored with the correlations only, the other values read per family when its tree is
 * first needed, building only the trees of families that changed: after every later add it agrees
 * with an index that built everything all along, and a tree it did not build is the one restored.
 */
class LazyRestoreTest {

    @BeforeAll
    static void models() throws IOException {
        if (SparseLineageTest.SIGNATURES.isEmpty()) {
            SparseLineageTest.makeModels();
        }
    }

    private static LineageIndex index(double threshold) {
        // every family on candidate pairs, four nearest per model: pairs come and go
        return new LineageIndex(MotherRecipe.defaults(), threshold == 0 ? new FamilyClustering() : new FamilyClustering(threshold),
                new SignatureExtractor(), 0, 4);
    }

    /** The default family threshold, and a high one under which families split and join as models come. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {0, 0.95})
    void aRestoredIndexBuildsOnlyWhatChangedAndAgreesWithOneThatBuiltEverything(double threshold) {
        List<String> order = new ArrayList<>(SparseLineageTest.PARENTS.keySet());
        Collections.shuffle(order, new Random(23));
        int restoredAt = 60;
        LineageIndex all = index(threshold);
        Map<String, ModelSignature> restored = new LinkedHashMap<>();
        for (String id : order.subList(0, restoredAt)) {
            all.add(id, SparseLineageTest.SIGNATURES.get(id));
            restored.put(id, SparseLineageTest.SIGNATURES.get(id));
        }
        Map<List<String>, LineageTree> treesRestored = new HashMap<>();
        List<ModelCluster> families = all.families();
        List<LineageTree> trees = all.trees();
        for (int i = 0; i < families.size(); i++) {
            treesRestored.put(families.get(i).members(), trees.get(i));
        }
        List<PairDistance> stored = all.pairwiseValues();
        List<PairDistance> correlations = stored.stream().filter(d -> d.metric().equals(PairDistance.CORRELATION)).toList();
        List<Set<String>> asked = new ArrayList<>();

        LineageIndex lazy = index(threshold);
        lazy.restore(restored, correlations, ids -> {
            asked.add(Set.copyOf(ids));
            return stored.stream().filter(d -> !d.metric().equals(PairDistance.CORRELATION)
                    && ids.contains(d.modelA()) && ids.contains(d.modelB())).toList();
        });
        assertEquals(families, lazy.families(), "the families, from the correlations alone");
        assertEquals(List.of(), asked, "no other value read yet");
        Set<List<String>> unbuilt = new HashSet<>();
        lazy.families().forEach(f -> unbuilt.add(f.members()));

        int builtBecauseInvalidated = 0;
        for (String id : order.subList(restoredAt, order.size())) {
            all.add(id, SparseLineageTest.SIGNATURES.get(id));
            lazy.add(id, SparseLineageTest.SIGNATURES.get(id));
            List<ModelCluster> now = all.families();
            assertEquals(now, lazy.families(), "after " + id);
            List<LineageTree> expected = all.trees();
            List<LineageTree> got = lazy.trees(f -> !unbuilt.contains(f.members()) || lazy.treeInvalidated(f.members()));
            for (int i = 0; i < now.size(); i++) {
                List<String> members = now.get(i).members();
                if (got.get(i) == null) {
                    assertEquals(treesRestored.get(members), expected.get(i), "not built by the restored index: unchanged, after " + id);
                } else {
                    assertEquals(expected.get(i), got.get(i), "after " + id);
                    if (unbuilt.remove(members)) {
                        builtBecauseInvalidated++;
                    }
                }
            }
        }
        assertTrue(asked.size() >= 1 && asked.size() <= unbuilt.size() + builtBecauseInvalidated + 2,
                "values read once per family whose tree was needed: " + asked.size());
    }
}
