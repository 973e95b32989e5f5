package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * Temporary model views left by a process killed with -9 are removed when a lake opens; those of
 * lakes still open are not, and a lake leaves none behind when it closes.
 */
class WorkDirectoryTest {
    @TempDir
    Path dir;

    static Set<String> names(Path root) throws IOException {
        try (Stream<Path> list = Files.list(root)) {
            Set<String> out = new TreeSet<>();
            list.forEach(p -> out.add(p.getFileName().toString()));
            return out;
        }
    }

    /** What a killed lake leaves: its lock file (no longer locked: the OS dropped the lock) and a view in its directory. */
    static void leftOver(Path work, String id) throws IOException {
        Files.createDirectories(work.resolve(id).resolve("model-123"));
        Files.write(work.resolve(id).resolve("model-123").resolve("model-00001-of-00002.safetensors"), new byte[64]);
        Files.write(work.resolve(id + ".lock"), new byte[0]);
    }

    @Test
    void viewsOfAKilledLakeAreRemovedAtOpenAndThoseOfLiveLakesKept() throws Exception {
        Path work = dir.resolve("work");
        leftOver(work, "lake-dead");
        // a view an older version left at the top of the lake's own work directory
        Files.createDirectories(work.resolve("model-456"));
        Files.write(work.resolve("model-456").resolve("shard.safetensors"), new byte[8]);
        Files.write(work.resolve("model-789.bin"), new byte[8]);
        // something that is not the lake's: left alone
        Files.write(work.resolve("notes.txt"), new byte[1]);
        // a link out of a leftover view must be removed, not followed
        Path outside = Files.write(dir.resolve("outside.bin"), new byte[4]);
        Files.createSymbolicLink(work.resolve("lake-dead").resolve("model-123").resolve("link.safetensors"), outside);

        LakeOptions options = LakeOptions.defaults().withWorkers(1).withWorkDir(work);
        try (ModelLake first = ModelLake.open(dir.resolve("a"), options)) {
            Set<String> afterFirst = names(work);
            assertEquals(3, afterFirst.size(), afterFirst.toString());
            assertTrue(afterFirst.contains("notes.txt"));
            String live = afterFirst.stream().filter(n -> n.startsWith("lake-") && !n.endsWith(".lock")).findFirst()
                    .orElseThrow();
            assertTrue(afterFirst.contains(live + ".lock"));
            assertTrue(Files.exists(outside), "the link's target is not the lake's");

            // a second lake on the same work directory while the first is open: the first's claim stays
            leftOver(work, "lake-dead2");
            try (ModelLake second = ModelLake.open(dir.resolve("b"), options)) {
                Set<String> both = names(work);
                assertEquals(5, both.size(), both.toString());
                assertTrue(both.containsAll(List.of(live, live + ".lock", "notes.txt")), both.toString());
                assertFalse(both.contains("lake-dead2"));
                // and the first still works there: a sharded model is laid out in its directory
                byte[] shard = TestWeights.safetensors(TestWeights.random(2, 8, 31));
                Model m = first.add("m", null, "m.safetensors", new ByteArrayInputStream(shard));
                assertTrue(first.awaitIdle(Duration.ofSeconds(60)));
                assertEquals(ModelStatus.READY, first.model(m.id()).orElseThrow().status());
            }
            assertEquals(afterFirst, names(work), "the second lake took its own directory away when it closed");
        }
        assertEquals(Set.of("notes.txt"), names(work), "a closed lake leaves nothing");
    }

    @Test
    void theSharedTempDirectoryKeepsWhatIsNotALakeDirectory() throws Exception {
        // Without a work directory of its own (the library's default, the system temp directory
        // shared by every lake on the machine) only lake directories whose claim is dead go.
        Path shared = dir.resolve("tmp");
        Files.createDirectories(shared.resolve("model-1"));
        leftOver(shared, "lake-gone");
        try (WorkDirectory claim = WorkDirectory.claim(shared, false)) {
            Set<String> names = names(shared);
            assertEquals(3, names.size(), names.toString());
            assertTrue(names.contains("model-1"));
            assertFalse(names.contains("lake-gone"));
            assertFalse(names.contains("lake-gone.lock"));
            assertTrue(Files.isDirectory(claim.path()));
        }
        assertEquals(Set.of("model-1"), names(shared));
    }
}
