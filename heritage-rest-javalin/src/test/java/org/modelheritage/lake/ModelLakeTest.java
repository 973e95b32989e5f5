package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/** The library facade on its own: SQLite and a blob directory in a temp folder. */
class ModelLakeTest {
    @TempDir
    Path dir;

    ModelLake open(LakeOptions options) throws IOException {
        return ModelLake.open(dir.resolve("lake"), options.withWorkDir(dir.resolve("work")));
    }

    Set<String> blobs() throws IOException {
        Path root = dir.resolve("lake").resolve("blobs").resolve("sha256");
        try (Stream<Path> walk = Files.walk(root)) {
            Set<String> out = new HashSet<>();
            walk.filter(Files::isRegularFile).forEach(p -> out.add(p.getFileName().toString()));
            return out;
        }
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve("in").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    @Test
    void blobsACrashLeftWithoutAModelAreSweptBesideTheReopenedLake() throws Exception {
        byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 1));
        String kept;
        String orphan;
        try (ModelLake lake = open(LakeOptions.defaults())) {
            Model m = lake.add("kept", null, List.of(write("kept.safetensors", bytes)));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            kept = m.files().get(0).sha256();
            // a put whose model was never committed: what a crash between the two leaves
            orphan = lake.blobStore().put(new java.io.ByteArrayInputStream("left by a crash".getBytes())).ref().sha256();
        }
        assertEquals(Set.of(kept, orphan), blobs());
        try (ModelLake lake = open(LakeOptions.defaults())) {
            assertTrue(lake.awaitOrphanSweep(Duration.ofSeconds(60)));
            assertEquals(Set.of(kept), blobs());
            assertEquals(ModelStatus.READY, lake.models(null, 0, 10).items().get(0).status());
        }
    }

    @Test
    void addProcessReopenAndRemove() throws Exception {
        byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 1));
        String id;
        try (ModelLake lake = open(LakeOptions.defaults())) {
            Model m = lake.add("first", "desc", List.of(write("first.safetensors", bytes)));
            id = m.id();
            assertEquals(ModelStatus.PENDING, m.status());
            assertEquals("safetensors", m.format());
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            Model ready = lake.model(id).orElseThrow();
            assertEquals(ModelStatus.READY, ready.status());
            assertEquals(128L, ready.parameterCount());
            assertTrue(ready.familyId() != null);
            assertEquals(1, lake.tree(ready.familyId()).orElseThrow().nodes().size());
        }
        try (ModelLake lake = open(LakeOptions.defaults())) {
            assertEquals(ModelStatus.READY, lake.model(id).orElseThrow().status());
            assertEquals(1, lake.models(null, 0, 10).total());
            assertTrue(lake.remove(id));
            assertFalse(lake.remove(id));
            assertEquals(Set.of(), blobs());
            assertEquals(0, lake.stats().families());
        }
    }

    @Test
    void duplicatesAndUnreadableFilesAreRefusedAndLeaveNothing() throws Exception {
        try (ModelLake lake = open(LakeOptions.defaults())) {
            byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 2));
            Model m = lake.add("a", null, "a.safetensors", new ByteArrayInputStream(bytes));
            DuplicateModelException dup = assertThrows(DuplicateModelException.class,
                    () -> lake.add("b", null, "b.safetensors", new ByteArrayInputStream(bytes)));
            assertEquals(m.id(), dup.existingId());
            Set<String> before = blobs();
            InvalidModelException bad = assertThrows(InvalidModelException.class, () -> lake.add("junk", null, "junk.pt",
                    new ByteArrayInputStream("not weights".getBytes(StandardCharsets.UTF_8))));
            assertTrue(bad.getMessage().startsWith("unreadable weights in 'junk.pt'"), bad.getMessage());
            assertEquals(before, blobs());
            assertEquals(1, lake.models(null, 0, 10).total());
        }
    }

    @Test
    void tooLargeUploadsLeaveNothing() throws Exception {
        try (ModelLake lake = open(LakeOptions.defaults().withMaxUploadBytes(100))) {
            byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 3));
            assertThrows(UploadTooLargeException.class, () -> lake.add("big", null, "big.safetensors", new ByteArrayInputStream(bytes)));
            assertEquals(Set.of(), blobs());
            assertEquals(0, lake.models(null, 0, 10).total());
        }
    }

    @Test
    void shardedCheckpointsAreLaidOutUnderTheirNamesAndShareBlobsSafely() throws Exception {
        Map<String, float[]> all = TestWeights.random(4, 8, 4);
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        all.forEach((k, v) -> (first.size() < 2 ? first : second).put(k, v));
        byte[] shard1 = TestWeights.safetensors(first);
        byte[] shard2 = TestWeights.safetensors(second);
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        String sep = "";
        for (String k : first.keySet()) {
            index.append(sep).append('"').append(k).append("\": \"model-00001-of-00002.safetensors\"");
            sep = ", ";
        }
        for (String k : second.keySet()) {
            index.append(sep).append('"').append(k).append("\": \"model-00002-of-00002.safetensors\"");
        }
        index.append("}}");
        Path sharded = dir.resolve("in").resolve("sharded");
        Files.createDirectories(sharded);
        Files.write(sharded.resolve("model-00001-of-00002.safetensors"), shard1);
        Files.write(sharded.resolve("model-00002-of-00002.safetensors"), shard2);
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());

        try (ModelLake lake = open(LakeOptions.defaults())) {
            Model single = lake.add("shard-alone", null, "s.safetensors", new ByteArrayInputStream(shard1));
            Model whole = lake.add("whole", null, List.of(sharded));
            assertEquals("sharded-safetensors", whole.format());
            assertEquals(3, whole.files().size());
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            Model ready = lake.model(whole.id()).orElseThrow();
            assertEquals(ModelStatus.READY, ready.status(), ready.failureMessage());
            assertEquals(4L * 64, ready.parameterCount());
            // The single model's only blob is also a shard of the other: removing it keeps the blob.
            assertTrue(lake.remove(single.id()));
            assertEquals(3, blobs().size());
            assertTrue(lake.remove(whole.id()));
            assertEquals(Set.of(), blobs());
        }
    }
}
