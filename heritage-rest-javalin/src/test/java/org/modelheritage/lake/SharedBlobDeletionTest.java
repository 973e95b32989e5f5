package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestPostgres;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * Two lakes on one PostgreSQL schema and one blob folder, as two processes would share them: a blob
 * one of them is uploading is not deleted by the other, whatever the other removes; once nobody
 * lists or holds it, it goes.
 */
class SharedBlobDeletionTest {

    @Test
    void aBlobAnotherProcessIsUploadingSurvivesTheRemovalOfTheModelThatListedIt(@TempDir Path dir) throws Exception {
        String user = TestPostgres.user();
        String schema = "blobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        URI store = URI.create(TestPostgres.URL + "?currentSchema=" + schema + "&user=" + user);
        Path blobDir = dir.resolve("blobs");
        byte[] bytes = TestWeights.safetensors(TestWeights.random(3, 16, 71));
        byte[] other = TestWeights.safetensors(TestWeights.random(3, 16, 72));
        try (ModelLake a = ModelLake.open(store, blobDir.toUri(), LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("a")));
             ModelLake b = ModelLake.open(store, blobDir.toUri(), LakeOptions.defaults().withWorkers(0).withWorkDir(dir.resolve("b")))) {
            Model first = a.add("first", null, "m.safetensors", new ByteArrayInputStream(bytes));
            assertTrue(a.awaitIdle(Duration.ofSeconds(60)));
            String sha = first.files().get(0).sha256();

            // b receives the same bytes and has not committed yet when a removes the model listing them
            try (ModelUpload upload = b.beginUpload()) {
                assertEquals(sha, upload.addFile("m.safetensors", new ByteArrayInputStream(bytes)).sha256());
                assertTrue(a.remove(first.id()));
                assertTrue(Files.exists(blob(blobDir, sha)), "b holds the blob: a's removal keeps it");
                Model second = upload.commit("second", null);
                assertTrue(a.awaitIdle(Duration.ofSeconds(60)));
                assertEquals(ModelStatus.READY, a.model(second.id()).orElseThrow().status(),
                        a.model(second.id()).orElseThrow().failureMessage());
            }

            // an upload b gives up releases its hold: the blob nobody lists goes
            try (ModelUpload upload = b.beginUpload()) {
                upload.addFile("o.safetensors", new ByteArrayInputStream(other));
            }
            try (var files = Files.walk(blobDir.resolve("sha256"))) {
                assertEquals(1, files.filter(Files::isRegularFile).count(), "only the second model's blob is left");
            }
            assertTrue(Files.exists(blob(blobDir, sha)));
        } finally {
            TestPostgres.dropSchema(user, schema);
        }
    }

    private static Path blob(Path blobDir, String sha) {
        return blobDir.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
    }
}
