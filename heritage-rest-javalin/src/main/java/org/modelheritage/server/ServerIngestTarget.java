package org.modelheritage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code ingest --server URL}: each model is POSTed to {@code /api/models} as multipart/form-data
 * streamed from its files (never held in memory), statuses are polled from
 * {@code /api/models/ID}, totals from {@code /api/stats}. A token, when given, goes as a bearer token.
 */
final class ServerIngestTarget implements IngestTarget {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The server could not be reached or refused us (bad token, no permission): ingest cannot go on. */
    static final class Unusable extends IOException {
        private static final long serialVersionUID = 1L;

        Unusable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ServerIngestTarget(URI server, String token) {
        String s = server.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.token = token == null || token.isBlank() ? null : token.strip();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    @Override
    public String add(String name, Path path) throws IOException, Duplicate, Rejected {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                list.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else {
            files.add(path);
        }
        String boundary = "heritage-" + UUID.randomUUID();
        HttpRequest req = request("api/models")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> multipart(boundary, name, files)))
                .build();
        HttpResponse<String> res = send(req);
        JsonNode body = json(res);
        switch (res.statusCode()) {
            case 201:
                return body.path("id").asText();
            case 409:
                throw new Duplicate(body.path("existing_id").asText(body.path("existingId").asText("?")));
            case 400, 413, 422:
                throw new Rejected(body.path("error").asText("HTTP " + res.statusCode()));
            default:
                throw refusal(res, body);
        }
    }

    /** The body: the name field, then one file part per file, each streamed from disk when reached. */
    private static InputStream multipart(String boundary, String name, List<Path> files) {
        List<java.util.function.Supplier<InputStream>> parts = new ArrayList<>();
        parts.add(() -> text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
                + name + "\r\n"));
        for (Path f : files) {
            String fileName = f.getFileName().toString().replace("\"", "%22");
            parts.add(() -> text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            parts.add(() -> {
                try {
                    return Files.newInputStream(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            parts.add(() -> text("\r\n"));
        }
        parts.add(() -> text("--" + boundary + "--\r\n"));
        return new PartsStream(parts.iterator());
    }

    /** The parts one after the other, each opened when reached and closed when read out. */
    private static final class PartsStream extends InputStream {
        private final Iterator<java.util.function.Supplier<InputStream>> parts;
        private InputStream current;

        PartsStream(Iterator<java.util.function.Supplier<InputStream>> parts) {
            this.parts = parts;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                if (current == null) {
                    if (!parts.hasNext()) {
                        return -1;
                    }
                    try {
                        current = parts.next().get();
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                }
                int n = current.read(b, off, len);
                if (n >= 0) {
                    return n;
                }
                current.close();
                current = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
            }
        }
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<Status> status(String modelId) throws IOException {
        HttpResponse<String> res = send(request("api/models/" + modelId).GET().build());
        if (res.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode body = json(res);
        if (res.statusCode() != 200) {
            throw refusal(res, body);
        }
        JsonNode error = body.path("error");
        return Optional.of(new Status(body.path("status").asText(), error.isTextual() ? error.asText() : null));
    }

    @Override
    public void awaitProgress(Duration timeout) throws InterruptedException {
        Thread.sleep(Math.min(timeout.toMillis(), 250)); // the server does the work; we only look again
    }

    @Override
    public long[] totals() throws IOException {
        HttpResponse<String> res = send(request("api/stats").GET().build());
        JsonNode body = json(res);
        if (res.statusCode() != 200) {
            throw refusal(res, body);
        }
        return new long[] {body.path("models").asLong(), body.path("families").asLong()};
    }

    private HttpResponse<String> send(HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unusable("cannot reach the server at " + base + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static JsonNode json(HttpResponse<String> res) {
        try {
            return JSON.readTree(res.body() == null || res.body().isEmpty() ? "{}" : res.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private Unusable refusal(HttpResponse<String> res, JsonNode body) {
        String why = body.path("error").asText("HTTP " + res.statusCode());
        String hint = res.statusCode() == 401 || res.statusCode() == 403
                ? " (give a contributor token with --token or HERITAGE_TOKEN)" : "";
        return new Unusable("the server at " + base + " answered " + res.statusCode() + ": " + why + hint, null);
    }

    @Override
    public void close() {
        // the client's connections close with it when it is collected (HttpClient.close is Java 21)
    }
}
