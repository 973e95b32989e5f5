package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.HostileLakes;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.HeritageServer;

/** POST /api/identify: the answer, upload-like errors, and a lake left exactly as it was. */
class IdentifyApiTest {
    @TempDir
    Path dir;

    @Test
    void identifiesAChildAndLeavesTheLakeByteForByteUnchangedAfterAHundredCalls() throws Exception {
        byte[] root = TestWeights.safetensors(TestWeights.random(3, 16, 1));
        byte[] child = TestWeights.safetensors(TestWeights.child(TestWeights.random(3, 16, 1), 0.05, 4));
        Path data = dir.resolve("data");
        LakeOptions options = LakeOptions.defaults().withWorkers(1).withMaxUploadBytes(20_000);
        String rootId;
        try (TestServer s = new TestServer(data, options)) {
            TestServer.Reply up = s.upload("root", "root.safetensors", root);
            assertEquals(201, up.status(), up.body());
            rootId = up.json().get("id").asText();
            s.awaitFinal(rootId, Duration.ofSeconds(60));
        }
        Map<String, String> before = digest(data, "work");

        try (TestServer s = new TestServer(data, options)) {
            for (int i = 0; i < 100; i++) {
                switch (i % 6) {
                    case 0 -> {
                        TestServer.Reply r = s.send(new Multipart().file("child.safetensors", child).post(s.uri("/api/identify")));
                        assertEquals(200, r.status(), r.body());
                        JsonNode j = r.json();
                        assertEquals("joins-family", j.get("placement").asText());
                        assertEquals(rootId, j.get("parent").get("id").asText());
                        assertEquals("root", j.get("parent").get("name").asText());
                        assertEquals("fine-tune", j.get("parent").get("kind").asText());
                        assertEquals(1, j.get("parents").size());
                        assertEquals(0, j.get("children").size());
                        assertEquals(0, j.get("copies").size());
                        assertEquals(1, j.get("nearest").size());
                        assertEquals(rootId, j.get("nearest").get(0).get("id").asText());
                        assertEquals(1, j.get("family").get("member_count").asInt());
                        assertEquals("safetensors", j.get("format").asText());
                    }
                    case 1 -> {
                        TestServer.Reply r = s.send(new Multipart().file("x.safetensors", new byte[] {1, 2, 3})
                                .post(s.uri("/api/identify")));
                        assertEquals(400, r.status(), r.body());
                        assertTrue(r.json().get("error").asText().contains("x.safetensors"), r.body());
                    }
                    case 2 -> {
                        // Small enough to arrive whole: the server stops at the limit and drains the
                        // rest, so the client always reads the answer (a body much larger than the
                        // socket buffers can meet a reset instead; ApiTest covers that refusal).
                        TestServer.Reply r = s.send(new Multipart().file("big.bin", new byte[40_000])
                                .post(s.uri("/api/identify")));
                        assertEquals(413, r.status(), r.body());
                        assertTrue(r.json().has("error"));
                    }
                    case 3 -> {
                        TestServer.Reply r = s.send(new Multipart().field("name", "x").post(s.uri("/api/identify")));
                        assertEquals(400, r.status(), r.body());
                        assertTrue(r.json().get("error").asText().contains("no file"), r.body());
                    }
                    case 4 -> abortMidBody(s, child);
                    default -> {
                        TestServer.Reply r = s.send(new Multipart().file("again.safetensors", root).post(s.uri("/api/identify")));
                        assertEquals(200, r.status(), r.body());
                        assertEquals("exact", r.json().get("copies").get(0).get("kind").asText());
                        assertEquals(rootId, r.json().get("copies").get(0).get("id").asText());
                    }
                }
            }
            TestServer.Reply plain = s.send(HttpRequest.newBuilder(s.uri("/api/identify"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(400, plain.status());
            awaitNoTemporaryFiles(s);
            assertEquals(1, s.get("/api/stats").json().get("models").asInt());
        }
        assertEquals(before, digest(data, "work"));
    }

    /**
     * A file that drives the readers into an Error (a recursion too deep, an allocation too large)
     * is refused as unreadable weights are, 400 with the reason, not 500; the server goes on, and
     * neither its temporary files nor anything in the store is left behind.
     */
    @Test
    void aFileTheReadersFailOnWithAnErrorIsRefusedAsUnreadable() throws Exception {
        Path data = dir.resolve("hostile");
        LakeOptions options = LakeOptions.defaults().withWorkers(1).withWorkDir(data.resolve("work"));
        byte[] weights = TestWeights.safetensors(TestWeights.random(3, 16, 1));
        try (TestServer s = new TestServer(data, options)) {
            assertEquals(0, s.get("/api/stats").json().get("models").asInt());
        }
        Map<String, String> before = digest(data, "work");

        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        ModelLake lake = HostileLakes.signatureFailing(data, options, 3, () -> switch (failures.getAndIncrement()) {
            case 0 -> new StackOverflowError();
            case 1 -> new OutOfMemoryError("Java heap space");
            default -> new IllegalStateException("a reader's bug at /srv/private/path");
        });
        try (TestServer s = new TestServer(data, lake, new HeritageServer(lake, TestServer.options()).start())) {
            for (String error : List.of("StackOverflowError", "OutOfMemoryError", "IllegalStateException")) {
                TestServer.Reply r = s.send(new Multipart().file("hostile.safetensors", weights).post(s.uri("/api/identify")));
                assertEquals(400, r.status(), r.body());
                String message = r.json().get("error").asText();
                assertTrue(message.startsWith("unreadable weights in 'hostile.safetensors': the readers failed on it ("
                        + error + "); reference "), message);
                assertTrue(!message.contains("/srv"), message);
            }
            TestServer.Reply after = s.send(new Multipart().file("fine.safetensors", weights).post(s.uri("/api/identify")));
            assertEquals(200, after.status(), after.body());
            assertEquals("no-compatible-architecture", after.json().get("placement").asText());
            awaitNoTemporaryFiles(s);
            assertEquals(0, s.get("/api/stats").json().get("models").asInt());
        }
        assertEquals(before, digest(data, "work"));
    }

    @Test
    void comparesTwoModelsAndAModelWithItself() throws Exception {
        Path corpus = org.modelheritage.testing.SharedCorpus.subset("vit-lora");
        try (TestServer s = new TestServer(dir.resolve("cmp"), LakeOptions.defaults().withWorkers(1))) {
            String a = s.upload(new Multipart().field("name", "base").file(corpus.resolve("vit-r0.safetensors")))
                    .json().get("id").asText();
            String b = s.upload(new Multipart().field("name", "lora").file(corpus.resolve("vit-r0-c0.safetensors")))
                    .json().get("id").asText();
            TestServer.Reply r = s.get("/api/compare?a=" + a + "&b=" + b);
            assertEquals(200, r.status(), r.body());
            JsonNode j = r.json();
            assertEquals(a, j.get("a").get("id").asText());
            assertEquals("lora", j.get("b").get("name").asText());
            assertEquals("adapter", j.get("summary").get("looks_like").asText());
            assertEquals("[\"query\",\"value\"]", j.get("summary").get("adapted_modules").toString());
            assertEquals(72, j.get("tensors").size());
            JsonNode query = null;
            for (JsonNode t : j.get("tensors")) {
                if (t.get("name").asText().equals("encoder.layer.0.attention.attention.query.weight")) {
                    query = t;
                }
            }
            assertEquals("changed", query.get("status").asText());
            assertEquals("0", query.get("layer").asText());
            assertEquals("attention.attention.query", query.get("module").asText());
            assertTrue(query.get("rank").asInt() >= 1 && query.get("rank").asInt() <= 4, query.toString());
            assertEquals(64, query.get("rank_cap").asInt());

            JsonNode self = s.get("/api/compare?a=" + a + "&b=" + a).json();
            assertEquals("duplicate", self.get("summary").get("looks_like").asText());
            assertEquals(0.0, self.get("summary").get("relative_change").asDouble());
            for (JsonNode t : self.get("tensors")) {
                assertEquals("same", t.get("status").asText());
                assertEquals(0.0, t.get("relative_change").asDouble());
                assertEquals(0.0, t.get("max_abs_delta").asDouble());
            }
            TestServer.Reply missing = s.get("/api/compare?a=" + a);
            assertEquals(400, missing.status());
            assertTrue(missing.json().get("error").asText().contains("'b'"), missing.body());
            TestServer.Reply unknown = s.get("/api/compare?a=" + a + "&b=nope");
            assertEquals(404, unknown.status());
            assertEquals("no model with id nope", unknown.json().get("error").asText());
        }
    }

    /** Sends the headers and half the body, then hangs up. */
    private static void abortMidBody(TestServer s, byte[] file) throws IOException {
        String boundary = "----abort";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.safetensors\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int total = head.length + file.length + 64;
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/identify HTTP/1.1\r\nHost: 127.0.0.1:" + s.server.port()
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
                    + "\r\nContent-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(file, 0, file.length / 2);
            out.flush();
        }
    }

    /** The server finishes an abandoned request on its own thread: waits (bounded) until its files are gone. */
    private static void awaitNoTemporaryFiles(TestServer s) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Path work = s.dataDir.resolve("work");
        while (true) {
            List<Path> left;
            try (Stream<Path> list = Files.exists(work) ? Files.list(work) : Stream.empty()) {
                left = list.filter(p -> p.getFileName().toString().startsWith("identify-")).toList();
            }
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("temporary files left: " + left);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // poll interval, bounded by the deadline
        }
    }

    /**
     * The SHA-256 of every file under a directory but one subfolder, by relative path. The store's
     * owner lock ({@code *.lock}) is left out: it records who opened the store, rewritten at every open.
     */
    static Map<String, String> digest(Path root, String except) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path rel = root.relativize(p);
                if (!rel.startsWith(except) && !rel.getFileName().toString().endsWith(".lock")) {
                    out.put(rel.toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return out;
    }
}
