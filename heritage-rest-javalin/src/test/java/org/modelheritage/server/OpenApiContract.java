package org.modelheritage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The served OpenAPI document as a checker of responses: for a request's method and path it finds
 * the operation, and checks that the status is one the operation declares, that the content type is
 * one declared for that status, and that a JSON body validates against the declared schema
 * (networknt's OpenAPI 3.1 dialect, formats asserted).
 *
 * <p>Checks are stricter than the document says to clients: every object schema with
 * {@code properties} is checked as if it had {@code unevaluatedProperties: false}, so a field the
 * server sends that the document does not describe fails the test that received it. (Clients are
 * promised additive changes and must ignore unknown fields; the server must not send undocumented
 * ones.)
 *
 * <p>Answers to paths the document does not describe: JSON answers (no route, a wrong method) must
 * be {@code Error} bodies with a 4xx status; other answers (the web pages, WebJars) are not API.
 */
final class OpenApiContract {
    static final String RESOURCE = "/org/modelheritage/server/api/openapi.json";
    private static final String BASE = "https://modelheritage.test/openapi.json";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile OpenApiContract instance;

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final List<PathTemplate> paths = new ArrayList<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private record PathTemplate(String template, Pattern pattern, JsonNode item) {
    }

    /** What a server answered, as the checker needs it. */
    record Exchange(String method, String rawPath, int status, String contentType, String body) {
    }

    static OpenApiContract get() {
        if (instance == null) {
            synchronized (OpenApiContract.class) {
                if (instance == null) {
                    instance = new OpenApiContract(read());
                }
            }
        }
        return instance;
    }

    static JsonNode read() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    OpenApiContract(JsonNode document) {
        this.document = document;
        JsonNode strict = document.deepCopy();
        closeObjects(strict);
        String strictText = strict.toString();
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(BASE, strictText)));
        document.path("paths").fields().forEachRemaining(e -> paths.add(new PathTemplate(e.getKey(),
                Pattern.compile(e.getKey().replaceAll("\\{[^/}]+}", "[^/]+").replace(".", "\\.")), e.getValue())));
        // a literal path wins over a template that also matches it
        paths.sort(java.util.Comparator.comparingLong(p -> p.template().chars().filter(c -> c == '{').count()));
    }

    /** Every object schema with properties gets {@code unevaluatedProperties: false} unless it says otherwise. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.path("type").asText("").equals("object") && o.path("properties").isObject()
                    && !o.has("additionalProperties") && !o.has("unevaluatedProperties")) {
                o.set("unevaluatedProperties", BooleanNode.FALSE);
            }
        }
        for (JsonNode child : node) {
            closeObjects(child);
        }
    }

    /** The document's "METHOD /path" pairs (HTTP methods only). */
    List<String> operations() {
        List<String> out = new ArrayList<>();
        for (PathTemplate p : paths) {
            for (String m : METHODS) {
                if (p.item().has(m)) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + p.template());
                }
            }
        }
        return out;
    }

    /** What is wrong with an answer, empty when it conforms. */
    List<String> violations(Exchange x) {
        List<String> wrong = new ArrayList<>();
        String method = x.method().toLowerCase(Locale.ROOT);
        if (method.equals("head") || method.equals("options")) {
            return wrong; // CORS preflights and HEAD are Javalin's, not operations
        }
        PathTemplate path = paths.stream().filter(p -> p.pattern().matcher(x.rawPath()).matches()).findFirst().orElse(null);
        JsonNode op = path == null ? null : path.item().get(method);
        String what = x.method() + " " + x.rawPath() + " -> " + x.status();
        if (op == null) {
            if (mediaType(x.contentType()).equals("application/json")) {
                if (x.status() < 400 || x.status() >= 500) {
                    wrong.add(what + ": an answer from an undocumented operation" + (path == null ? "" : " of " + path.template()));
                }
                validate(wrong, what, "#/components/schemas/Error", x.body());
            }
            return wrong;
        }
        JsonNode response = op.path("responses").get(Integer.toString(x.status()));
        if (response == null) {
            response = op.path("responses").get("default");
        }
        if (response == null) {
            wrong.add(what + ": status not documented for " + x.method() + " " + path.template());
            return wrong;
        }
        String pointer = null;
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText();
            response = document.at(pointer.substring(1));
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (x.body() != null && !x.body().isEmpty()) {
                wrong.add(what + ": a body where the document declares none: " + abbreviate(x.body()));
            }
            return wrong;
        }
        String type = mediaType(x.contentType());
        JsonNode media = content.get(type);
        if (media == null) {
            wrong.add(what + ": content type '" + x.contentType() + "', the document declares " + names(content));
            return wrong;
        }
        if (type.equals("application/json") || type.endsWith("+json")) {
            JsonNode schema = media.path("schema");
            if (schema.has("$ref") && schema.size() == 1) {
                validate(wrong, what, schema.get("$ref").asText(), x.body());
            } else {
                validateInline(wrong, what, schema, x.body());
            }
        }
        return wrong;
    }

    /** Throws with every violation, for the tests' HTTP helper. */
    void check(Exchange x) {
        List<String> wrong = violations(x);
        if (!wrong.isEmpty()) {
            throw new AssertionError("the answer does not conform to the OpenAPI document:\n  " + String.join("\n  ", wrong));
        }
    }

    private void validate(List<String> wrong, String what, String ref, String body) {
        Schema schema = schemas.computeIfAbsent(ref, r -> {
            Schema s = registry.getSchema(SchemaLocation.of(BASE + r));
            s.initializeValidators();
            return s;
        });
        report(wrong, what, ref, schema, body);
    }

    private void validateInline(List<String> wrong, String what, JsonNode schemaNode, String body) {
        Schema schema = schemas.computeIfAbsent(schemaNode.toString(), r -> {
            Schema s = registry.getSchema(SchemaLocation.of(BASE), schemaNode);
            s.initializeValidators();
            return s;
        });
        report(wrong, what, "inline schema", schema, body);
    }

    private static void report(List<String> wrong, String what, String schemaName, Schema schema, String body) {
        if (body == null || body.isEmpty()) {
            wrong.add(what + ": empty body where " + schemaName + " is declared");
            return;
        }
        List<Error> errors;
        try {
            errors = schema.validate(body, InputFormat.JSON,
                    ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        } catch (RuntimeException e) {
            wrong.add(what + ": body is not JSON (" + e.getMessage() + "): " + abbreviate(body));
            return;
        }
        for (Error e : errors) {
            wrong.add(what + ": " + schemaName + ": " + e + " in " + abbreviate(body));
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
