package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded load over loopback: 50 concurrent uploads of distinct small models and 500 concurrent
 * reads. No request may fail, no model may be lost, and every model must reach ready.
 */
class LoadTest {
    static final int UPLOADS = 50;
    static final int READS = 500;

    @Test
    void fiftyConcurrentUploadsAndFiveHundredReads(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 12, 1000 + i));
                HttpRequest request = new Multipart().field("name", "load-" + i).file("m" + i + ".safetensors", bytes)
                        .post(s.uri("/api/models")).timeout(Duration.ofSeconds(60)).build();
                uploads.add(s.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            String[] paths = {"/api/models?search=load", "/api/stats", "/health", "/api/families", "/api/models?limit=5"};
            List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
            for (int i = 0; i < READS; i++) {
                HttpRequest request = HttpRequest.newBuilder(s.uri(paths[i % paths.length])).timeout(Duration.ofSeconds(60)).GET().build();
                reads.add(s.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

            Set<String> ids = new HashSet<>();
            for (CompletableFuture<HttpResponse<String>> f : uploads) {
                HttpResponse<String> r = f.get();
                assertEquals(201, r.statusCode(), r.body());
                ids.add(TestServer.JSON.readTree(r.body()).get("id").asText());
            }
            assertEquals(UPLOADS, ids.size());
            for (CompletableFuture<HttpResponse<String>> f : reads) {
                assertEquals(200, f.get().statusCode(), f.get().body());
            }

            assertTrue(s.lake.awaitIdle(Duration.ofSeconds(120)), "processing did not finish in time");
            JsonNode all = s.get("/api/models?search=load-&limit=1000").json();
            assertEquals(UPLOADS, all.get("total").asInt());
            Set<String> listed = new HashSet<>();
            all.get("models").forEach(m -> {
                listed.add(m.get("id").asText());
                assertEquals("ready", m.get("status").asText(), m.toString());
            });
            assertEquals(ids, listed);
            JsonNode stats = s.get("/api/stats").json();
            assertEquals(UPLOADS, stats.get("by_status").get("ready").asInt());
            assertEquals(UPLOADS, stats.get("models").asInt());
        }
    }
}
