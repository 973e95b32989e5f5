package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest --server URL} feeds a running server through its API with the local ingest's
 * summary; a local {@code ingest} on the data directory the server owns is refused with one line
 * saying what to do instead, exit status 2.
 */
class IngestServerTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void ingestThroughTheApiWhileTheServerOwnsTheLake(@TempDir Path dir) throws Exception {
        Path files = Files.createDirectories(dir.resolve("files"));
        Map<String, float[]> root = TestWeights.random(3, 16, 41);
        Files.write(files.resolve("a-root.safetensors"), TestWeights.safetensors(root));
        Files.write(files.resolve("b-child.safetensors"), TestWeights.safetensors(TestWeights.child(root, 0.002, 42)));
        Files.write(files.resolve("c-copy.safetensors"), TestWeights.safetensors(root)); // same bytes as a-root
        Files.writeString(files.resolve("d-broken.safetensors"), "not weights");
        Path data = dir.resolve("lake");
        try (TestServer server = new TestServer(data)) {
            Run local = run("ingest", "--data", data.toString(), files.resolve("a-root.safetensors").toString());
            assertEquals(2, local.code(), local.err());
            assertTrue(local.err().contains("is already open in this process"), local.err());
            assertTrue(local.err().contains("use 'ingest --server URL PATH...'"), local.err());
            assertEquals(0, server.get("/api/stats").json().get("models").asInt(), "nothing was added");

            Run remote = run("ingest", "--server", server.uri("/").toString(), files.toString());
            assertEquals(2, remote.code(), remote.out() + remote.err()); // one file was rejected: bad input
            assertTrue(remote.out().startsWith("added 2, ready 2, failed 0, unfinished 0, duplicates 1, rejected 1; "
                    + "the lake now has 2 models in 1 families"), remote.out());
            assertTrue(remote.out().contains("  duplicate: c-copy (already model "), remote.out());
            assertTrue(remote.out().contains("  rejected: d-broken: "), remote.out());
            assertTrue(remote.err().contains("[##############################] 4/4 done"), remote.err());
            JsonNode models = server.get("/api/models").json();
            assertEquals(2, models.get("total").asInt());
            assertEquals("a-root", models.get("models").get(0).get("name").asText());
            assertEquals("ready", models.get("models").get(0).get("status").asText());
        }
    }

    @Test
    void anUnreachableServerIsOneLineAndStatusTwo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.safetensors");
        Files.write(file, TestWeights.safetensors(TestWeights.random(2, 8, 43)));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("ingest", "--server", "http://127.0.0.1:" + port, file.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("ingest: cannot reach the server at http://127.0.0.1:" + port + "/"), r.err());
    }
}
