package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * {@link LineageIndex#probe} against the add it stands for: on an index kept up to date model by
 * model (as a lake keeps it), probing a model gives the family and tree that adding it then gives,
 * leaves the index as it was, and compares the model with the models an add compares it with: all
 * of its architecture, or in a large architecture only its candidates by sketch embedding.
 */
class LineageIndexProbeTest {
    /** Two families of one architecture (a bushy one and a small one) and a model unrelated to both. */
    static final Map<String, ModelSignature> SIGNATURES = new TreeMap<>();

    @BeforeAll
    static void makeModels() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        SplittableRandom rng = new SplittableRandom(20);
        Map<String, Map<String, float[]>> weights = new HashMap<>();
        List<String> big = new ArrayList<>();
        weights.put("a00", SyntheticModels.root(1));
        big.add("a00");
        for (int i = 1; i < 20; i++) {
            String id = String.format("a%02d", i);
            String parent = rng.nextDouble() < 0.4 ? "a00" : big.get(rng.nextInt(big.size()));
            weights.put(id, SyntheticModels.fineTune(weights.get(parent), 0.006, 100 + i));
            big.add(id);
        }
        weights.put("b00", SyntheticModels.root(2));
        for (int i = 1; i < 6; i++) {
            weights.put(String.format("b%02d", i), SyntheticModels.lora(weights.get("b00"), 2, 0.02, 200 + i));
        }
        weights.put("c00", SyntheticModels.root(3));
        for (Map.Entry<String, Map<String, float[]>> e : weights.entrySet()) {
            SIGNATURES.put(e.getKey(), extractor.extract(SyntheticModels.file(e.getValue())));
        }
    }

    /** Every model but one, added one by one with the trees kept built: the state a lake's engine is in. */
    private static LineageIndex without(String left, int sparseAbove) {
        LineageIndex index = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(),
                sparseAbove);
        for (Map.Entry<String, ModelSignature> e : SIGNATURES.entrySet()) {
            if (!e.getKey().equals(left)) {
                index.add(e.getKey(), e.getValue());
                index.trees();
            }
        }
        return index;
    }

    /** 0: every family on candidate pairs; a large value: every pair compared. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1_000})
    void probingGivesWhatAddingGivesAndChangesNothing(int sparseAbove) {
        boolean sparse = sparseAbove == 0;
        for (String left : List.of("a00", "a07", "a19", "b03", "c00")) {
            LineageIndex index = without(left, sparseAbove);
            List<PairDistance> valuesBefore = index.pairwiseValues();
            List<PairDistance> pendingBefore = index.pendingComputed();
            List<ModelCluster> familiesBefore = index.families();
            Map<String, Integer> buildsBefore = index.treeBuilds();

            LineageProbe.Outcome o = index.probe(left, SIGNATURES.get(left));

            assertEquals(valuesBefore, index.pairwiseValues(), left + ": no value cached by the probe");
            assertEquals(pendingBefore, index.pendingComputed(), left);
            assertEquals(familiesBefore, index.families(), left);
            assertEquals(buildsBefore, index.treeBuilds(), left);
            assertTrue(!index.contains(left), left);

            int others = SIGNATURES.size() - 1;
            if (sparse) {
                assertTrue(o.correlations().size() < others, left + ": compared with its candidates only, "
                        + o.correlations().size() + " of " + others);
            } else {
                assertEquals(others, o.correlations().size(), left + ": compared with every model of its architecture");
            }

            // the same placement from the families and signatures alone (what eval's tests use); that
            // path runs at the default threshold, so it takes the same pairs where every pair is compared
            LineageProbe.Outcome given = new LineageProbe(MotherRecipe.defaults(), new FamilyClustering(),
                    new SignatureExtractor()).place(left, SIGNATURES.get(left), index.families(),
                    id -> index.signature(id).orElse(null), ids -> List.of());
            if (!sparse) {
                assertEquals(o.correlations(), given.correlations(), left);
                assertEquals(o.tree() == null ? null : o.tree().edges(), given.tree() == null ? null : given.tree().edges(), left);
            }

            index.add(left, SIGNATURES.get(left));
            ModelCluster family = index.familyOf(left).orElseThrow();
            if (left.equals("c00")) {
                assertEquals(LineageProbe.Placement.INDEPENDENTLY_TRAINED, o.placement());
                assertEquals(1, family.size());
                continue;
            }
            assertEquals(LineageProbe.Placement.JOINS_FAMILY, o.placement(), left);
            assertEquals(family, o.family(), left);
            LineageTree added = index.treeOf(left).orElseThrow();
            assertEquals(added.edges(), o.tree().edges(), left + ": the tree the add gives");
            assertEquals(added.roots(), o.tree().roots(), left);
            for (String member : family.members()) {
                if (!member.equals(left) && o.metrics().containsKey(member)) {
                    assertTrue(o.correlations().containsKey(member), left + ": a measured member has its correlation");
                }
            }
        }
    }
}
