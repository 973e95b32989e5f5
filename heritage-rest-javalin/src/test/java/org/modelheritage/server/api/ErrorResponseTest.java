package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.RateLimits;

/** An Error escaping a handler (out of memory, stack overflow) is a JSON 500 like any failure, not an empty one. */
class ErrorResponseTest {
    @TempDir
    Path dir;

    @Test
    void anErrorFromAHandlerIsAJson500WithAReference() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work")));
             HeritageServer server = new HeritageServer(lake, ServerOptions.ephemeral().withRateLimits(RateLimits.none()),
                     Clock.systemUTC(), null, config -> {
                         config.routes.get("/test/oom", ctx -> {
                             throw new OutOfMemoryError("Java heap space /srv/secret/path");
                         });
                         config.routes.get("/test/overflow", ctx -> {
                             throw new StackOverflowError();
                         });
                     }).start()) {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : new String[] {"/test/oom", "/test/overflow"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(500, r.statusCode(), r.body());
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), path);
                JsonNode body = json.readTree(r.body());
                assertTrue(body.get("error").asText().matches("internal error \\(reference [0-9a-f]{8}\\)"), r.body());
                assertEquals(1, body.size(), "nothing but the error: " + r.body());
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the server goes on");
        }
    }
}
