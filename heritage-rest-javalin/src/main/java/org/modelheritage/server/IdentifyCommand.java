package org.modelheritage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.modelheritage.lake.LakeException;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.IdentifyHandlers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code identify FILE... (--server URL | --data DIR) [--json]}: where each model would sit in the
 * lake, nothing added: asked of a running server ({@code POST /api/identify}, the file streamed
 * from disk) or of a lake directory opened here.
 */
@Command(name = "identify", mixinStandardHelpOptions = true,
        description = "Identify weight files against the lake without adding them: family, likely parent(s) with "
                + "confidence and kind, models it would sit above, copies, nearest models.")
final class IdentifyCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "A weight file, or a directory holding a sharded checkpoint: one model each.")
    List<Path> paths;

    @Option(names = "--server", paramLabel = "URL",
            description = "Ask this server (e.g. http://127.0.0.1:8080) instead of opening a lake with --data.")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:HERITAGE_TOKEN}",
            description = "API token for --server (env HERITAGE_TOKEN).")
    String token;

    @Option(names = "--json", description = "The answer as JSON (what POST /api/identify returns), one object per line.")
    boolean json;

    @Mixin
    LakeArgs lake = new LakeArgs();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                err.println("no such file or directory: " + p);
                return 2;
            }
        }
        int status = 0;
        if (server != null) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            for (Path p : paths) {
                status = Math.max(status, print(out, err, p, remote(http, p)));
            }
        } else {
            try (ModelLake modelLake = lake.open()) {
                for (Path p : paths) {
                    try {
                        status = Math.max(status, print(out, err, p, new Answer(200,
                                IdentifyHandlers.toJson(modelLake.identify(List.of(p))))));
                    } catch (LakeException e) {
                        status = Math.max(status, print(out, err, p, new Answer(400,
                                JSON.createObjectNode().put("error", e.getMessage()))));
                    }
                }
            }
        }
        return status;
    }

    record Answer(int status, JsonNode body) {
    }

    /** Posts the file (or a checkpoint directory's files) as multipart, streamed from disk. */
    private Answer remote(HttpClient http, Path path) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                list.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else {
            files.add(path);
        }
        String boundary = "----heritage" + UUID.randomUUID().toString().replace("-", "");
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replace("\"", "%22");
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; "
                    + "name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                    StandardCharsets.UTF_8));
            parts.add(HttpRequest.BodyPublishers.ofFile(f));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/api/identify"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new)));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.strip());
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("error", "HTTP " + r.statusCode() + " without JSON");
        }
        return new Answer(r.statusCode(), body);
    }

    /** @return the exit status: 0 answered, 2 refused (bad input), 1 another failure */
    private int print(PrintWriter out, PrintWriter err, Path path, Answer a) throws IOException {
        if (a.status() != 200) {
            String message = a.body().path("error").asText("HTTP " + a.status());
            if (json) {
                out.println(JSON.writeValueAsString(JSON.createObjectNode().put("file", path.toString())
                        .put("status", a.status()).put("error", message)));
            } else {
                err.println(path + ": " + message);
            }
            return a.status() >= 400 && a.status() < 500 ? 2 : 1;
        }
        JsonNode j = a.body();
        if (json) {
            out.println(JSON.writeValueAsString(j));
            return 0;
        }
        out.println(path + " (" + j.path("format").asText() + ", " + String.format(Locale.ROOT, "%,d",
                j.path("parameter_count").asLong()) + " parameters)");
        JsonNode family = j.path("family");
        if (!family.isMissingNode() && !family.isNull()) {
            out.println("  family:   " + family.path("id").asText() + " (" + family.path("member_count").asLong()
                    + " models, root " + family.path("root_name").asText("?") + ")"
                    + (family.path("also_joins").isEmpty() ? "" : "; would merge " + family.path("also_joins")));
        } else {
            out.println("  family:   none: " + j.path("reason").asText());
        }
        for (JsonNode p : j.path("parents")) {
            out.println(String.format(Locale.ROOT, "  parent:   %s (%s) %s, confidence %.2f%s", p.path("name").asText(),
                    p.path("id").asText(), p.path("kind").asText(), p.path("confidence").asDouble(),
                    p.path("kind").asText().equals("merge") ? String.format(Locale.ROOT, ", weight %.2f",
                            p.path("weight").asDouble()) : ""));
        }
        if (j.path("parents").isEmpty() && !family.isMissingNode() && !family.isNull()) {
            out.println("  parent:   none: it would be its family's root");
        }
        for (JsonNode c : j.path("children")) {
            out.println(String.format(Locale.ROOT, "  child:    %s (%s) %s, confidence %.2f", c.path("name").asText(),
                    c.path("id").asText(), c.path("kind").asText(), c.path("confidence").asDouble()));
        }
        for (JsonNode c : j.path("copies")) {
            out.println("  copy:     " + c.path("name").asText() + " (" + c.path("id").asText() + ") "
                    + c.path("kind").asText());
        }
        for (JsonNode n : j.path("nearest")) {
            out.println(String.format(Locale.ROOT, "  nearest:  %s (%s) distance %.4g, correlation %.3f",
                    n.path("name").asText(), n.path("id").asText(), n.path("distance").asDouble(),
                    n.path("correlation").asDouble()));
        }
        return 0;
    }
}
