package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

class LineageIndexTest {
    /** Parent of each model in two fine-tuned trees and one low-rank tree (null for roots). */
    static final Map<String, String> PARENTS = new LinkedHashMap<>();
    static final Map<String, ModelSignature> SIGNATURES = new HashMap<>();

    @BeforeAll
    static void makeModels() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, Map<String, float[]>> weights = new HashMap<>();
        long seed = 100;
        for (String r : List.of("a", "b")) {
            tree(r, weights, seed += 10, false);
        }
        tree("l", weights, seed + 10, true);
        for (Map.Entry<String, Map<String, float[]>> e : weights.entrySet()) {
            SIGNATURES.put(e.getKey(), extractor.extract(SyntheticModels.file(e.getValue())));
        }
    }

    /** root -> c0, c1; c0 -> g0, g1; c1 -> g2. */
    private static void tree(String r, Map<String, Map<String, float[]>> weights, long seed, boolean lowRank) {
        weights.put(r, SyntheticModels.root(seed));
        PARENTS.put(r, null);
        String[][] edges = {{r, r + "c0"}, {r, r + "c1"}, {r + "c0", r + "c0g0"}, {r + "c0", r + "c0g1"}, {r + "c1", r + "c1g2"}};
        for (String[] e : edges) {
            long s = seed + e[1].hashCode();
            weights.put(e[1], lowRank ? SyntheticModels.lora(weights.get(e[0]), 2, 0.02, s)
                    : SyntheticModels.fineTune(weights.get(e[0]), 0.006, s));
            PARENTS.put(e[1], e[0]);
        }
    }

    static LineageIndex index(List<String> ids) {
        LineageIndex index = new LineageIndex();
        for (String id : ids) {
            index.add(id, SIGNATURES.get(id));
        }
        return index;
    }

    /** Every edge as "parent>child", and roots as ">root". */
    static Set<String> edges(LineageIndex index) {
        Set<String> out = new TreeSet<>();
        for (LineageTree t : index.trees()) {
            t.edges().forEach(e -> out.add(e.parentId() + ">" + e.childId()));
            t.roots().forEach(r -> out.add(">" + r));
        }
        return out;
    }

    static Set<String> expected(Set<String> ids) {
        Set<String> out = new TreeSet<>();
        PARENTS.forEach((c, p) -> {
            if (ids.contains(c)) {
                out.add(p == null ? ">" + c : p + ">" + c);
            }
        });
        return out;
    }

    @Test
    void recoversEveryEdgeAndRootOfSyntheticTrees() {
        LineageIndex index = index(new ArrayList<>(PARENTS.keySet()));
        List<ModelCluster> families = index.families();
        assertEquals(3, families.size());
        assertEquals(List.of("a", "ac0", "ac0g0", "ac0g1", "ac1", "ac1g2"), families.get(0).members());
        assertEquals(expected(PARENTS.keySet()), edges(index));
        for (LineageTree t : index.trees()) {
            assertEquals(t.members().get(0).equals("l"), t.lowRank(), "only the adapter family is low-rank");
            assertEquals(1, t.roots().size());
            assertTrue(t.isRoot(t.members().get(0)));
            for (LineageEdge e : t.edges()) {
                // merged rank-2 adapters are adapters; full fine-tunes are fine-tunes
                assertEquals(t.members().get(0).equals("l") ? EdgeKind.ADAPTER : EdgeKind.FINE_TUNE, e.kind(),
                        e.toString());
            }
        }
    }

    @Test
    void incrementalAddAndRemoveGiveTheBatchResultInAnyOrder() {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        Set<String> batch = edges(index(ids));
        Random rng = new Random(5);
        for (int trial = 0; trial < 3; trial++) {
            Collections.shuffle(ids, rng);
            LineageIndex index = new LineageIndex();
            for (String id : ids) {
                index.add(id, SIGNATURES.get(id));
                index.trees(); // recompute after every upload, as the lake does
            }
            assertEquals(batch, edges(index));
        }
        // remove a leaf and an inner node: the same as a batch over what is left
        LineageIndex index = index(ids);
        index.trees();
        assertTrue(index.remove("ac1g2"));
        assertTrue(index.remove("bc0"));
        assertFalse(index.remove("bc0"));
        List<String> left = new ArrayList<>(PARENTS.keySet());
        left.remove("ac1g2");
        left.remove("bc0");
        assertEquals(edges(index(left)), edges(index));
        // the a and l trees are untouched; a's leaf is gone
        Set<String> a = new TreeSet<>(expected(new TreeSet<>(left)));
        a.removeIf(e -> e.contains("b"));
        Set<String> got = new TreeSet<>(edges(index));
        got.removeIf(e -> e.contains("b"));
        assertEquals(a, got);
    }

    @Test
    void treesGrownOneModelAtATimeEqualTheBatchTreesExactly() {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        List<LineageTree> batch = index(ids).trees();
        Random rng = new Random(11);
        for (int trial = 0; trial < 4; trial++) {
            Collections.shuffle(ids, rng);
            LineageIndex index = new LineageIndex();
            for (String id : ids) {
                index.add(id, SIGNATURES.get(id));
                index.trees();
            }
            // every field: members, roots, edges with their confidences and distances, low-rank, mode
            assertEquals(batch, index.trees(), "order " + ids);
            Map<String, Integer> builds = index.treeBuilds();
            assertTrue(builds.get("grown") >= ids.size() - 3 - 3,
                    "all but each family's first model grow the tree, and a grown family may flip into the low-rank regime once: " + builds);
        }
    }

    @Test
    void removingAModelRebuildsItsFamilyAndTheNextAddGrowsItAgain() {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        LineageIndex index = index(ids);
        index.trees();
        assertTrue(index.remove("ac0"));
        Map<String, Integer> afterRemove = index.treeBuilds();
        index.add("ac0", SIGNATURES.get("ac0"));
        assertEquals(index(ids).trees(), index.trees());
        Map<String, Integer> afterAdd = index.treeBuilds();
        assertEquals(afterRemove.get("built"), afterAdd.get("built"), "nothing rebuilt on the add");
        assertEquals(afterRemove.get("grown") + 1, afterAdd.get("grown"));
    }

    @Test
    void aDuplicateFallsBackToAFullBuildWithTheSameResult() throws IOException {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        LineageIndex index = index(ids);
        index.trees();
        ModelSignature copy = SIGNATURES.get("bc0g1");
        index.add("bc0g1-copy", copy);
        Map<String, ModelSignature> all = new HashMap<>(SIGNATURES);
        all.put("bc0g1-copy", copy);
        LineageIndex batch = new LineageIndex();
        all.forEach(batch::add);
        assertEquals(batch.trees(), index.trees());
        assertTrue(edges(index).contains("bc0g1>bc0g1-copy"));
    }

    @Test
    void addingTheNthModelComputesOnlyItsOwnPairs() {
        List<String> family = List.of("a", "ac0", "ac1", "ac0g0", "ac0g1");
        LineageIndex index = index(family);
        index.trees();
        Map<String, Integer> before = index.cacheSizes();
        assertEquals(10, before.get("metrics"), "5 models: all 10 pairs of the family");
        index.add("ac1g2", SIGNATURES.get("ac1g2"));
        index.trees();
        Map<String, Integer> after = index.cacheSizes();
        assertEquals(15, after.get("metrics"), "the 6th model adds 5 pairs, not 15");
        assertTrue(after.get("correlation") - before.get("correlation") <= 5);
    }

    @Test
    void restoredCachesGiveTheSameTreesWithoutRecomputing() {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        LineageIndex original = index(ids);
        Set<String> edges = edges(original);
        Map<String, ModelSignature> stored = new HashMap<>();
        for (String id : ids) {
            stored.put(id, ModelSignature.decode(original.signature(id).orElseThrow().encode()));
        }
        List<PairDistance> rows = original.pairwiseValues();
        assertTrue(rows.stream().allMatch(r -> r.modelA().compareTo(r.modelB()) < 0));
        LineageIndex restored = new LineageIndex();
        restored.restore(stored, rows);
        Map<String, Integer> sizes = restored.cacheSizes();
        assertEquals(edges, edges(restored));
        assertEquals(sizes, restored.cacheSizes(), "nothing recomputed");
        assertEquals(original.pairwiseValues(), restored.pairwiseValues());
    }

    @Test
    void deterministicRepeatedRuns() {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        LineageIndex one = index(ids);
        LineageIndex two = index(ids);
        assertEquals(one.trees(), two.trees());
    }

    @Test
    void duplicatesAndDtypeCastsAreDuplicateEdgesFromTheFinerCopy() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, float[]> root = SyntheticModels.root(77);
        Map<String, float[]> child = SyntheticModels.fineTune(root, 0.006, 78);
        Map<String, float[]> grandchild = SyntheticModels.fineTune(child, 0.006, 79);
        LineageIndex index = new LineageIndex();
        index.add("r", extractor.extract(SyntheticModels.file(root)));
        index.add("c", extractor.extract(SyntheticModels.file(child)));
        index.add("g", extractor.extract(SyntheticModels.file(grandchild)));
        index.add("a-c-bf16", extractor.extract(SyntheticModels.file(child, DType.BF16)));
        index.add("z-c-copy", extractor.extract(SyntheticModels.file(child)));
        index.add("g-bf16", extractor.extract(SyntheticModels.file(grandchild, DType.BF16)));
        assertEquals(1, index.families().size());
        LineageTree t = index.trees().get(0);
        Map<String, LineageEdge> byChild = new HashMap<>();
        t.edges().forEach(e -> byChild.put(e.childId(), e));
        assertEquals(5, t.edges().size());
        assertEquals(List.of("r"), t.roots());
        assertEquals("c>a-c-bf16 DUPLICATE", show(byChild.get("a-c-bf16")));
        assertEquals("c>z-c-copy DUPLICATE", show(byChild.get("z-c-copy")), "equal precision: the smaller id is the original");
        assertEquals("g>g-bf16 DUPLICATE", show(byChild.get("g-bf16")));
        assertEquals("r>c FINE_TUNE", show(byChild.get("c")));
        assertEquals("c>g FINE_TUNE", show(byChild.get("g")));
        // which of two identical copies came first, the weights cannot tell
        assertEquals(0.5, byChild.get("z-c-copy").confidence(), 1e-12, "identical weights: a coin toss");
        // a cast's direction they can; but c has an identical copy, so every other edge of c (the
        // cast's, its own, its child's) is right only if c rather than z-c-copy is the original
        for (String x : List.of("a-c-bf16", "c", "g")) {
            double confidence = byChild.get(x).confidence();
            assertTrue(confidence > 0.4 && confidence <= 0.5, "one of two identical copies: " + byChild.get(x));
        }
        assertTrue(byChild.get("g-bf16").confidence() > 0.9, "a cast of a model without copies: " + byChild.get("g-bf16"));
    }

    private static String show(LineageEdge e) {
        return e.parentId() + ">" + e.childId() + " " + e.kind();
    }

    @Test
    void paperRecipeBuildsAnArborescencePerFamily() {
        List<String> ids = new ArrayList<>(PARENTS.keySet());
        LineageIndex index = new LineageIndex(MotherRecipe.paper(), new FamilyClustering(), new SignatureExtractor());
        ids.forEach(id -> index.add(id, SIGNATURES.get(id)));
        for (LineageTree t : index.trees()) {
            assertEquals(t.members().size() - 1, t.edges().size());
            assertEquals(1, t.roots().size());
        }
        assertEquals(3, index.families().size());
    }
}
