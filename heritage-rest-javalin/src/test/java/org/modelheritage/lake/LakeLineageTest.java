package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * The lake with the real lineage engine: family ids through growth, merges and splits, re-linking
 * on removal, and a reopen that recomputes nothing.
 */
class LakeLineageTest {
    @TempDir
    Path dir;

    ModelLake open() throws IOException {
        return ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work")));
    }

    static String add(ModelLake lake, String name, Map<String, float[]> weights) throws Exception {
        Model m = lake.add(name, null, name + ".safetensors", new ByteArrayInputStream(TestWeights.safetensors(weights)));
        assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
        Model ready = lake.model(m.id()).orElseThrow();
        assertEquals(ModelStatus.READY, ready.status(), ready.failureMessage());
        return m.id();
    }

    static String familyOf(ModelLake lake, String modelId) {
        return lake.model(modelId).orElseThrow().familyId();
    }

    static String parentOf(ModelLake lake, String modelId) {
        return lake.model(modelId).orElseThrow().parentId();
    }

    static Set<String> edges(ModelLake lake, String familyId) {
        Set<String> out = new HashSet<>();
        lake.tree(familyId).orElseThrow().edges().forEach(e -> out.add(e.parentId() + ">" + e.childId()));
        return out;
    }

    static Set<String> familyIds(ModelLake lake) {
        Set<String> out = new HashSet<>();
        lake.families(0, 1000).items().forEach(f -> out.add(f.id()));
        return out;
    }

    /** Every entry of a and b mixed as (a + b) / sqrt(2): correlated about 0.7 with each, while a and b are unrelated. */
    static Map<String, float[]> mix(Map<String, float[]> a, Map<String, float[]> b) {
        Map<String, float[]> out = new LinkedHashMap<>();
        a.forEach((name, x) -> {
            float[] y = b.get(name);
            float[] m = new float[x.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) ((x[i] + y[i]) / Math.sqrt(2));
            }
            out.put(name, m);
        });
        return out;
    }

    @Test
    void lineageWrittenByDifferenceIsTheEnginesTreeEdgeForEdge() throws Exception {
        // adds write only the edges into children whose edges changed: after each, the store holds
        // exactly the engine's families, edges with kinds and confidences, and each child's main edge
        java.util.Random rng = new java.util.Random(4);
        List<Map<String, float[]>> weights = new java.util.ArrayList<>();
        try (ModelLake lake = open()) {
            for (int i = 0; i < 14; i++) {
                Map<String, float[]> w = i == 0 ? TestWeights.random(3, 16, 7)
                        : i == 9 ? org.modelheritage.testing.SyntheticModels.merge(weights.get(2), 0.5, weights.get(5))
                        : TestWeights.child(weights.get(rng.nextInt(i)), 0.002, 100 + i);
                weights.add(w);
                add(lake, "m" + i, w);
                String key = lake.family(familyOf(lake, lake.models(null, 0, 1).items().get(0).id())).orElseThrow()
                        .structuralHash();
                IncrementalLineage engine = (IncrementalLineage) lake.groups().cachedEngine(key).orElseThrow();
                for (LineageAdapter.FamilyState state : engine.familyStates()) {
                    String family = familyOf(lake, state.members().iterator().next());
                    assertEquals(new HashSet<>(state.edges()), new HashSet<>(lake.tree(family).orElseThrow().edges()),
                            "after " + (i + 1) + " models");
                    Map<String, LineageEdge> main = LineageEdge.mainEdges(state.edges());
                    for (String id : state.members()) {
                        Model m = lake.model(id).orElseThrow();
                        assertEquals(family, m.familyId());
                        assertEquals(main.containsKey(id) ? main.get(id).parentId() : null, m.parentId(), id);
                        assertEquals(main.containsKey(id) ? main.get(id).confidence() : null, m.confidence(), id);
                    }
                }
            }
        }
    }

    @Test
    void aGrowingFamilyKeepsItsIdAndDeletingAMiddleModelRelinksItsChild() throws Exception {
        Map<String, float[]> root = TestWeights.random(3, 16, 1);
        Map<String, float[]> child = TestWeights.child(root, 0.002, 2);
        Map<String, float[]> grand = TestWeights.child(child, 0.002, 3);
        try (ModelLake lake = open()) {
            String rootId = add(lake, "root", root);
            String family = familyOf(lake, rootId);
            assertEquals(rootId, lake.family(family).orElseThrow().rootModelId());

            String grandId = add(lake, "grand", grand);
            assertEquals(family, familyOf(lake, grandId), "the family grew: same id");
            String childId = add(lake, "child", child);
            assertEquals(family, familyOf(lake, childId));
            assertEquals(Set.of(rootId + ">" + childId, childId + ">" + grandId), edges(lake, family));
            assertEquals(rootId, lake.family(family).orElseThrow().rootModelId());
            assertEquals(childId, parentOf(lake, grandId));
            double confidence = lake.model(grandId).orElseThrow().confidence();
            assertTrue(confidence >= 0 && confidence <= 1, "confidence " + confidence);

            // An unrelated model of the same architecture starts its own family and leaves this one alone.
            String otherId = add(lake, "other", TestWeights.random(3, 16, 99));
            assertNotEquals(family, familyOf(lake, otherId));
            assertEquals(family, familyOf(lake, rootId));
            assertEquals(2, familyIds(lake).size());

            assertTrue(lake.remove(childId));
            assertEquals(family, familyOf(lake, grandId), "the family keeps its id");
            assertEquals(rootId, parentOf(lake, grandId), "the grandchild is re-linked to the root");
            assertEquals(Set.of(rootId + ">" + grandId), edges(lake, family));
        }
    }

    @Test
    void familiesMergeWhenALinkAppearsAndSplitWhenItGoes() throws Exception {
        Map<String, float[]> a = TestWeights.random(3, 16, 11);
        Map<String, float[]> b = TestWeights.random(3, 16, 12);
        try (ModelLake lake = open()) {
            String aId = add(lake, "a", a);
            String aChild = add(lake, "a-child", TestWeights.child(a, 0.002, 13));
            String bId = add(lake, "b", b);
            String familyA = familyOf(lake, aId);
            String familyB = familyOf(lake, bId);
            assertNotEquals(familyA, familyB);
            assertEquals(familyA, familyOf(lake, aChild));

            // A model correlated with both joins them: the larger family's id survives, the other goes.
            String bridge = add(lake, "bridge", mix(a, b));
            assertEquals(Set.of(familyA), familyIds(lake));
            for (String id : List.of(aId, aChild, bId, bridge)) {
                assertEquals(familyA, familyOf(lake, id), id);
            }
            assertTrue(lake.family(familyB).isEmpty());
            assertEquals(3, edges(lake, familyA).size(), "one tree over the four");

            // Without it they part again: the larger part keeps the id, the other gets a new one.
            assertTrue(lake.remove(bridge));
            assertEquals(familyA, familyOf(lake, aId));
            assertEquals(familyA, familyOf(lake, aChild));
            String newB = familyOf(lake, bId);
            assertNotEquals(familyA, newB);
            assertEquals(Set.of(familyA, newB), familyIds(lake));
            assertEquals(Set.of(aId + ">" + aChild), edges(lake, familyA));
            assertEquals(Set.of(), edges(lake, newB));
            assertNull(parentOf(lake, bId));
            Family fb = lake.family(newB).orElseThrow();
            assertEquals(1, fb.memberCount());
            assertEquals(bId, fb.rootModelId());
        }
    }

    @Test
    void reopeningLoadsNothingUntilAJobNeedsAGroupAndThenRecomputesNothing() throws Exception {
        Map<String, float[]> root = TestWeights.random(3, 16, 21);
        Map<String, float[]> child = TestWeights.child(root, 0.002, 22);
        String rootId;
        String childId;
        String grandId;
        String family;
        String key;
        Set<String> edgesBefore;
        try (ModelLake lake = open()) {
            rootId = add(lake, "root", root);
            childId = add(lake, "child", child);
            grandId = add(lake, "grand", TestWeights.child(child, 0.002, 23));
            add(lake, "other", TestWeights.random(3, 16, 24)); // same architecture, another family: same group
            family = familyOf(lake, rootId);
            key = lake.family(family).orElseThrow().structuralHash();
            edgesBefore = edges(lake, family);
            assertEquals(Set.of(rootId + ">" + childId, childId + ">" + grandId), edgesBefore);
            assertEquals(1, lake.groups().loads(), "one group, loaded once (empty) and then kept");
            IncrementalLineage kept = (IncrementalLineage) lake.groups().cachedEngine(key).orElseThrow();
            assertEquals(4, kept.modelIds().size());
            assertEquals(Set.of(), kept.rowsNotHandedOut());
        }
        try (ModelLake lake = open()) {
            assertEquals(0, lake.groups().loads(), "opening a lake decodes no signature");
            assertEquals(0, lake.groups().cachedModels());
            assertEquals(edgesBefore, edges(lake, family), "reads come from the store");
            try (FamilyGroups.Group g = lake.groups().open(key, null)) {
                IncrementalLineage engine = (IncrementalLineage) g.engine();
                assertEquals(4, engine.modelIds().size());
                assertEquals(Set.of(), engine.rowsNotHandedOut(), "the correlations came back from the store");
                assertEquals(2, engine.trees().size(), "the family and 'other', built now");
                assertEquals(Set.of(), engine.rowsNotHandedOut(), "the family's values read from the store, none recomputed");
            }
            assertEquals(4, lake.groups().cachedModels());

            // The loaded engine carries on: deleting the middle model re-links the grandchild.
            assertTrue(lake.remove(childId));
            assertEquals(rootId, parentOf(lake, grandId));
            assertEquals(family, familyOf(lake, grandId));
            assertEquals(1, lake.groups().loads(), "the kept engine matched the store: not loaded again");
        }
    }

    @Test
    void theWarmUpLoadsTheLargestGroupsThatFitTheCacheBesideTheOpenLake() throws Exception {
        Map<String, float[]> root = TestWeights.random(3, 16, 51);
        try (ModelLake lake = open()) {
            String r = add(lake, "root", root);
            add(lake, "child", TestWeights.child(root, 0.002, 52));
            add(lake, "other", TestWeights.random(3, 16, 53)); // the same group
            add(lake, "wide", TestWeights.random(2, 24, 54)); // another architecture: a group of one
            assertEquals(familyOf(lake, r), familyOf(lake, lake.models(null, 0, 10).items().stream()
                    .filter(m -> m.name().equals("child")).findFirst().orElseThrow().id()));
        }
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work")).withLineageWarmUp(true))) {
            assertTrue(lake.awaitWarmUp(Duration.ofSeconds(60)));
            assertEquals(1, lake.groups().loads(), "the group of three loaded; a lone model needs none");
            assertEquals(3, lake.groups().cachedModels());
            add(lake, "grandchild", TestWeights.child(root, 0.002, 55));
            assertEquals(1, lake.groups().loads(), "the upload found its group loaded");
        }
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work")).withLineageWarmUp(true).withLineageCacheModels(3))) {
            assertTrue(lake.awaitWarmUp(Duration.ofSeconds(60)));
            assertEquals(0, lake.groups().loads(), "four models do not fit a cache of three");
        }
    }

    @Test
    void withNoCacheEveryJobLoadsItsGroupFromTheStoreAndTheTreesAreTheSame() throws Exception {
        Map<String, float[]> root = TestWeights.random(3, 16, 31);
        Map<String, float[]> child = TestWeights.child(root, 0.002, 32);
        Set<String> cached;
        Set<String> uncached;
        try (ModelLake lake = open()) {
            String r = add(lake, "root", root);
            String c = add(lake, "child", child);
            String g = add(lake, "grand", TestWeights.child(child, 0.002, 33));
            cached = named(edges(lake, familyOf(lake, r)), Map.of(r, "R", c, "C", g, "G"));
        }
        try (ModelLake lake = ModelLake.open(dir.resolve("other"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work2")).withLineageCacheModels(0))) {
            String r = add(lake, "root", root);
            String c = add(lake, "child", child);
            String g = add(lake, "grand", TestWeights.child(child, 0.002, 33));
            uncached = named(edges(lake, familyOf(lake, r)), Map.of(r, "R", c, "C", g, "G"));
            assertEquals(3, lake.groups().loads(), "nothing kept: each job loaded its group");
            assertEquals(0, lake.groups().cachedModels());
        }
        assertEquals(2, cached.size(), "a chain of three: " + cached);
        assertEquals(cached, uncached);
    }

    private static Set<String> named(Set<String> edges, Map<String, String> names) {
        Set<String> out = new HashSet<>();
        for (String e : edges) {
            String[] pc = e.split(">");
            out.add(names.get(pc[0]) + ">" + names.get(pc[1]));
        }
        return out;
    }
}
