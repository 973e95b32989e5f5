package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a child JVM, killed with SIGKILL during uploads and during processing, then
 * restarted on the same data directory: every acknowledged model is there and reaches ready,
 * every model there reaches ready, and no blob is left that no model lists.
 */
class CrashTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A server process and the port it listens on. */
    record Child(Process process, int port) {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }
    }

    static Child start(Path data) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.modelheritage.server.Main", "serve", "--host", "127.0.0.1", "--port", "0",
                "--data", data.toString(), "--workers", "2", "--rate-limit-reads", "0", "--rate-limit-uploads", "0")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("HERITAGE_"));
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    seen.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        // Keep draining so the child never blocks on a full pipe.
                        Thread drain = new Thread(() -> {
                            try {
                                while (out.readLine() != null) {
                                    // discard
                                }
                            } catch (IOException e) {
                                // child gone
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return Integer.parseInt(m.group(1));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("server exited before listening:\n" + seen);
        });
        try {
            return new Child(p, port.get(60, TimeUnit.SECONDS));
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("server did not start: " + seen, e);
        }
    }

    List<CompletableFuture<HttpResponse<String>>> uploadAll(Child c, int from, int count, int dim) {
        List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            byte[] bytes = TestWeights.safetensors(TestWeights.random(4, dim, 5000 + i));
            HttpRequest request = new Multipart().field("name", "crash-" + i).file("m" + i + ".safetensors", bytes)
                    .post(c.uri("/api/models")).timeout(Duration.ofSeconds(60)).build();
            out.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return out;
    }

    /** Ids of the uploads that were acknowledged with 201 (the others failed with the kill). */
    static Set<String> acknowledged(List<CompletableFuture<HttpResponse<String>>> uploads) throws Exception {
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> f : uploads) {
            try {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    ids.add(TestServer.JSON.readTree(r.body()).get("id").asText());
                }
            } catch (ExecutionException e) {
                // killed mid-request: not acknowledged
            }
        }
        return ids;
    }

    JsonNode get(Child c, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(c.uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return TestServer.JSON.readTree(r.body());
    }

    @Test
    void killedDuringUploadsAndProcessingLosesNothingAcknowledged(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("lake");
        Set<String> acked = new HashSet<>();

        // Round 1: SIGKILL while uploads are streaming in.
        Child first = start(data);
        List<CompletableFuture<HttpResponse<String>>> round1 = uploadAll(first, 0, 24, 128);
        // Wait (with a deadline, no fixed sleep) until a few are acknowledged, then kill.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (round1.stream().filter(CompletableFuture::isDone).count() < 4 && System.nanoTime() < deadline) {
            CompletableFuture.anyOf(round1.stream().filter(f -> !f.isDone()).toArray(CompletableFuture[]::new))
                    .handle((r, e) -> null).get(5, TimeUnit.SECONDS);
        }
        first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        acked.addAll(acknowledged(round1));

        // Round 2: restart, upload a batch, SIGKILL as soon as they are acknowledged (processing under way).
        Child second = start(data);
        List<CompletableFuture<HttpResponse<String>>> round2 = uploadAll(second, 100, 10, 96);
        CompletableFuture.allOf(round2.toArray(CompletableFuture[]::new)).handle((r, e) -> null).get(60, TimeUnit.SECONDS);
        second.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Set<String> acked2 = acknowledged(round2);
        assertEquals(10, acked2.size(), "every upload of round 2 was acknowledged before the kill");
        acked.addAll(acked2);

        // Restart: everything acknowledged is there and reaches ready; nothing else is half there.
        Child third = start(data);
        try {
            Set<String> present = new HashSet<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                JsonNode all = get(third, "/api/models?limit=1000");
                present.clear();
                boolean allReady = true;
                for (JsonNode m : all.get("models")) {
                    present.add(m.get("id").asText());
                    String status = m.get("status").asText();
                    assertTrue(!status.equals("failed"), m.toString());
                    allReady &= status.equals("ready");
                }
                if (allReady) {
                    break;
                }
                assertTrue(System.nanoTime() < until, "models not ready in time: " + all);
                // Poll interval, bounded by the deadline above.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertTrue(present.containsAll(acked), "acknowledged models missing: " + diff(acked, present));
            JsonNode stats = get(third, "/api/stats");
            assertEquals(present.size(), stats.get("by_status").get("ready").asInt());
            assertEquals(0, stats.get("by_status").get("pending").asInt());
            assertEquals(0, stats.get("by_status").get("processing").asInt());

            // No orphan blobs: the blobs on disk are exactly the files the models list, once the
            // sweep that runs beside the reopened lake is through.
            Set<String> listed = new HashSet<>();
            for (JsonNode m : get(third, "/api/models?limit=1000").get("models")) {
                m.get("files").forEach(f -> listed.add(f.get("sha256").asText()));
            }
            long sweepUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!listed.equals(blobFiles(data.resolve("blobs").resolve("sha256"))) && System.nanoTime() < sweepUntil) {
                // Poll interval, bounded by the deadline above.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertEquals(listed, blobFiles(data.resolve("blobs").resolve("sha256")));
            try (Stream<Path> tmp = Files.list(data.resolve("blobs").resolve("tmp"))) {
                assertEquals(0, tmp.count(), "temp files of killed uploads were removed");
            }
            try (Stream<Path> work = Files.list(data.resolve("work"))) {
                List<String> names = work.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(2, names.size(), "only the live server's work directory and its lock remain, "
                        + "the killed servers' were removed: " + names);
                assertTrue(names.get(0).startsWith("lake-") && names.get(1).equals(names.get(0) + ".lock"), names.toString());
            }
            // Families account for every model.
            long members = 0;
            for (JsonNode f : get(third, "/api/families?limit=1000").get("families")) {
                members += f.get("member_count").asLong();
            }
            assertEquals(present.size(), members);
        } finally {
            third.process().destroy();
            third.process().waitFor(30, TimeUnit.SECONDS);
            third.process().destroyForcibly();
        }
    }

    static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    static Set<String> blobFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            Set<String> out = new HashSet<>();
            walk.filter(Files::isRegularFile).forEach(p -> out.add(p.getFileName().toString()));
            return out;
        }
    }
}
