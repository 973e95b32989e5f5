package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageEvaluation;
import org.modelheritage.testing.SharedCorpus;

/**
 * The lineage the API shows after the whole corpus was uploaded over HTTP, in shuffled order,
 * is what the library's batch recovery ({@code eval}) finds for the same weights: the same
 * families, the same directed edges (with their kind and confidence), the same roots. Then a
 * middle model is deleted and its family is what batch recovery finds without it.
 * Skips without ../shared/corpus (fails under CI=true).
 */
class CorpusLineageApiTest {
    static final List<String> SUBSETS = List.of("vit-ft", "mlp-ft", "vit-lora");
    static final long SHUFFLE_SEED = 20_240_607L;

    /** A model of the corpus under a name unique across subsets (both ViT subsets have a vit-r0). */
    record Entry(String name, Path path, String parent) {
    }

    /** What a lineage recovery says, by model name: families, parent > child edges with kind, roots. */
    record Lineage(Set<Set<String>> families, Map<String, String> parentOf, Map<String, Boolean> duplicate,
                   Map<String, Double> confidence, Set<String> roots) {
        void assertSameAs(Lineage batch) {
            assertEquals(batch.families, families, "families");
            assertEquals(new TreeMap<>(batch.parentOf), new TreeMap<>(parentOf), "edges, child -> parent");
            assertEquals(new TreeMap<>(batch.duplicate), new TreeMap<>(duplicate), "edge kinds");
            assertEquals(batch.roots, roots, "roots");
            batch.confidence.forEach((child, c) -> assertEquals(c, confidence.get(child), 1e-6, "confidence of the edge into " + child));
        }
    }

    @Test
    void lineageAfterShuffledUploadsEqualsBatchRecoveryAndSurvivesDeletingAMiddleModel(@TempDir Path dir) throws Exception {
        List<Entry> corpus = new ArrayList<>();
        for (String subset : SUBSETS) {
            Path root = SharedCorpus.subset(subset);
            for (JsonNode m : TestServer.JSON.readTree(root.resolve("ground_truth.json").toFile()).get("models")) {
                String parent = m.get("parent").isNull() ? null : subset + "/" + m.get("parent").asText();
                corpus.add(new Entry(subset + "/" + m.get("name").asText(), root.resolve(m.get("path").asText()), parent));
            }
        }
        Lineage batch = batch(dir.resolve("all"), corpus);
        assertEquals(6, batch.families.size(), "the corpus has six trees and the engine finds them");

        List<Entry> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(SHUFFLE_SEED));
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            Map<String, String> idOf = new HashMap<>();
            for (Entry e : shuffled) {
                Multipart form = new Multipart().field("name", e.name());
                if (Files.isDirectory(e.path())) {
                    form.directory(e.path());
                } else {
                    form.file(e.path());
                }
                TestServer.Reply r = s.upload(form);
                assertEquals(201, r.status(), e + " -> " + r.body());
                idOf.put(e.name(), r.json().get("id").asText());
            }
            for (Entry e : shuffled) {
                JsonNode done = s.awaitFinal(idOf.get(e.name()), Duration.ofMinutes(5));
                assertEquals("ready", done.get("status").asText(), done.toString());
            }
            Lineage api = api(s);
            api.assertSameAs(batch);
            assertEquals(batch.families.size(), s.get("/api/stats").json().get("families").asInt());

            // Delete a model with a parent and children: its children get a parent again, in the same family,
            // and the family is what batch recovery finds for the corpus without that model.
            String middle = corpus.stream().map(Entry::name).filter(n -> batch.parentOf.containsKey(n)
                    && batch.parentOf.containsValue(n)).sorted().findFirst().orElseThrow();
            List<String> formerChildren = batch.parentOf.entrySet().stream().filter(x -> x.getValue().equals(middle))
                    .map(Map.Entry::getKey).sorted().toList();
            String familyId = s.get("/api/models/" + idOf.get(middle)).json().get("family_id").asText();
            assertEquals(204, s.delete("/api/models/" + idOf.get(middle)).status());
            for (String child : formerChildren) {
                JsonNode m = s.get("/api/models/" + idOf.get(child)).json();
                assertEquals(familyId, m.get("family_id").asText(), child + " stays in its family, which keeps its id");
                assertNotNull(m.get("lineage").get("parent").get("id").textValue(), child + " has a parent again");
            }
            Set<String> rest = new TreeSet<>(batch.families.stream().filter(f -> f.contains(middle)).findFirst().orElseThrow());
            rest.remove(middle);
            List<Entry> remaining = corpus.stream().filter(e -> rest.contains(e.name())).toList();
            Lineage expected = batch(dir.resolve("without"), remaining);
            Lineage after = api(s);
            Lineage family = new Lineage(
                    filter(after.families, f -> rest.containsAll(f)), only(after.parentOf, rest), only(after.duplicate, rest),
                    only(after.confidence, rest), filter(after.roots, rest::contains));
            family.assertSameAs(expected);
        }
    }

    /** What LineageEvaluation (the {@code eval} path) recovers for these models. */
    static Lineage batch(Path dir, List<Entry> models) throws IOException {
        Files.createDirectories(dir);
        ObjectNode truth = TestServer.JSON.createObjectNode();
        ArrayNode list = truth.putArray("models");
        ArrayNode edges = truth.putArray("edges");
        Set<String> names = new TreeSet<>();
        models.forEach(e -> names.add(e.name()));
        for (Entry e : models) {
            String parent = e.parent() != null && names.contains(e.parent()) ? e.parent() : null;
            list.addObject().put("name", e.name()).put("path", e.path().toAbsolutePath().toString()).put("parent", parent);
            if (parent != null) {
                edges.addArray().add(parent).add(e.name());
            }
        }
        TestServer.JSON.writeValue(dir.resolve("ground_truth.json").toFile(), truth);
        EvalReport report = LineageEvaluation.defaults().run(dir);
        Set<Set<String>> families = new java.util.HashSet<>();
        report.families().forEach(f -> families.add(Set.copyOf(f)));
        Map<String, String> parentOf = new HashMap<>();
        Map<String, Boolean> duplicate = new HashMap<>();
        Map<String, Double> confidence = new HashMap<>();
        for (EvalReport.Edge e : report.edges()) {
            parentOf.put(e.child(), e.parent());
            duplicate.put(e.child(), e.kind().equals("DUPLICATE"));
            confidence.put(e.child(), e.confidence());
        }
        Set<String> roots = new TreeSet<>(names);
        roots.removeAll(parentOf.keySet());
        return new Lineage(families, parentOf, duplicate, confidence, roots);
    }

    /** What the API shows: every family's tree, by model name. */
    static Lineage api(TestServer s) {
        Set<Set<String>> families = new java.util.HashSet<>();
        Map<String, String> parentOf = new HashMap<>();
        Map<String, Boolean> duplicate = new HashMap<>();
        Map<String, Double> confidence = new HashMap<>();
        Set<String> roots = new TreeSet<>();
        for (JsonNode f : s.get("/api/families?limit=1000").json().get("families")) {
            JsonNode tree = s.get("/api/families/" + f.get("id").asText() + "/tree").json();
            Map<String, String> nameOf = new HashMap<>();
            Set<String> members = new TreeSet<>();
            for (JsonNode n : tree.get("nodes")) {
                nameOf.put(n.get("id").asText(), n.get("name").asText());
                members.add(n.get("name").asText());
                if (n.get("is_root").asBoolean()) {
                    roots.add(n.get("name").asText());
                }
            }
            assertEquals(f.get("member_count").asInt(), members.size());
            families.add(members);
            for (JsonNode e : tree.get("edges")) {
                String child = nameOf.get(e.get("child").asText());
                assertTrue(parentOf.put(child, nameOf.get(e.get("parent").asText())) == null, child + " has two parents");
                duplicate.put(child, e.get("duplicate").asBoolean());
                confidence.put(child, e.get("confidence").asDouble());
            }
            String rootId = f.get("root_id") == null || f.get("root_id").isNull() ? null : f.get("root_id").asText();
            assertTrue(rootId != null && roots.contains(nameOf.get(rootId)), "the family's root is a root of its tree: " + f);
        }
        return new Lineage(families, parentOf, duplicate, confidence, roots);
    }

    static <T> Set<T> filter(Collection<T> items, java.util.function.Predicate<T> keep) {
        Set<T> out = new java.util.HashSet<>();
        items.stream().filter(keep).forEach(out::add);
        return out;
    }

    static <V> Map<String, V> only(Map<String, V> byChild, Set<String> names) {
        Map<String, V> out = new HashMap<>();
        byChild.forEach((k, v) -> {
            if (names.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
