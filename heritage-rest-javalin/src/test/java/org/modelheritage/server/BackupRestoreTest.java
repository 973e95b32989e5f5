package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;

/** backup while uploads run, incremental backups, restore into a new directory: the same lake comes back. */
class BackupRestoreTest {
    @TempDir
    Path dir;

    @Test
    void backupUnderConcurrentUploadsThenIncrementalThenRestoreAnswersTheSameLake() throws Exception {
        Path data = dir.resolve("lake");
        Path backup = dir.resolve("backup");
        Map<String, float[]> root = TestWeights.random(2, 16, 100);
        try (ModelLake lake = ModelLake.open(data, LakeOptions.defaults().withWorkDir(data.resolve("work")))) {
            add(lake, "root", root);
            add(lake, "child-0", TestWeights.child(root, 0.05, 200));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));

            ExecutorService uploads = Executors.newSingleThreadExecutor();
            Future<?> more;
            String[] during;
            try {
                more = uploads.submit(() -> {
                    for (int i = 1; i <= 6; i++) {
                        add(lake, "child-" + i, TestWeights.child(root, 0.05, 200 + i));
                        add(lake, "other-" + i, TestWeights.random(2, 16, 300 + i));
                    }
                    return null;
                });
                during = StartupAndExitTest.run("backup", "--data", data.toString(), "--to", backup.toString());
                more.get();
            } finally {
                uploads.shutdown();
            }
            assertEquals("0", during[0], during[2]);
            int firstCopied = copied(during[1]);
            assertTrue(firstCopied >= 2, during[1]);

            // The mid-upload snapshot restores into a consistent lake: every model it has is the
            // source's (same bytes), and a check of it is clean.
            Path early = dir.resolve("early");
            String[] r1 = StartupAndExitTest.run("restore", "--from", backup.toString(), "--data", early.toString());
            assertEquals("0", r1[0], r1[2]);
            String[] check1 = StartupAndExitTest.run("check", "--data", early.toString());
            assertEquals("0", check1[0], check1[1]);
            try (ModelLake restored = ModelLake.open(early, LakeOptions.defaults().withWorkDir(early.resolve("work")))) {
                for (Model m : all(restored)) {
                    assertEquals(m.checksum(), lake.model(m.id()).orElseThrow().checksum());
                }
            }

            assertTrue(lake.awaitIdle(Duration.ofSeconds(120)));
            String[] second = StartupAndExitTest.run("backup", "--data", data.toString(), "--to", backup.toString());
            assertEquals("0", second[0], second[2]);
            assertEquals(14 - firstCopied, copied(second[1]), "the second backup copies only the new blobs: " + second[1]);
            String[] third = StartupAndExitTest.run("backup", "--data", data.toString(), "--to", backup.toString());
            assertEquals(0, copied(third[1]), third[1]);
            try (Stream<Path> files = Files.walk(backup.resolve("blobs").resolve("sha256"))) {
                assertEquals(14, files.filter(Files::isRegularFile).count());
            }
            assertTrue(Files.readString(backup.resolve("backup.json")).contains("\"models\" : 14"));

            Path copy = dir.resolve("copy");
            String[] restore = StartupAndExitTest.run("restore", "--from", backup.toString(), "--data", copy.toString());
            assertEquals("0", restore[0], restore[2]);
            assertTrue(restore[1].startsWith("restored 14 models and 14 blobs"), restore[1]);
            try (ModelLake restored = ModelLake.open(copy, LakeOptions.defaults().withWorkDir(copy.resolve("work")))) {
                assertTrue(restored.awaitIdle(Duration.ofSeconds(60)));
                assertEquals(snapshot(lake), snapshot(restored));
                assertEquals(14, restored.stats().models());
            }
            String[] again = StartupAndExitTest.run("restore", "--from", backup.toString(), "--data", copy.toString());
            assertEquals("2", again[0]);
            assertTrue(again[2].contains("already holds a lake"), again[2]);
        }
    }

    @Test
    void aPostgresLakeIsToldWhatToDoInsteadOfHalfCopied() {
        String[] r = StartupAndExitTest.run("backup", "--store", "jdbc:postgresql://db.internal/lake?user=u&password=secret",
                "--data", dir.resolve("d").toString(), "--to", dir.resolve("b").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("pg_dump"), r[2]);
        assertTrue(!r[2].contains("secret") && !r[2].contains("db.internal"), "no credentials or hosts echoed: " + r[2]);
        assertTrue(!Files.exists(dir.resolve("b")));
    }

    /** Models (id, name, checksum, status, family, parent), families and every edge, in a stable order. */
    static String snapshot(ModelLake lake) {
        StringBuilder out = new StringBuilder();
        for (Model m : all(lake)) {
            out.append(String.join(" ", m.id(), m.name(), m.checksum(), m.status().name(), String.valueOf(m.familyId()),
                    String.valueOf(m.parentId()))).append('\n');
        }
        Map<String, String> families = new TreeMap<>();
        for (Family f : lake.families(0, 1000).items()) {
            List<String> edges = new ArrayList<>();
            lake.metadata().lineage(f.id()).forEach(e -> edges.add(e.parentId() + ">" + e.childId() + ":" + e.kind()
                    + ":" + e.weight()));
            families.put(f.id(), f.rootModelId() + " " + edges);
        }
        return out + families.toString();
    }

    static List<Model> all(ModelLake lake) {
        return lake.models(null, 0, 1000).items();
    }

    static void add(ModelLake lake, String name, Map<String, float[]> weights) throws Exception {
        lake.add(name, null, name + ".safetensors", new ByteArrayInputStream(TestWeights.safetensors(weights)));
    }

    static int copied(String out) {
        Matcher m = Pattern.compile("(\\d+) copied now").matcher(out);
        assertTrue(m.find(), out);
        return Integer.parseInt(m.group(1));
    }
}
