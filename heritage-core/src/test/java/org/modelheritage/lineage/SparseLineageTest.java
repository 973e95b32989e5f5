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
