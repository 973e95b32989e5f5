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
    void calibrationErrorOfBinnedEdges() {
        // bin 0.9-1.0: 0.95 and 0.99, one right: |0.5 - 0.97| = 0.47 for 2 of 4 edges; bin 0.6-0.7: 0.65 twice,
        // both right: 0.35 for 2 of 4 edges
        double[] conf = {0.95, 0.99, 0.65, 0.65};
        boolean[] right = {true, false, true, true};
        assertEquals(0.5 * 0.47 + 0.5 * 0.35, LineageMetrics.expectedCalibrationError(conf, right, 10), 1e-12);
        double[][] t = LineageMetrics.reliability(conf, right, 10);
        assertEquals(2, t[9][0], 0.0);
        assertEquals(0.97, t[9][1], 1e-12);
        assertEquals(0.5, t[9][2], 0.0);
    }

    @Test
    void reliabilityLinesNameOnlyTheBinsThatHoldEdges() {
        double[][] t = LineageMetrics.reliability(new double[] {0.95, 0.85, 0.97}, new boolean[] {true, false, true}, 10);
        String nl = System.lineSeparator();
        assertEquals("  confidence 0.8-0.9:     1 edges, mean confidence 0.850, right 0.000" + nl
                + "  confidence 0.9-1.0:     2 edges, mean confidence 0.960, right 1.000" + nl,
                LineageMetrics.reliabilityLines(t));
        assertEquals("", LineageMetrics.reliabilityLines(LineageMetrics.reliability(new double[0], new boolean[0], 10)));
    }

    @Test
    void pooledForestsAreOneSetOfEdges() {
        // two forests, each alone badly calibrated in opposite ways; together exactly calibrated in the 0.8-0.9 bin
        double[][] a = LineageMetrics.reliability(new double[] {0.8, 0.8}, new boolean[] {true, true}, 10);
        double[][] b = LineageMetrics.reliability(new double[] {0.8, 0.8, 0.8}, new boolean[] {true, true, false}, 10);
        double[][] c = LineageMetrics.reliability(new double[] {0.8, 0.8, 0.8, 0.8, 0.8},
                new boolean[] {true, true, true, true, false}, 10);
        assertEquals(0.2, LineageMetrics.calibrationError(a), 1e-12);
        double[][] pooled = LineageMetrics.pooledReliability(List.of(a, b));
        assertEquals(5, pooled[8][0], 0.0);
        assertEquals(0.8, pooled[8][1], 1e-12);
        assertEquals(0.8, pooled[8][2], 1e-12);
        assertEquals(0.0, LineageMetrics.calibrationError(pooled), 1e-12);
        assertEquals(LineageMetrics.calibrationError(c), LineageMetrics.calibrationError(pooled), 1e-12);
        assertEquals(0, LineageMetrics.pooledReliability(List.of()).length);
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
