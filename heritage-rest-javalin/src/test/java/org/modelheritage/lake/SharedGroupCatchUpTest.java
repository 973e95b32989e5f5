package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lineage.LineageTree;
import org.modelheritage.server.TestPostgres;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * Two lakes on one PostgreSQL schema and one blob folder, as two processes would share them: one
 * processes every job, the other only identifies. The second's kept engine takes in the models the
 * first added (a catch-up, no reload of the group) and answers as the first does; a model deleted
 * elsewhere makes it load the group again.
 */
class SharedGroupCatchUpTest {
    private static final String PG = TestPostgres.URL;

    @Test
    void aKeptEngineCatchesUpWithModelsAddedByAnotherProcess(@TempDir Path dir) throws Exception {
        String user = TestPostgres.user();
        String schema = "catchup_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        URI store = URI.create(PG + "?currentSchema=" + schema + "&user=" + user);
        URI blobs = dir.resolve("blobs").toUri();
        Map<String, float[]> root = TestWeights.random(3, 16, 41);
        Map<String, float[]> c1 = TestWeights.child(root, 0.002, 42);
        Map<String, float[]> c2 = TestWeights.child(c1, 0.002, 43);
        Path probe = dir.resolve("probe.safetensors");
        Files.write(probe, TestWeights.safetensors(TestWeights.child(c2, 0.002, 44)));
        try (ModelLake worker = ModelLake.open(store, blobs, LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("w1")));
             ModelLake reader = ModelLake.open(store, blobs, LakeOptions.defaults().withWorkers(0).withWorkDir(dir.resolve("w2")))) {
            String r = add(worker, worker, "root", root);
            String m1 = add(worker, worker, "c1", c1);
            same(worker, reader, probe);
            assertEquals(1, reader.groups().loads());
            assertEquals(0, reader.groups().catchUps());

            add(worker, worker, "c2", c2);
            add(worker, worker, "other", TestWeights.random(3, 16, 45)); // same architecture, another family
            add(worker, reader, "sibling", TestWeights.child(root, 0.002, 46)); // uploaded through the reader
            same(worker, reader, probe);
            assertEquals(1, reader.groups().loads(), "the models added elsewhere were taken in, the group not read again");
            assertEquals(1, reader.groups().catchUps());
            IncrementalLineage caughtUp = (IncrementalLineage) reader.groups().cachedEngine(key(reader, r)).orElseThrow();
            assertEquals(java.util.Set.of(), caughtUp.rowsNotHandedOut(), "nothing the store holds computed again");
            assertEquals(trees(worker), trees(reader), "the engine that caught up holds the trees of the one that added");

            // more models than are taken in one by one: taken in at once
            for (int i = 0; i < 18; i++) {
                add(worker, worker, "more" + i, TestWeights.child(i % 2 == 0 ? c2 : root, 0.002, 60 + i));
            }
            same(worker, reader, probe);
            assertEquals(1, reader.groups().loads());
            assertEquals(2, reader.groups().catchUps());
            assertEquals(trees(worker), trees(reader));

            assertTrue(worker.remove(m1));
            same(worker, reader, probe);
            assertEquals(2, reader.groups().loads(), "a model gone elsewhere: the group read again");
            assertEquals(trees(worker), trees(reader));
        } finally {
            TestPostgres.dropSchema(user, schema);
        }
    }

    /** Uploads through {@code via} and waits until the worker lake has processed it. */
    private static String add(ModelLake worker, ModelLake via, String name, Map<String, float[]> weights) throws Exception {
        Model m = via.add(name, null, name + ".safetensors", new ByteArrayInputStream(TestWeights.safetensors(weights)));
        assertTrue(worker.awaitIdle(Duration.ofSeconds(60)));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (worker.model(m.id()).orElseThrow().status() != ModelStatus.READY) {
            assertTrue(System.nanoTime() < deadline, name + " not processed");
            worker.awaitIdle(Duration.ofMillis(200));
        }
        return m.id();
    }

    /** Both lakes identify the file alike. */
    private static void same(ModelLake a, ModelLake b, Path file) throws Exception {
        Identification x = a.identify(List.of(file));
        assertEquals(Identification.Placement.JOINS_FAMILY, x.placement());
        assertEquals(x, b.identify(List.of(file)));
    }

    private static String key(ModelLake lake, String modelId) {
        return lake.family(lake.model(modelId).orElseThrow().familyId()).orElseThrow().structuralHash();
    }

    /** The edges of every family's tree in the lake's kept engine of the one group. */
    private static List<List<String>> trees(ModelLake lake) {
        String key = lake.families(0, 10).items().get(0).structuralHash();
        List<List<String>> out = new ArrayList<>();
        try (FamilyGroups.Group g = lake.groups().open(key, null)) {
            for (LineageTree t : ((IncrementalLineage) g.engine()).trees()) {
                out.add(t.edges().stream().map(e -> e.parentId() + ">" + e.childId() + " " + e.kind() + " " + e.confidence()).sorted().toList());
            }
        }
        return out;
    }
}
