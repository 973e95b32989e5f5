package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.client.ApiClient;
import org.modelheritage.client.ApiException;
import org.modelheritage.client.ApiResponse;
import org.modelheritage.client.api.FamiliesApi;
import org.modelheritage.client.api.ModelsApi;
import org.modelheritage.client.api.ServerApi;
import org.modelheritage.client.api.StatsApi;
import org.modelheritage.client.model.Charts;
import org.modelheritage.client.model.EdgeKind;
import org.modelheritage.client.model.FamilyPage;
import org.modelheritage.client.model.ModelDetail;
import org.modelheritage.client.model.ModelPage;
import org.modelheritage.client.model.ModelStatus;
import org.modelheritage.client.model.Stats;
import org.modelheritage.client.model.Tree;
import org.modelheritage.client.model.WeightFormat;
import org.modelheritage.lake.LakeOptions;

/**
 * The Java client that openapi-generator makes from the served document at build time (native
 * java.net.http + Jackson), driving a real server on a free port through the main flows and the
 * error answers. A document a generator mistranslates fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientTest {
    @TempDir
    static Path dir;
    TestServer s;
    ModelsApi models;
    FamiliesApi families;
    StatsApi stats;

    @BeforeAll
    void start() throws IOException {
        s = new TestServer(dir.resolve("lake"));
        ApiClient client = client(s);
        models = new ModelsApi(client);
        families = new FamiliesApi(client);
        stats = new StatsApi(client);
    }

    @AfterAll
    void stop() {
        s.close();
    }

    static ApiClient client(TestServer server) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + server.server.port());
        client.setReadTimeout(Duration.ofSeconds(60));
        return client;
    }

    File weights(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve("files").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes).toFile();
    }

    ModelDetail awaitFinal(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            ModelDetail m = models.getModel(id);
            if (m.getStatus() == ModelStatus.READY || m.getStatus() == ModelStatus.FAILED) {
                return m;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(id + " still " + m.getStatus());
            }
            s.lake.awaitIdle(Duration.ofMillis(200));
        }
    }

    @Test
    void mainFlowsThroughTheGeneratedClient() throws Exception {
        assertEquals("ok", new ServerApi(client(s)).health().getStatus().getValue());

        Map<String, float[]> root = TestWeights.random(3, 16, 501);
        byte[] rootBytes = TestWeights.safetensors(root);
        byte[] childBytes = TestWeights.safetensors(TestWeights.child(root, 0.002, 502));

        ApiResponse<ModelDetail> created = models.uploadModelWithHttpInfo(
                List.of(weights("gen-root.safetensors", rootBytes)), "Gen-Root", "uploaded by the generated client");
        assertEquals(201, created.getStatusCode());
        ModelDetail pending = created.getData();
        assertEquals(List.of("/api/models/" + pending.getId()), created.getHeaders().get("location"));
        assertEquals(ModelStatus.PENDING, pending.getStatus());
        assertEquals(WeightFormat.SAFETENSORS, pending.getFormat());
        assertEquals(rootBytes.length, pending.getFileSize());
        assertEquals(ApiTest.sha256(rootBytes), pending.getChecksum());
        assertEquals("gen-root.safetensors", pending.getFiles().get(0).getName());
        assertNull(pending.getFamily());
        assertNull(pending.getLineage().getParent());
        String childId = models.uploadModel(List.of(weights("gen-child.safetensors", childBytes)), "gen-child", null).getId();

        ModelDetail rootReady = awaitFinal(pending.getId());
        assertEquals(ModelStatus.READY, rootReady.getStatus());
        assertEquals(3L * 16 * 16, rootReady.getParameterCount());
        assertNotNull(rootReady.getProcessedAt());
        ModelDetail child = awaitFinal(childId);

        // detail with lineage
        assertEquals(pending.getId(), child.getLineage().getParent().getId());
        assertEquals("Gen-Root", child.getLineage().getParent().getName());
        assertEquals(EdgeKind.FINE_TUNE, child.getLineage().getParent().getKind());
        assertEquals(1.0, child.getLineage().getParent().getWeight());
        assertEquals(List.of(childId), models.getModel(pending.getId()).getLineage().getChildren().stream()
                .map(l -> l.getId()).toList());
        String familyId = child.getFamilyId();
        assertEquals(familyId, child.getFamily().getId());
        assertEquals(2L, child.getFamily().getMemberCount());

        // list and search with paging
        ModelPage all = models.listModels("GEN-", 0, 100);
        assertEquals(2L, all.getTotal());
        assertEquals(List.of("gen-child", "Gen-Root"), all.getModels().stream().map(m -> m.getName()).toList());
        ModelPage second = models.listModels("gen-", 1, 1);
        assertEquals(2L, second.getTotal());
        assertEquals(1, second.getOffset());
        assertEquals(1, second.getLimit());
        assertEquals(List.of("Gen-Root"), second.getModels().stream().map(m -> m.getName()).toList());

        // families, members, tree and exports
        FamilyPage page = families.listFamilies(0, 1000);
        assertTrue(page.getFamilies().stream().anyMatch(f -> f.getId().equals(familyId)));
        assertEquals(2L, families.listFamilyModels(familyId, null, null).getTotal());
        Tree tree = families.getFamilyTree(familyId, null);
        assertEquals(pending.getId(), tree.getFamily().getRootId());
        assertEquals(Set.of(pending.getId() + ">" + childId),
                tree.getEdges().stream().map(e -> e.getParent() + ">" + e.getChild()).collect(Collectors.toSet()));
        assertEquals(EdgeKind.FINE_TUNE, tree.getEdges().get(0).getKind());
        String graphml = Files.readString(families.exportFamilyTreeGraphml(familyId).toPath(), StandardCharsets.UTF_8);
        assertTrue(graphml.contains("<node id=\"" + childId + "\">"), graphml);
        String dot = Files.readString(families.exportFamilyTreeDot(familyId).toPath(), StandardCharsets.UTF_8);
        assertTrue(dot.contains("\"" + pending.getId() + "\" -> \"" + childId + "\""), dot);

        // stats
        Stats totals = stats.getStats();
        assertTrue(totals.getModels() >= 2);
        assertTrue(totals.getByStatus().getReady() >= 2);
        Charts charts = stats.getStatsCharts(5);
        assertEquals(10, charts.getEdgeConfidence().size());
        assertTrue(charts.getEdgesByKind().get("fine-tune") >= 1);

        // delete: the child goes, the root is left alone in its family
        models.deleteModel(childId);
        ApiException gone = assertThrows(ApiException.class, () -> models.getModel(childId));
        assertEquals(404, gone.getCode());
        assertEquals(List.of(), models.getModel(pending.getId()).getLineage().getChildren());
    }

    static org.modelheritage.client.model.Error error(ApiException e) throws IOException {
        return new ApiClient().getObjectMapper().readValue(e.getResponseBody(), org.modelheritage.client.model.Error.class);
    }

    @Test
    void errorAnswersReachTheClientAsTheirStatusAndErrorBody() throws Exception {
        ApiException badLimit = assertThrows(ApiException.class, () -> models.listModels(null, 0, 0));
        assertEquals(400, badLimit.getCode());
        assertEquals("limit must be an integer from 1 to 1000", error(badLimit).getError());

        byte[] bytes = TestWeights.safetensors(TestWeights.random(1, 8, 511));
        ApiException noName = assertThrows(ApiException.class,
                () -> models.uploadModel(List.of(weights("no-name.safetensors", bytes)), "   ", null));
        assertEquals(400, noName.getCode());
        assertEquals("name is required", error(noName).getError());

        ApiException missing = assertThrows(ApiException.class, () -> models.getModel("no-such-model"));
        assertEquals(404, missing.getCode());
        assertEquals("no model with id no-such-model", error(missing).getError());
        assertEquals(404, assertThrows(ApiException.class, () -> families.getFamilyTree("no-such-family", null)).getCode());
        assertEquals(404, assertThrows(ApiException.class, () -> models.deleteModel("no-such-model")).getCode());

        String first = models.uploadModel(List.of(weights("dup.safetensors", bytes)), "gen-dup", null).getId();
        ApiException dup = assertThrows(ApiException.class,
                () -> models.uploadModel(List.of(weights("dup-again.safetensors", bytes)), "gen-dup-again", null));
        assertEquals(409, dup.getCode());
        assertEquals(first, error(dup).getExistingId());
    }

    @Test
    void overTheLimitIs413ThroughTheClient(@TempDir Path other) throws Exception {
        try (TestServer small = new TestServer(other.resolve("lake"), LakeOptions.defaults().withMaxUploadBytes(1000))) {
            ModelsApi api = new ModelsApi(client(small));
            byte[] big = TestWeights.safetensors(TestWeights.random(2, 32, 521)); // about 8 KB
            ApiException tooBig = assertThrows(ApiException.class,
                    () -> api.uploadModel(List.of(weights("big.safetensors", big)), "too-big", null));
            assertEquals(413, tooBig.getCode());
            assertEquals("upload larger than the limit of 1000 bytes", error(tooBig).getError());
            assertEquals(0L, api.listModels(null, null, null).getTotal());
        }
    }
}
