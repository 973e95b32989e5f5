package org.modelheritage.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SharedCorpus;

/** The targets on the development corpus; skipped when ../shared is absent, failed then under CI=true. */
class CorpusLineageTest {
    static final List<String> SUBSETS = List.of("vit-ft", "mlp-ft", "vit-lora");

    private static EvalReport eval(Path dir, MotherRecipe recipe) throws IOException {
        return new LineageEvaluation(recipe, new SignatureExtractor(), new FamilyClustering(), 2, null).run(dir);
    }

    private static void assertTargets(EvalReport r) {
        assertEquals(1.0, r.adjustedRandIndex(), 1e-12, "ARI");
        assertEquals(r.trueFamilies(), r.foundFamilies());
        assertTrue(r.undirectedAccuracy() >= 0.95, "undirected " + r.undirectedAccuracy());
        assertTrue(r.directedAccuracy() >= 0.90, "directed " + r.directedAccuracy());
        assertEquals(1.0, r.rootAccuracy(), 1e-12, "root accuracy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-ft", "vit-lora"})
    void meetsTheTargetsOnEachSubset(String subset) throws IOException {
        EvalReport r = eval(SharedCorpus.subset(subset), MotherRecipe.defaults());
        assertTargets(r);
        // what we measured when this was written: every edge, both ways
        assertEquals(1.0, r.directedAccuracy(), 1e-12);
        assertEquals(1.0, r.undirectedAccuracy(), 1e-12);
        for (EvalReport.Edge e : r.edges()) {
            assertTrue(e.confidence() >= 0 && e.confidence() <= 1);
        }
    }

    /** mlp-ft alone, and its slice of the all-at-once run, score the same. */
    @Test
    void meetsTheTargetsOnMlpAloneAndWithinEverything(@TempDir Path tmp) throws IOException {
        EvalReport alone = eval(SharedCorpus.subset("mlp-ft"), MotherRecipe.defaults());
        assertTargets(alone);
        assertEquals(1.0, alone.directedAccuracy(), 1e-12);
        EvalReport all = eval(mergedCorpus(tmp), MotherRecipe.defaults());
        assertEquals(60, all.models());
        assertEquals(6, all.trueFamilies());
        assertTargets(all);
        assertEquals(1.0, all.directedAccuracy(), 1e-12);
        for (EvalReport.Edge e : alone.edges()) {
            assertTrue(all.edges().stream().anyMatch(f -> f.parent().equals("mlp-ft/" + e.parent())
                    && f.child().equals("mlp-ft/" + e.child())), e.toString());
        }
    }

    /** ground_truth.json of all subsets at once, names prefixed by subset, paths absolute. */
    static Path mergedCorpus(Path tmp) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        ArrayNode models = out.putArray("models");
        ArrayNode edges = out.putArray("edges");
        for (String s : SUBSETS) {
            Path dir = SharedCorpus.subset(s);
            ObjectNode gt = (ObjectNode) json.readTree(dir.resolve("ground_truth.json").toFile());
            gt.get("models").forEach(m -> {
                ObjectNode c = ((ObjectNode) m).deepCopy();
                c.put("name", s + "/" + m.get("name").asText());
                c.put("path", dir.resolve(m.get("path").asText()).toAbsolutePath().toString());
                if (!m.get("parent").isNull()) {
                    c.put("parent", s + "/" + m.get("parent").asText());
                }
                models.add(c);
            });
            gt.get("edges").forEach(e -> edges.addArray().add(s + "/" + e.get(0).asText()).add(s + "/" + e.get(1).asText()));
        }
        Files.writeString(tmp.resolve("ground_truth.json"), json.writeValueAsString(out));
        return tmp;
    }

    @Test
    void paperRecipeScoresWhatItsReferenceScores() throws IOException {
        // ALGORITHM.md's table: mlp-ft 16 of 27 reproduces exactly. On vit-ft the recipe as written
        // gives 12 of 18 (the table says 16: see the README). On vit-lora the integer rank
        // distances leave several arborescences of equal cost: which one Edmonds returns depends
        // on the order of the (content-derived) ids; they score 7 of 9 (the table's) to 9 of 9
        assertEquals(16.0 / 27, eval(SharedCorpus.subset("mlp-ft"), MotherRecipe.paper()).directedAccuracy(), 1e-12);
        assertEquals(12.0 / 18, eval(SharedCorpus.subset("vit-ft"), MotherRecipe.paper()).directedAccuracy(), 1e-12);
        double lora = eval(SharedCorpus.subset("vit-lora"), MotherRecipe.paper()).directedAccuracy();
        assertTrue(lora >= 7.0 / 9 - 1e-12, "vit-lora " + lora);
    }
}
