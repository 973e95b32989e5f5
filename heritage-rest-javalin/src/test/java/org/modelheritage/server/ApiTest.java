package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.w3c.dom.Document;

/** Every endpoint and every error status, over real HTTP against a server on a free port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
    @TempDir
    static Path dir;
    TestServer s;

    @BeforeAll
    void start() throws IOException {
        s = new TestServer(dir.resolve("lake"));
    }

    @AfterAll
    void stop() {
        s.close();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Blob files on disk (the directory blob store keeps them under blobs/sha256/). */
    Set<String> blobsOnDisk() throws IOException {
        Path root = s.dataDir.resolve("blobs").resolve("sha256");
        if (!Files.exists(root)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            Set<String> out = new HashSet<>();
            walk.filter(Files::isRegularFile).forEach(p -> out.add(p.getFileName().toString()));
            return out;
        }
    }

    @Test
    void healthAndEmptyListsAnswer() {
        TestServer.Reply health = s.get("/health");
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
        assertEquals(health.json().get("workers").asInt(), health.json().get("workers_alive").asInt());
        TestServer.Reply stats = s.get("/api/stats");
        assertEquals(200, stats.status());
        assertTrue(stats.json().has("by_status"));
        assertTrue(stats.json().get("by_status").has("pending"));
        assertTrue(stats.json().has("total_parameters"));
    }

    @Test
    void uploadProcessSearchTreeExportAndDelete() throws Exception {
        Map<String, float[]> root = TestWeights.random(3, 16, 1);
        byte[] rootBytes = TestWeights.safetensors(root);
        byte[] childBytes = TestWeights.safetensors(TestWeights.child(root, 0.002, 2));
        byte[] grandBytes = TestWeights.safetensors(TestWeights.child(TestWeights.child(root, 0.002, 2), 0.002, 3));

        TestServer.Reply created = s.upload(new Multipart().field("name", "Alpha-Root").field("description", "the base")
                .file("alpha.safetensors", rootBytes));
        assertEquals(201, created.status(), created.body());
        String rootId = created.json().get("id").asText();
        assertEquals("/api/models/" + rootId, created.header("Location"));
        assertEquals("pending", created.json().get("status").asText(), "the 201 shows the model as added");
        assertEquals("Alpha-Root", created.json().get("name").asText());
        assertEquals("the base", created.json().get("description").asText());
        assertEquals("safetensors", created.json().get("format").asText());
        assertEquals(rootBytes.length, created.json().get("file_size").asLong());
        assertEquals(sha256(rootBytes), created.json().get("checksum").asText());
        assertTrue(created.json().has("created_at"));

        String childId = s.upload("alpha-child", "c.safetensors", childBytes).json().get("id").asText();
        String grandId = s.upload("alpha-grandchild", "g.safetensors", grandBytes).json().get("id").asText();

        JsonNode ready = s.awaitFinal(rootId, Duration.ofSeconds(60));
        assertEquals("ready", ready.get("status").asText(), ready.toString());
        assertEquals(3 * 16 * 16, ready.get("parameter_count").asLong());
        assertTrue(ready.get("layer_count").asInt() > 0);
        assertFalse(ready.get("structural_hash").asText().isEmpty());
        assertNotNull(ready.get("processed_at").textValue());
        s.awaitFinal(childId, Duration.ofSeconds(60));
        s.awaitFinal(grandId, Duration.ofSeconds(60));

        JsonNode root1 = s.get("/api/models/" + rootId).json();
        String familyId = root1.get("family_id").asText();
        assertEquals(familyId, root1.get("family").get("id").asText());
        assertEquals(3, root1.get("family").get("member_count").asInt());
        assertLineage(rootId, childId, grandId, familyId);

        // Search is case-insensitive and alphabetical; paging echoes the total.
        JsonNode search = s.get("/api/models?search=ALPHA-").json();
        assertEquals(3, search.get("total").asInt());
        assertEquals(List.of("alpha-child", "alpha-grandchild", "Alpha-Root"), names(search.get("models")));
        JsonNode page = s.get("/api/models?search=alpha&offset=1&limit=1").json();
        assertEquals(3, page.get("total").asInt());
        assertEquals(1, page.get("offset").asInt());
        assertEquals(List.of("alpha-grandchild"), names(page.get("models")));

        JsonNode families = s.get("/api/families").json();
        assertTrue(names(families.get("families"), "id").contains(familyId));
        JsonNode members = s.get("/api/families/" + familyId + "/models").json();
        assertEquals(3, members.get("total").asInt());

        JsonNode tree = s.get("/api/families/" + familyId + "/tree").json();
        assertEquals(3, tree.get("nodes").size());
        assertEquals(familyId, tree.get("family").get("id").asText());

        TestServer.Reply graphml = s.get("/api/families/" + familyId + "/tree?format=graphml");
        assertEquals(200, graphml.status());
        assertTrue(graphml.header("Content-Type").startsWith("application/graphml+xml"));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(graphml.body().getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, doc.getElementsByTagName("node").getLength());
        assertEquals(tree.get("edges").size(), doc.getElementsByTagName("edge").getLength());

        TestServer.Reply dot = s.get("/api/families/" + familyId + "/tree?format=dot");
        assertEquals(200, dot.status());
        // the export operations answer the same documents
        TestServer.Reply graphmlExport = s.get("/api/families/" + familyId + "/tree.graphml");
        assertEquals(graphml.body(), graphmlExport.body());
        assertTrue(graphmlExport.header("Content-Type").startsWith("application/graphml+xml"));
        TestServer.Reply dotExport = s.get("/api/families/" + familyId + "/tree.dot");
        assertEquals(dot.body(), dotExport.body());
        assertTrue(dotExport.header("Content-Type").startsWith("text/vnd.graphviz"));
        assertTrue(dot.body().startsWith("digraph "), dot.body());
        for (JsonNode e : tree.get("edges")) {
            assertTrue(dot.body().contains("\"" + e.get("parent").asText() + "\" -> \"" + e.get("child").asText() + "\""), dot.body());
        }
        for (JsonNode n : tree.get("nodes")) {
            assertTrue(dot.body().contains("\"" + n.get("id").asText() + "\" [label=\"" + n.get("name").asText() + "\""), dot.body());
        }

        JsonNode stats = s.get("/api/stats").json();
        assertTrue(stats.get("models").asInt() >= 3);
        assertTrue(stats.get("by_format").get("safetensors").asInt() >= 3);
        assertTrue(stats.get("total_parameters").asLong() >= 3L * 3 * 16 * 16);
        assertNotNull(stats.get("last_upload").textValue());

        // Deleting the middle model re-links the grandchild to the root; its blob goes.
        String childSha = sha256(childBytes);
        assertTrue(blobsOnDisk().contains(childSha));
        assertEquals(204, s.delete("/api/models/" + childId).status());
        assertEquals(404, s.get("/api/models/" + childId).status());
        assertFalse(blobsOnDisk().contains(childSha));
        JsonNode grand = s.get("/api/models/" + grandId).json();
        assertEquals(rootId, grand.get("lineage").get("parent").get("id").asText(), "re-linked to the root");
        assertEquals(familyId, grand.get("family_id").asText(), "the family keeps its id");
        assertEquals(2, s.get("/api/families/" + familyId + "/tree").json().get("nodes").size());

        // Delete the rest: the family goes with its last member.
        assertEquals(204, s.delete("/api/models/" + grandId).status());
        assertEquals(204, s.delete("/api/models/" + rootId).status());
        assertEquals(404, s.get("/api/families/" + familyId + "/tree").status());
        assertEquals(404, s.delete("/api/models/" + rootId).status());
    }

    /** The tree is root -> child -> grandchild, seen from each model and from the family. */
    void assertLineage(String rootId, String childId, String grandId, String familyId) {
        JsonNode root1 = s.get("/api/models/" + rootId).json();
        assertTrue(root1.get("lineage").get("parent").isNull());
        JsonNode child = s.get("/api/models/" + childId).json();
        assertEquals(rootId, child.get("lineage").get("parent").get("id").asText());
        assertEquals("Alpha-Root", child.get("lineage").get("parent").get("name").asText());
        double confidence = child.get("lineage").get("parent").get("confidence").asDouble();
        assertTrue(confidence >= 0 && confidence <= 1, "confidence " + confidence);
        assertEquals(grandId, child.get("lineage").get("children").get(0).get("id").asText());

        JsonNode tree = s.get("/api/families/" + familyId + "/tree").json();
        Set<String> edges = new HashSet<>();
        tree.get("edges").forEach(e -> edges.add(e.get("parent").asText() + ">" + e.get("child").asText()));
        assertEquals(Set.of(rootId + ">" + childId, childId + ">" + grandId), edges);
        tree.get("nodes").forEach(n -> assertEquals(n.get("id").asText().equals(rootId), n.get("is_root").asBoolean()));
    }

    static List<String> names(JsonNode array) {
        return names(array, "name");
    }

    static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void missingNameIs400AndKeepsNothing() throws Exception {
        Set<String> before = blobsOnDisk();
        byte[] bytes = TestWeights.safetensors(TestWeights.random(1, 8, 11));
        TestServer.Reply r = s.upload(new Multipart().file("x.safetensors", bytes));
        assertEquals(400, r.status());
        assertEquals("name is required", r.json().get("error").asText());
        assertEquals(before, blobsOnDisk());
        TestServer.Reply blank = s.upload(new Multipart().field("name", "   ").file("x.safetensors", bytes));
        assertEquals(400, blank.status());
        assertEquals(before, blobsOnDisk());
    }

    @Test
    void noFileIs400() {
        TestServer.Reply r = s.upload(new Multipart().field("name", "nothing"));
        assertEquals(400, r.status());
        assertTrue(r.json().get("error").asText().contains("no file"), r.body());
        TestServer.Reply notMultipart = s.send(HttpRequest.newBuilder(s.uri("/api/models"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(400, notMultipart.status());
        assertTrue(notMultipart.json().get("error").asText().contains("multipart/form-data"));
    }

    @Test
    void unreadableWeightsAre400WithTheReadersMessageAndKeepNothing() throws Exception {
        Set<String> before = blobsOnDisk();
        long modelsBefore = s.get("/api/stats").json().get("models").asLong();
        byte[] junk = "this is not a weight file at all, just text".getBytes(StandardCharsets.UTF_8);
        TestServer.Reply r = s.upload("junk", "junk.safetensors", junk);
        assertEquals(400, r.status());
        String error = r.json().get("error").asText();
        assertTrue(error.startsWith("unreadable weights in 'junk.safetensors'"), error);
        assertEquals(before, blobsOnDisk());
        assertEquals(modelsBefore, s.get("/api/stats").json().get("models").asLong());

        // A truncated safetensors file: the header promises more data than there is.
        byte[] good = TestWeights.safetensors(TestWeights.random(2, 8, 12));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 40);
        TestServer.Reply t = s.upload("truncated", "t.safetensors", truncated);
        assertEquals(400, t.status(), t.body());
        assertTrue(t.json().get("error").asText().startsWith("unreadable weights in 't.safetensors'"), t.body());
        assertEquals(before, blobsOnDisk());
    }

    @Test
    void sameBytesTwiceIs409WithTheExistingId() throws Exception {
        byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 21));
        TestServer.Reply first = s.upload("dup-original", "a.safetensors", bytes);
        assertEquals(201, first.status(), first.body());
        Set<String> before = blobsOnDisk();
        TestServer.Reply second = s.upload("dup-copy", "b.safetensors", bytes);
        assertEquals(409, second.status());
        assertEquals(first.json().get("id").asText(), second.json().get("existing_id").asText());
        assertTrue(second.json().get("error").asText().contains("already in the lake"));
        assertEquals(before, blobsOnDisk(), "the shared blob stays, nothing new is kept");
        assertEquals(0, s.get("/api/models?search=dup-copy").json().get("total").asInt());
    }

    @Test
    void unknownIdsAre404() {
        for (String path : List.of("/api/models/nope", "/api/families/nope/models", "/api/families/nope/tree",
                "/api/models/..%2F..%2Fetc", "/no/such/route")) {
            TestServer.Reply r = s.get(path);
            assertEquals(404, r.status(), path);
            assertNotNull(r.json(), path + " answered " + r.header("Content-Type") + ": " + r.body());
            assertTrue(r.json().get("error").asText().length() > 0, path);
        }
        assertEquals(404, s.delete("/api/models/nope").status());
    }

    @Test
    void badParametersAre400() {
        for (String path : List.of("/api/models?limit=0", "/api/models?limit=abc", "/api/models?offset=-1",
                "/api/families?limit=100000")) {
            TestServer.Reply r = s.get(path);
            assertEquals(400, r.status(), path);
            assertTrue(r.json().get("error").asText().contains("must be an integer"), path);
        }
    }

    @Test
    void treeFormatMustBeKnown() throws Exception {
        byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 31));
        String id = s.upload("format-probe", "f.safetensors", bytes).json().get("id").asText();
        String family = s.awaitFinal(id, Duration.ofSeconds(60)).get("family_id").asText();
        TestServer.Reply r = s.get("/api/families/" + family + "/tree?format=png");
        assertEquals(400, r.status());
        assertEquals("format must be json, graphml or dot", r.json().get("error").asText());
    }

    @Test
    void corsIsOffUnlessOriginsAreConfigured() {
        TestServer.Reply r = s.send(HttpRequest.newBuilder(s.uri("/api/stats")).header("Origin", "http://example.test").GET());
        assertEquals(200, r.status());
        assertEquals(null, r.header("Access-Control-Allow-Origin"), "no CORS without --cors-origins");
    }

    /**
     * The routes the running Javalin app serves (its router's endpoint list) and the operations the
     * served document describes are the same set: a new route without its description fails here,
     * as does a description of a route that is gone.
     */
    @Test
    void openApiDocumentListsExactlyTheAppsRoutes() throws Exception {
        TestServer.Reply r = s.get("/openapi.json");
        assertEquals(200, r.status());
        Set<String> documented = new java.util.TreeSet<>();
        r.json().get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
            }
        }));
        Set<String> served = new java.util.TreeSet<>(s.server.routes());
        assertEquals(s.server.routes().size(), served.size(), "a route registered twice: " + s.server.routes());
        Set<String> undocumented = new java.util.TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> gone = new java.util.TreeSet<>(documented);
        gone.removeAll(served);
        assertEquals(List.of(), List.copyOf(undocumented), "routes the app serves that openapi.json does not describe");
        assertEquals(List.of(), List.copyOf(gone), "operations openapi.json describes that the app does not serve");
        assertTrue(served.size() >= 16, "the router's list was read: " + served);
    }

    @Test
    void overTheLimitIs413AndKeepsNothing(@TempDir Path other) throws Exception {
        try (TestServer small = new TestServer(other.resolve("lake"), LakeOptions.defaults().withMaxUploadBytes(1000))) {
            byte[] big = TestWeights.safetensors(TestWeights.random(2, 32, 41)); // ~8 KB
            TestServer.Reply r = small.upload("too-big", "big.safetensors", big);
            assertEquals(413, r.status(), r.body());
            assertTrue(r.json().get("error").asText().contains("limit of 1000 bytes"));
            byte[] fits = TestWeights.safetensors(TestWeights.random(1, 4, 42)); // ~150 B
            assertEquals(201, small.upload("fits", "fits.safetensors", fits).status());
            try (Stream<Path> walk = Files.walk(other.resolve("lake").resolve("blobs"))) {
                assertEquals(1, walk.filter(Files::isRegularFile).count(), "only the upload that fit is stored");
            }
            // A declared length far over the limit is refused from the headers alone: the client
            // sends none of the 3 MiB it announces and still gets the answer.
            try (Socket socket = new Socket("127.0.0.1", small.server.port())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("POST /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + 3 * 1024 * 1024
                        + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
                assertTrue(answer.contains("limit of 1000 bytes"), answer);
            }
        }
    }
}
