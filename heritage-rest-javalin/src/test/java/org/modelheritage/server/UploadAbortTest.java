package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that go wrong on the wire, over HTTP: a body that is not well-formed multipart is a 400
 * JSON error, and a client that goes away in the middle of a file leaves nothing behind (no blob,
 * no temporary file, no model); the server goes on serving.
 */
class UploadAbortTest {
    @TempDir
    Path dir;

    static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // a file went away while the walk read its folder: the caller looks again
        }
    }

    static void await(TestServer s, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            s.lake.awaitIdle(Duration.ofMillis(50));
        }
    }

    @Test
    void malformedBodiesAre400Json() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            String boundary = "b0undary";
            // body -> the error it gets
            java.util.Map<String, String> bodies = new java.util.LinkedHashMap<>();
            bodies.put("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.safetensors\"\r\n\r\nabcdef",
                    "malformed multipart body: "); // ends inside the file part: no closing boundary
            bodies.put("--b0undary\r\nContent-Disposition: form-data; name=\"name\"\r\n" + "X-Pad: y\r\n".repeat(3000),
                    "malformed multipart body: part headers longer than 16384 bytes"); // headers that never end
            // no well-formed first boundary: the parser finds no part at all
            bodies.put("--b0undaryXYZ\r\n\r\n", "name is required");
            for (var body : bodies.entrySet()) {
                TestServer.Reply r = s.send(HttpRequest.newBuilder(s.uri("/api/models"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(body.getKey())));
                assertEquals(400, r.status(), r.body());
                assertTrue(r.json().get("error").asText().startsWith(body.getValue()), r.body());
            }
            assertEquals(List.of(), files(s.dataDir.resolve("blobs")));
            assertEquals(0, s.lake.stats().models());
        }
    }

    @Test
    void aClientThatGoesAwayMidFileLeavesNothing() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            String boundary = "----cut";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ncut-off\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.safetensors\"\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long declared = head.length + 64L * 1024 * 1024;
            try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary="
                        + boundary + "\r\nContent-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(head);
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < 4; i++) {
                    out.write(chunk);
                }
                out.flush();
                // the file is arriving: its bytes are in the blob store's temporary file
                await(s, () -> {
                    try {
                        return !files(s.dataDir.resolve("blobs")).isEmpty();
                    } catch (IOException e) {
                        return false;
                    }
                }, "the upload to start streaming into the blob store");
            } // the client goes away with 60 MB still to send
            await(s, () -> {
                try {
                    return files(s.dataDir.resolve("blobs")).isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }, "the aborted upload's temporary file to be removed");
            assertEquals(0, s.lake.stats().models());
            assertEquals(200, s.get("/health").status());
            assertEquals(201, s.upload("after", "after.safetensors",
                    TestWeights.safetensors(TestWeights.random(1, 4, 601))).status(), "the server goes on");
        }
    }
}
