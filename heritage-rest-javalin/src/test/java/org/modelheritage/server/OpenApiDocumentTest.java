package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is valid (swagger-parser reports no message at all, errors and warnings
 * alike) and complete in the ways generators and integrators rely on; the response checker used by
 * every API test rejects what it must.
 */
class OpenApiDocumentTest {

    static SwaggerParseResult parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        return new OpenAPIV3Parser().readContents(text, null, options);
    }

    @Test
    void swaggerParserFindsNothingWrong() {
        SwaggerParseResult result = parse(OpenApiContract.read().toString());
        assertEquals(List.of(), result.getMessages());
        OpenAPI api = result.getOpenAPI();
        assertNotNull(api);
        assertEquals("3.1.0", api.getOpenapi());
        assertEquals("Apache-2.0", api.getInfo().getLicense().getIdentifier());
        assertFalse(api.getServers().isEmpty(), "servers");
        assertTrue(api.getComponents().getSecuritySchemes().containsKey("bearerToken"));
    }

    @Test
    void swaggerParserReportsABrokenDocument() {
        ObjectNode broken = (ObjectNode) OpenApiContract.read();
        ((ObjectNode) broken.path("paths").path("/api/models").path("get")).remove("responses");
        ((ObjectNode) broken.path("components").path("schemas").path("Model").path("properties"))
                .putObject("bogus").put("$ref", "#/components/schemas/NoSuchSchema");
        List<String> messages = parse(broken.toString()).getMessages();
        assertTrue(messages.stream().anyMatch(m -> m.contains("responses")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("NoSuchSchema")), messages.toString());
    }

    /** What a generator and a reader of the reference need from every operation. */
    @Test
    void everyOperationIsCompleteAndNamesItsRole() {
        JsonNode doc = OpenApiContract.read();
        List<String> wrong = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String operation : OpenApiContract.get().operations()) {
            String[] mp = operation.split(" ", 2);
            String path = mp[1];
            JsonNode op = doc.path("paths").path(path).path(mp[0].toLowerCase(java.util.Locale.ROOT));
            if (!op.hasNonNull("operationId") || !ids.add(op.get("operationId").asText())) {
                wrong.add(operation + ": no operationId, or a repeated one");
            }
            if (!op.hasNonNull("summary") || op.path("tags").isEmpty()) {
                wrong.add(operation + ": no summary or no tag");
            }
            if (op.path("security").isEmpty()) {
                wrong.add(operation + ": no security requirement");
            }
            boolean anyone = false;
            boolean bearer = false;
            for (JsonNode requirement : op.path("security")) {
                anyone |= requirement.isEmpty();
                bearer |= requirement.has("bearerToken");
            }
            String role = op.path("x-required-role").asText(null);
            if (role != null && !bearer) {
                wrong.add(operation + ": needs role " + role + " but accepts no bearer token");
            }
            if (role != null && !role.equals("reader") && anyone) {
                wrong.add(operation + ": needs role " + role + " but lists anonymous access");
            }
            JsonNode responses = op.path("responses");
            // 400: a malformed request or a refused CORS origin; 401: a bad credential, even on a public
            // route; 403: a foreign Host or Origin; 500: the unexpected
            for (String status : List.of("400", "401", "403", "500")) {
                if (!responses.has(status)) {
                    wrong.add(operation + ": no " + status + " (every route may answer it)");
                }
            }
            if (path.startsWith("/api/") && !responses.has("429")) {
                wrong.add(operation + ": no 429 (every /api/ route is rate limited)");
            }
            if (path.contains("{") && !responses.has("404")) {
                wrong.add(operation + ": a path with an id but no 404");
            }
            responses.fields().forEachRemaining(e -> {
                String status = e.getKey();
                JsonNode response = e.getValue().has("$ref") ? doc.at(e.getValue().get("$ref").asText().substring(1)) : e.getValue();
                String schema = response.path("content").path("application/json").path("schema").path("$ref").asText("");
                boolean health = path.startsWith("/health") && status.equals("503"); // a probe answers its own report
                if ((status.startsWith("4") || status.startsWith("5")) && !health && !schema.equals("#/components/schemas/Error")) {
                    wrong.add(operation + ": " + status + " is not the {\"error\"} schema");
                }
            });
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theMainCallsHaveExamples() {
        JsonNode paths = OpenApiContract.read().path("paths");
        for (String call : List.of("/api/models get 200", "/api/models post 201", "/api/models post 409",
                "/api/models/{id} get 200", "/api/families get 200", "/api/families/{id}/tree get 200",
                "/api/stats get 200", "/api/me get 200")) {
            String[] p = call.split(" ");
            JsonNode response = paths.path(p[0]).path(p[1]).path("responses").path(p[2]);
            assertTrue(response.path("content").path("application/json").has("example"), call + ": " + response);
        }
    }

    // ------------------------------------------------------------------ the response checker itself

    static final OpenApiContract CONTRACT = OpenApiContract.get();

    static List<String> check(String method, String path, int status, String type, String body) {
        return CONTRACT.violations(new OpenApiContract.Exchange(method, path, status, type, body));
    }

    static final String FAMILY = "{\"id\":\"f\",\"structural_hash\":\"h\",\"member_count\":1,\"root_id\":null}";

    @Test
    void theCheckerAcceptsAConformingAnswer() {
        String page = "{\"families\":[" + FAMILY + "],\"total\":1,\"offset\":0,\"limit\":100}";
        assertEquals(List.of(), check("GET", "/api/families", 200, "application/json", page));
        assertEquals(List.of(), check("DELETE", "/api/models/abc", 204, "", ""));
        assertEquals(List.of(), check("GET", "/api/families/x/tree", 200, "text/vnd.graphviz", "digraph {}"));
        assertEquals(List.of(), check("GET", "/no/such/route", 404, "application/json;charset=utf-8", "{\"error\":\"not found\"}"));
        assertEquals(List.of(), check("GET", "/index.html", 200, "text/html", "<html></html>"), "pages are not API");
    }

    @Test
    void theCheckerRejectsWhatTheDocumentDoesNotSay() {
        String extraField = "{\"families\":[{\"id\":\"f\",\"structural_hash\":\"h\",\"member_count\":1,\"root_id\":null,"
                + "\"secret\":1}],\"total\":1,\"offset\":0,\"limit\":100}";
        assertFalse(check("GET", "/api/families", 200, "application/json", extraField).isEmpty(), "undocumented field");
        String missing = "{\"families\":[],\"total\":1,\"offset\":0}";
        assertFalse(check("GET", "/api/families", 200, "application/json", missing).isEmpty(), "missing field");
        String wrongType = "{\"families\":[],\"total\":\"one\",\"offset\":0,\"limit\":100}";
        assertFalse(check("GET", "/api/families", 200, "application/json", wrongType).isEmpty(), "wrong type");
        assertFalse(check("GET", "/api/families", 418, "application/json", "{\"error\":\"x\"}").isEmpty(), "undocumented status");
        assertFalse(check("GET", "/api/families", 200, "text/html", "<p>").isEmpty(), "undocumented content type");
        assertFalse(check("GET", "/api/families", 400, "application/json", "{\"message\":\"x\"}").isEmpty(), "not an Error body");
        assertFalse(check("DELETE", "/api/models/abc", 204, "application/json", "{}").isEmpty(), "a body on a 204");
        String badDate = "{\"models\":1,\"families\":1,\"by_status\":{\"pending\":0,\"processing\":0,\"ready\":1,\"failed\":0},"
                + "\"by_format\":{},\"total_parameters\":1,\"last_upload\":\"yesterday\"}";
        assertFalse(check("GET", "/api/stats", 200, "application/json", badDate).isEmpty(), "date-time format asserted");
        assertFalse(check("PUT", "/api/stats", 200, "application/json", "{}").isEmpty(), "an undocumented operation answering 200");
    }
}
