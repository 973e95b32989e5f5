package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.InvalidModelException;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.testing.Prerequisites;
import org.junit.jupiter.api.Assertions;

/**
 * NUL and control characters in text fields are refused the same way on every store (PostgreSQL
 * used to answer 500 with its URI, the SQL and the driver's message), and an unexpected failure's
 * 500 carries a reference, never the store's words.
 */
class HostileTextTest {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

    @TempDir
    Path dir;

    private static final String[] BAD_NAMES = {"a\u0000b", "bell\u0007", "esc\u001b[31m", "del\u007f"};

    private void refusedOn(URI store) throws Exception {
        LakeOptions options = LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work"));
        try (ModelLake lake = ModelLake.open(store, dir.resolve("blobs").toUri(), options);
             HeritageServer server = new HeritageServer(lake, TestServer.options()).start()) {
            byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 21));
            URI models = URI.create("http://127.0.0.1:" + server.port() + "/api/models");
            for (String bad : BAD_NAMES) {
                TestServer.Reply byName = send(new Multipart().field("name", bad).file("x.safetensors", bytes).post(models));
                assertEquals(400, byName.status(), store + " " + byName.body());
                assertTrue(byName.json().get("error").asText().startsWith("name holds"), byName.body());
                TestServer.Reply byDesc = send(new Multipart().field("name", "ok").field("description", "d" + bad)
                        .file("x.safetensors", bytes).post(models));
                assertEquals(400, byDesc.status(), store + " " + byDesc.body());
                assertTrue(byDesc.json().get("error").asText().startsWith("description holds"), byDesc.body());
            }
            // Line breaks and tabs are fine in a description, and the model is kept as sent.
            TestServer.Reply ok = send(new Multipart().field("name", "fine ü ✓ 😀").field("description", "line 1\n\tline 2")
                    .file("x.safetensors", bytes).post(models));
            assertEquals(201, ok.status(), ok.body());
            assertEquals("line 1\n\tline 2", ok.json().get("description").asText());
            assertEquals(1, lake.stats().models(), "nothing but the good one was kept");
            // The library refuses it too, with a typed exception.
            Assertions.assertThrows(InvalidModelException.class, () ->
                    lake.add("x\u0000", null, "y.safetensors", new java.io.ByteArrayInputStream(bytes)));
        }
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    private static TestServer.Reply send(HttpRequest.Builder request) throws Exception {
        java.net.http.HttpResponse<String> r = HTTP.send(request.timeout(java.time.Duration.ofSeconds(60)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new TestServer.Reply(r.statusCode(), TestServer.JSON.readTree(r.body()), r.body(), r);
    }

    @Test
    void sqliteRefusesControlCharacters() throws Exception {
        refusedOn(URI.create("jdbc:sqlite:" + dir.resolve("h.db")));
    }

    @Test
    void fileStoreRefusesControlCharacters() throws Exception {
        refusedOn(dir.resolve("meta").toUri());
    }

    @Test
    void postgresRefusesControlCharacters() throws Exception {
        String schema = "heritage_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(PG + "?user=postgres&connectTimeout=3")) {
            c.isValid(1);
        } catch (SQLException e) {
            Prerequisites.missing("PostgreSQL is not reachable at " + PG + ": " + e.getMessage());
            return;
        }
        try {
            refusedOn(URI.create(PG + "?user=postgres&currentSchema=" + schema));
        } finally {
            try (Connection c = DriverManager.getConnection(PG + "?user=postgres"); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void anUnexpectedFailureAnswersAReferenceAndNothingOfTheStore() throws IOException {
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            s.lake.metadata().close(); // every store call now fails with the store's own message
            TestServer.Reply r = s.get("/api/models");
            assertEquals(500, r.status(), r.body());
            String error = r.json().get("error").asText();
            assertTrue(error.matches("internal error \\(reference [0-9a-f]{8}\\)"), error);
            String lower = r.body().toLowerCase(Locale.ROOT);
            for (String leak : new String[] {"jdbc", "sqlite", "select", "exception", dir.toString().toLowerCase(Locale.ROOT)}) {
                assertFalse(lower.contains(leak), "500 body leaks '" + leak + "': " + r.body());
            }
        }
    }
}
