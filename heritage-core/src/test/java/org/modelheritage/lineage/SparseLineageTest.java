package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelheritage.family.CandidateIndex;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SyntheticModels;

/**
 * Candidate pairs instead of all pairs: on a hub-shaped family small enough for all pairs, the
 * sparse tree equals the exact one on at least 99 % of its edges, with O(n k) pairwise values.
 */
class SparseLineageTest {
    /** Models of the hub family: a root with many direct fine-tunes, and chains and bushes below. */
    static final int N = Integer.getInteger("mh.sparseTestModels", 100);
    static final Map<String, String> PARENTS = new LinkedHashMap<>();
    static final Map<String, ModelSignature> SIGNATURES = new HashMap<>();
    static final Map<String, Map<String, float[]>> WEIGHTS = new HashMap<>();

    @BeforeAll
    static void makeModels() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        SplittableRandom rng = new SplittableRandom(2026);
        List<String> ids = new ArrayList<>();
        Map<String, Map<String, float[]>> weights = new HashMap<>();
        for (int i = 0; i < N; i++) {
            String id = String.format("m%03d", i);
            Map<String, float[]> w;
            if (i == 0) {
                w = SyntheticModels.root(11);
                PARENTS.put(id, null);
            } else {
                // a third are fine-tunes of the root (a hub); the rest of any earlier model
                String parent = rng.nextDouble() < 0.33 ? ids.get(0) : ids.get(rng.nextInt(ids.size()));
                w = SyntheticModels.fineTune(weights.get(parent), 0.006, 1000 + i);
                PARENTS.put(id, parent);
            }
            weights.put(id, w);
            ids.add(id);
        }
        // a second, unrelated family of the same architecture: links must not cross
        for (int i = 0; i < 12; i++) {
            String id = String.format("z%03d", i);
            Map<String, float[]> w = i == 0 ? SyntheticModels.root(99)
                    : SyntheticModels.fineTune(weights.get("z000"), 0.006, 5000 + i);
            PARENTS.put(id, i == 0 ? null : "z000");
            weights.put(id, w);
        }
        WEIGHTS.putAll(weights);
        weights.forEach((id, w) -> {
            try {
                SIGNATURES.put(id, extractor.extract(SyntheticModels.file(w)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static LineageIndex index(int sparseAbove, List<String> order) {
        LineageIndex index = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(),
                sparseAbove);
        order.forEach(id -> index.add(id, SIGNATURES.get(id)));
        return index;
    }

    /** Each child's parent (roots map to ""). */
    private static Map<String, String> parents(LineageIndex index) {
        Map<String, String> out = new HashMap<>();
        for (LineageTree t : index.trees()) {
            t.roots().forEach(r -> out.put(r, ""));
            t.edges().forEach(e -> out.merge(e.childId(), e.parentId(), (a, b) -> a.compareTo(b) <= 0 ? a : b));
        }
        return out;
    }

    @Test
    void sparseTreeMatchesTheExactOneOnHubFamily() {
        List<String> order = new ArrayList<>(PARENTS.keySet());
        LineageIndex exact = index(Integer.MAX_VALUE, order);
        LineageIndex sparse = index(0, order);
        List<List<String>> exactFamilies = exact.families().stream().map(ModelCluster::members).toList();
        assertEquals(exactFamilies, sparse.families().stream().map(ModelCluster::members).toList());
        assertEquals(2, exactFamilies.size());

        Map<String, String> e = parents(exact);
        Map<String, String> s = parents(sparse);
        int same = 0;
        for (String id : PARENTS.keySet()) {
            if (e.get(id).equals(s.get(id))) {
                same++;
            }
        }
        double agreement = same / (double) PARENTS.size();
        System.out.printf("sparse vs exact: the same parent for %d of %d models; pair metrics %d vs %d, correlations %d vs %d%n",
                same, PARENTS.size(), sparse.cacheSizes().get("metrics"), exact.cacheSizes().get("metrics"),
                sparse.cacheSizes().get(PairDistance.CORRELATION), exact.cacheSizes().get(PairDistance.CORRELATION));
        assertTrue(agreement >= 0.99, "sparse agrees with exact on " + same + " of " + PARENTS.size() + " parents");

        // storage: O(n k) pairwise values instead of n^2 / 2 (plus the grandparent pairs the tree checks)
        int n = PARENTS.size();
        int k = CandidateIndex.DEFAULT_K;
        Map<String, Integer> sparseCache = sparse.cacheSizes();
        Map<String, Integer> exactCache = exact.cacheSizes();
        assertTrue(sparseCache.get("metrics") <= n * (k + 2), "metrics " + sparseCache);
        assertTrue(sparseCache.get(PairDistance.CORRELATION) <= n * k, "correlations " + sparseCache);
        assertEquals(N * (N - 1) / 2 + 12 * 11 / 2, exactCache.get("metrics"));
    }

    @Test
    void sparseTreeDoesNotDependOnTheOrderModelsCameIn() {
        List<String> order = new ArrayList<>(PARENTS.keySet());
        Map<String, String> forward = parents(index(0, order));
        Collections.shuffle(order, new Random(5));
        assertEquals(forward, parents(index(0, order)));
    }

    private static LineageIndex index(Map<String, ModelSignature> models) {
        LineageIndex index = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0);
        models.forEach(index::add);
        return index;
    }

    @Test
    void aTreeGrownModelByModelIsTheTreeOneBuildGives() {
        // the lake asks for the trees after every add: a family over candidate pairs is then grown
        // by the new model, never rebuilt, and every tree (edges, kinds, confidences, roots) is the
        // one a build over the same models gives
        List<String> order = new ArrayList<>(PARENTS.keySet());
        Collections.shuffle(order, new Random(3));
        LineageIndex grown = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0);
        Map<String, ModelSignature> added = new LinkedHashMap<>();
        for (String id : order) {
            grown.add(id, SIGNATURES.get(id));
            added.put(id, SIGNATURES.get(id));
            List<LineageTree> trees = grown.trees();
            if (added.size() % 37 == 0) {
                assertEquals(index(added).trees(), trees, "after " + added.size() + " models");
            }
        }
        assertEquals(index(added).trees(), grown.trees());
        Map<String, Integer> builds = grown.treeBuilds();
        // a model that links two families, or comes before its family's other models, is built
        assertTrue(builds.get("grown") >= order.size() * 3 / 4, builds.toString());
    }

    @Test
    void withFewCandidatesPairsOfTheTreeLeaveTheGraphAndTheGrownTreeStillIsTheBuiltOne() {
        // four nearest per model: new models push tree pairs out of the candidate graph, and the
        // grown tree is cut and joined again over the pairs left
        List<String> order = new ArrayList<>(PARENTS.keySet());
        Collections.shuffle(order, new Random(17));
        LineageIndex grown = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0, 4);
        Map<String, ModelSignature> added = new LinkedHashMap<>();
        for (String id : order) {
            grown.add(id, SIGNATURES.get(id));
            added.put(id, SIGNATURES.get(id));
            List<LineageTree> trees = grown.trees();
            if (added.size() % 28 == 0) {
                LineageIndex built = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0, 4);
                added.forEach(built::add);
                assertEquals(built.trees(), trees, "after " + added.size() + " models");
            }
        }
        assertTrue(grown.treeBuilds().get("grown") > order.size() / 2, grown.treeBuilds().toString());
    }

    @Test
    void aCopyOrAMergeAmongTheAddsIsBuiltAndTheTreeGrowsOnAfterIt() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        Map<String, ModelSignature> extra = new LinkedHashMap<>();
        // a half-precision copy of a member (a duplicate), and the average of two members (a merge)
        extra.put("m900", extractor.extract(SyntheticModels.file(WEIGHTS.get("m005"), org.modelheritage.read.DType.BF16)));
        Map<String, float[]> merge = new HashMap<>();
        WEIGHTS.get("m003").forEach((name, a) -> {
            float[] b = WEIGHTS.get("m007").get(name);
            float[] m = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                m[i] = 0.5f * a[i] + 0.5f * b[i];
            }
            merge.put(name, m);
        });
        extra.put("m901", extractor.extract(SyntheticModels.file(merge)));
        List<String> order = new ArrayList<>(PARENTS.keySet());
        order.add(40, "m900");
        order.add(70, "m901");
        LineageIndex grown = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0);
        Map<String, ModelSignature> added = new LinkedHashMap<>();
        Map<String, Integer> before = null;
        for (String id : order) {
            ModelSignature signature = extra.containsKey(id) ? extra.get(id) : SIGNATURES.get(id);
            grown.add(id, signature);
            added.put(id, signature);
            grown.trees();
            if (id.equals("m900")) {
                before = grown.treeBuilds();
            }
        }
        LineageTree tree = grown.treeOf("m000").orElseThrow();
        assertEquals(index(added).trees(), grown.trees());
        assertTrue(tree.edges().stream().anyMatch(e -> e.childId().equals("m900") || e.parentId().equals("m900")));
        assertTrue(tree.edges().stream().anyMatch(e -> e.childId().equals("m901") && e.kind() == EdgeKind.MERGE),
                tree.edges().toString());
        // with a copy in the family, the tree is built at every add (a build collapses copies first)
        assertTrue(grown.treeBuilds().get("built") > before.get("built"), grown.treeBuilds() + " vs " + before);
    }

    @Test
    void whenTheDirectionConsensusMovesAtEveryAddTheGrownTreeStillIsTheBuiltOne() throws Exception {
        // a hub where a third of the fine-tunes shrank their weights (weight decay): the norm votes
        // against the tree on their edges, so the family's direction consensus is below 1 and moves
        // with every add; every confidence must still be the one a build computes
        SignatureExtractor extractor = new SignatureExtractor();
        SplittableRandom rng = new SplittableRandom(77);
        Map<String, Map<String, float[]>> weights = new HashMap<>();
        Map<String, ModelSignature> models = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String id = String.format("d%03d", i);
            Map<String, float[]> w;
            if (i == 0) {
                w = SyntheticModels.root(31);
            } else {
                String parent = rng.nextDouble() < 0.33 ? ids.get(0) : ids.get(rng.nextInt(ids.size()));
                w = SyntheticModels.fineTune(weights.get(parent), 0.006, 3000 + i);
                if (rng.nextDouble() < 0.33) {
                    float shrink = 0.97f;
                    w.replaceAll((name, v) -> {
                        float[] out = v.clone();
                        for (int j = 0; j < out.length; j++) {
                            out[j] *= shrink;
                        }
                        return out;
                    });
                }
            }
            weights.put(id, w);
            ids.add(id);
            models.put(id, extractor.extract(SyntheticModels.file(w)));
        }
        List<String> order = new ArrayList<>(ids);
        Collections.shuffle(order, new Random(11));
        Set<Double> consensus = java.util.concurrent.ConcurrentHashMap.newKeySet();
        LineageIndex grown = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0);
        Map<String, ModelSignature> added = new LinkedHashMap<>();
        for (String id : order) {
            grown.add(id, models.get(id));
            added.put(id, models.get(id));
            List<LineageTree> trees = Confidence.recording(
                    (parent, child, kind, margin, agreement, c, tail, continuation, held) -> consensus.add(c), grown::trees);
            if (added.size() % 11 == 0 || added.size() == order.size()) {
                assertEquals(index(added).trees(), trees, "after " + added.size() + " models");
            }
        }
        assertTrue(consensus.stream().filter(c -> c < 1.0).count() >= 20, "consensus values seen: " + consensus);
        assertTrue(grown.treeBuilds().get("grown") >= order.size() / 2, grown.treeBuilds().toString());
    }

    @Test
    void addingOneByOneGivesWhatBuildingOnceGives() {
        List<String> order = new ArrayList<>(PARENTS.keySet());
        LineageIndex oneByOne = new LineageIndex(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor(), 0);
        for (String id : order) {
            oneByOne.add(id, SIGNATURES.get(id));
            if (id.endsWith("0")) {
                oneByOne.trees(); // families and trees kept up to date along the way, as the lake does
            }
        }
        assertEquals(parents(index(0, order)), parents(oneByOne));
        Set<String> ids = Set.copyOf(order);
        assertEquals(ids.size(), parents(oneByOne).size());
    }
}
