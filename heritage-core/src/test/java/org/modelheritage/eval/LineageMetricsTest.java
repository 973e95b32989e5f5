package org.modelheritage.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageMetricsTest {

    @Test
    void adjustedRandIndexMatchesKnownValues() {
        Map<String, String> truth = Map.of("a", "x", "b", "x", "c", "y", "d", "y");
        assertEquals(1.0, LineageMetrics.adjustedRandIndex(truth, Map.of("a", "1", "b", "1", "c", "2", "d", "2")), 1e-12);
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,0,1]) = 0.0
        assertEquals(0.0, LineageMetrics.adjustedRandIndex(truth, Map.of("a", "1", "b", "1", "c", "1", "d", "2")), 1e-12);
        // adjusted_rand_score([0,0,0,1,1,1],[0,0,1,1,2,2]) = 0.24242424...
        Map<String, String> t6 = Map.of("a", "x", "b", "x", "c", "x", "d", "y", "e", "y", "f", "y");
        Map<String, String> f6 = Map.of("a", "1", "b", "1", "c", "2", "d", "2", "e", "3", "f", "3");
        assertEquals(0.24242424242424243, LineageMetrics.adjustedRandIndex(t6, f6), 1e-12);
        assertEquals(1.0, LineageMetrics.adjustedRandIndex(Map.of("a", "x"), Map.of("a", "1")), 0.0);
    }

    @Test
    void edgeAccuracies() {
        List<List<String>> truth = List.of(List.of("r", "c1"), List.of("r", "c2"), List.of("c1", "g"));
        List<List<String>> found = List.of(List.of("r", "c1"), List.of("c2", "r"), List.of("c2", "g"));
        assertEquals(1.0 / 3, LineageMetrics.directedAccuracy(truth, found), 1e-12);
        assertEquals(2.0 / 3, LineageMetrics.undirectedAccuracy(truth, found), 1e-12);
        assertEquals(0.0, LineageMetrics.rootAccuracy(List.of("r"), found), 0.0);
        assertEquals(1.0, LineageMetrics.rootAccuracy(List.of("r"), List.of(List.of("r", "c1"))), 0.0);
    }

    @Test
    void groundTruthIsValidated(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("ground_truth.json"), "{\"models\": [{\"name\": \"a\", \"path\": \"a.pt\", "
                + "\"parent\": null}, {\"name\": \"b\", \"path\": \"b.pt\", \"parent\": \"a\"}], \"edges\": [[\"a\", \"b\"]]}");
        GroundTruth gt = GroundTruth.read(dir);
        assertEquals(List.of("a"), gt.roots());
        assertEquals(Map.of("a", "a", "b", "a"), gt.treeOf());
        assertEquals(dir.resolve("b.pt"), gt.models().get(1).path());
        Files.writeString(dir.resolve("ground_truth.json"), "{\"models\": [{\"name\": \"a\", \"path\": \"a.pt\"}], "
                + "\"edges\": [[\"a\", \"zz\"]]}");
        assertThrows(IllegalArgumentException.class, () -> GroundTruth.read(dir));
        Files.writeString(dir.resolve("ground_truth.json"), "{\"models\": [{\"name\": \"a\"}]}");
        assertThrows(IllegalArgumentException.class, () -> GroundTruth.read(dir));
        Files.writeString(dir.resolve("ground_truth.json"), "not json");
        assertThrows(IllegalArgumentException.class, () -> GroundTruth.read(dir));
    }
}
