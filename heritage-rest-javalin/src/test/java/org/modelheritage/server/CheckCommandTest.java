package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.JobState;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.Stores;

/** check: a clean lake exits 0; missing, corrupt and orphan blobs and a stuck job are found, and repaired where safe. */
class CheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void findsEachKindOfProblemAndRepairsOrphansAndStuckJobs() throws Exception {
        Path data = dir.resolve("lake");
        Model a;
        Model b;
        Model c;
        try (ModelLake lake = ModelLake.open(data, LakeOptions.defaults().withWorkDir(data.resolve("work")))) {
            a = lake.add("a", null, "a.safetensors", new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 1))));
            b = lake.add("b", null, "b.safetensors", new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 2))));
            c = lake.add("c", null, "c.safetensors", new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 3))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
        }
        String[] clean = StartupAndExitTest.run("check", "--data", data.toString());
        assertEquals("0", clean[0], clean[1]);
        assertTrue(clean[1].startsWith("clean: 3 models, 3 blobs checked; 0 missing, 0 corrupt, 0 orphans, 0 stuck jobs"), clean[1]);

        String orphan;
        try (MetadataStore meta = Stores.openMetadata(ModelLake.defaultStoreUri(data));
             BlobStore blobs = Stores.openBlobs(ModelLake.defaultBlobUri(data))) {
            Path aFile = blobs.localPath(a.files().get(0).sha256()).orElseThrow();
            aFile.toFile().setWritable(true);
            byte[] bytes = Files.readAllBytes(aFile);
            bytes[bytes.length - 1] ^= 1;
            Files.write(aFile, bytes);
            Files.delete(blobs.localPath(b.files().get(0).sha256()).orElseThrow());
            orphan = blobs.put(new ByteArrayInputStream("left by a crash".getBytes())).ref().sha256();
            Files.setLastModifiedTime(blobs.localPath(orphan).orElseThrow(), FileTime.from(Instant.now().minusSeconds(3600)));
            String young = blobs.put(new ByteArrayInputStream("an upload about to commit".getBytes())).ref().sha256();
            assertTrue(blobs.exists(young));
            meta.apply(ChangeSet.builder().enqueueJob(c.id(), Instant.now()).build());
            assertEquals(c.id(), meta.claimNextJob().orElseThrow().modelId());
        }

        String[] found = StartupAndExitTest.run("check", "--data", data.toString(), "--json", "--stuck-after", "PT0S");
        assertEquals("3", found[0], found[1]);
        JsonNode report = TestServer.JSON.readTree(found[1]);
        assertEquals(false, report.get("clean").asBoolean());
        JsonNode r = report.get("report");
        assertEquals(3, r.get("models").asInt());
        assertEquals(a.files().get(0).sha256(), r.get("corrupt").get(0).get("id").asText());
        assertEquals(b.files().get(0).sha256(), r.get("missing").get(0).get("id").asText());
        assertTrue(r.get("missing").get(0).get("detail").asText().contains(b.id()));
        assertEquals(2, r.get("orphans").size(), r.toString());
        assertEquals(c.id(), r.get("stuck_jobs").get(0).get("id").asText());

        String[] repaired = StartupAndExitTest.run("check", "--data", data.toString(), "--repair", "--stuck-after", "PT0S");
        assertEquals("3", repaired[0], "missing and corrupt blobs remain: " + repaired[1]);
        assertTrue(repaired[1].contains("repaired: 1 orphans deleted, 1 jobs requeued"), repaired[1]);
        assertTrue(repaired[1].contains("perhaps an upload in progress; left"), repaired[1]);
        try (MetadataStore meta = Stores.openMetadata(ModelLake.defaultStoreUri(data));
             BlobStore blobs = Stores.openBlobs(ModelLake.defaultBlobUri(data))) {
            assertEquals(false, blobs.exists(orphan));
            assertEquals(JobState.QUEUED, meta.job(c.id()).orElseThrow().state());
        }
        String[] after = StartupAndExitTest.run("check", "--data", data.toString(), "--stuck-after", "PT0S");
        assertTrue(after[1].startsWith("NOT CLEAN: 3 models, 3 blobs checked; 1 missing, 1 corrupt, 1 orphans, 0 stuck jobs"), after[1]);
    }
}
