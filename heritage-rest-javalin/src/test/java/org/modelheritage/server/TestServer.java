package org.modelheritage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.RateLimits;
import org.modelheritage.server.api.ConnectionLimits;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.server.api.ServerOptions;

/** A lake (SQLite + local blobs in a directory) and its server on a free loopback port, for tests. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dataDir;
    final ModelLake lake;
    final HeritageServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(Path dataDir, LakeOptions options) throws IOException {
        this.dataDir = dataDir;
        this.lake = ModelLake.open(dataDir, options.withWorkDir(dataDir.resolve("work")));
        this.server = new HeritageServer(lake, options()).start();
    }

    /**
     * What functional tests run under: loopback, no CORS, default access settings, and no rate
     * limits nor bound on concurrent uploads (they are tested on their own; a corpus upload and its
     * polling would spend them, and the load test sends 50 uploads at once).
     */
    static ServerOptions options() {
        return ServerOptions.ephemeral().withRateLimits(RateLimits.none())
                .withConnectionLimits(ConnectionLimits.defaults().withMaxConcurrentUploads(0));
    }

    /** A server with other options (access tests), on the default lake options. */
    TestServer(Path dataDir, ServerOptions serverOptions) throws IOException {
        this(dataDir, LakeOptions.defaults(), serverOptions, Clock.systemUTC());
    }

    TestServer(Path dataDir, LakeOptions options, ServerOptions serverOptions, Clock clock) throws IOException {
        this.dataDir = dataDir;
        this.lake = ModelLake.open(dataDir, options.withWorkDir(dataDir.resolve("work")));
        try {
            this.server = new HeritageServer(lake, serverOptions, clock).start();
        } catch (RuntimeException e) {
            lake.close();
            throw e;
        }
    }

    /** Around a lake and a started server wired elsewhere; closing closes both. */
    TestServer(Path dataDir, ModelLake lake, HeritageServer server) {
        this.dataDir = dataDir;
        this.lake = lake;
        this.server = server;
    }

    TestServer(Path dataDir) throws IOException {
        this(dataDir, LakeOptions.defaults());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** A response with its body parsed as JSON (null when the body is not JSON). */
    record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /**
     * Sends a request and checks the answer against the OpenAPI document (status, content type,
     * body schema): every API test is also a test of the document.
     */
    Reply send(HttpRequest.Builder request) {
        try {
            HttpRequest built = request.timeout(Duration.ofSeconds(60)).build();
            HttpResponse<String> r = http.send(built, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String type = r.headers().firstValue("Content-Type").orElse("");
            OpenApiContract.get().check(new OpenApiContract.Exchange(built.method(), built.uri().getRawPath(),
                    r.statusCode(), type, r.body()));
            if (type.startsWith("application/json") && !r.body().isEmpty()) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), json, r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Reply upload(Multipart form) {
        return send(form.post(uri("/api/models")));
    }

    Reply upload(String name, String fileName, byte[] bytes) {
        return upload(new Multipart().field("name", name).file(fileName, bytes));
    }

    /** Polls the model until it is ready or failed, with a deadline (no fixed sleeps). */
    JsonNode awaitFinal(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Reply r = get("/api/models/" + id);
            String status = r.json().get("status").asText();
            if (status.equals("ready") || status.equals("failed")) {
                return r.json();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("model " + id + " still " + status + " after " + timeout);
            }
            lake.awaitIdle(Duration.ofMillis(200));
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            lake.close();
        }
    }
}
