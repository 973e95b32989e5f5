package org.modelheritage.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several corpora scored together: {@link LineageEvaluation#together} and {@link GroundTruth#joined}. */
class JointEvaluationTest {

    private static GroundTruth truth(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ground_truth.json"), json);
        return GroundTruth.read(dir);
    }

    /** A corpus of a root and its children, by name: {@code root, child...}. */
    private static GroundTruth star(Path dir, String root, String... children) throws IOException {
        StringBuilder json = new StringBuilder("{\"models\": [{\"name\": \"" + root + "\", \"path\": \"" + root
                + ".st\", \"parent\": null}");
        for (String c : children) {
            json.append(", {\"name\": \"").append(c).append("\", \"path\": \"").append(c).append(".st\", \"parent\": \"")
                    .append(root).append("\"}");
        }
        return truth(dir, json.append("]}").toString());
    }

    private static EvalReport found(List<List<String>> families, List<EvalReport.Edge> edges, double seconds) {
        return new EvalReport(0, 0, families.size(), 0, 0, 0, 0, seconds, families, edges, 0, new double[0][], Map.of());
    }

    @Test
    void edgesRootsAndBinsOfEveryCorpusCountAtOnce(@TempDir Path dir) throws IOException {
        // the same names in both corpora: a -> b, a -> c in the first, a -> b in the second
        GroundTruth first = star(dir.resolve("s1"), "a", "b", "c");
        GroundTruth second = star(dir.resolve("s2"), "a", "b");
        // the first corpus's c hung from b (wrong, said at 0.8); the second's edge reversed (said at 0.7)
        EvalReport r1 = found(List.of(List.of("a", "b", "c")),
                List.of(new EvalReport.Edge("a", "b", 0.9, "fine-tune"), new EvalReport.Edge("b", "c", 0.8, "fine-tune")), 1.5);
        EvalReport r2 = found(List.of(List.of("a", "b")), List.of(new EvalReport.Edge("b", "a", 0.7, "fine-tune")), 0.5);

        EvalReport joint = LineageEvaluation.together(List.of(first, second), List.of(r1, r2));

        assertEquals(5, joint.models());
        assertEquals(2, joint.trueFamilies());
        assertEquals(2, joint.foundFamilies());
        assertEquals(1.0, joint.adjustedRandIndex(), 1e-12);
        assertEquals(2.0 / 3, joint.undirectedAccuracy(), 1e-12); // a-b and a-b of three true edges
        assertEquals(1.0 / 3, joint.directedAccuracy(), 1e-12); // only the first corpus's a -> b
        assertEquals(0.5, joint.rootAccuracy(), 1e-12); // the second corpus's a is a child
        // bins 0.9 (right), 0.8 (wrong), 0.7 (wrong): (0.1 + 0.8 + 0.7) / 3
        assertEquals(1.6 / 3, joint.expectedCalibrationError(), 1e-12);
        assertEquals(2.0, joint.seconds(), 1e-12);
        assertEquals(List.of(List.of("1/a", "1/b", "1/c"), List.of("2/a", "2/b")), joint.families());
        assertEquals(List.of("1/a>1/b", "1/b>1/c", "2/b>2/a"),
                joint.edges().stream().map(e -> e.parent() + ">" + e.child()).sorted().toList());
    }

    @Test
    void familiesThatMixTwoCorporaLowerTheRandIndex(@TempDir Path dir) throws IOException {
        GroundTruth first = star(dir.resolve("s1"), "a", "b");
        GroundTruth second = star(dir.resolve("s2"), "x", "y");
        // the first corpus split in two: its own Rand index is 0, and the joint one below 1
        EvalReport r1 = found(List.of(List.of("a"), List.of("b")), List.of(), 0);
        EvalReport r2 = found(List.of(List.of("x", "y")), List.of(new EvalReport.Edge("x", "y", 0.95, "fine-tune")), 0);

        EvalReport joint = LineageEvaluation.together(List.of(first, second), List.of(r1, r2));

        assertEquals(3, joint.foundFamilies());
        assertEquals(LineageMetrics.adjustedRandIndex(Map.of("1/a", "1/a", "1/b", "1/a", "2/x", "2/x", "2/y", "2/x"),
                Map.of("1/a", "1/a", "1/b", "1/b", "2/x", "2/x", "2/y", "2/x")), joint.adjustedRandIndex(), 1e-12);
        assertEquals(0.5, joint.undirectedAccuracy(), 1e-12);
        assertEquals(1.0, joint.rootAccuracy(), 1e-12);
    }

    @Test
    void joinedGroundTruthPrefixesEveryName(@TempDir Path dir) throws IOException {
        GroundTruth merges = truth(dir.resolve("m"), "{\"models\": [{\"name\": \"a\", \"path\": \"a.st\", \"parent\": null},"
                + " {\"name\": \"b\", \"path\": \"b.st\", \"parent\": \"a\"}, {\"name\": \"m\", \"path\": \"m.st\", \"parent\": \"a\","
                + " \"kind\": \"merge\"}], \"edges\": [[\"a\", \"b\"], [\"a\", \"m\"], [\"b\", \"m\"]]}");
        GroundTruth joined = GroundTruth.joined(List.of(merges, merges));
        assertNull(joined.directory());
        assertEquals(List.of("1/a", "1/b", "1/m", "2/a", "2/b", "2/m"), joined.models().stream().map(GroundTruth.Model::name).toList());
        assertEquals("2/a", joined.models().get(5).parent());
        assertEquals("merge", joined.models().get(5).kind());
        assertEquals(List.of("2/a", "2/m"), joined.edges().get(4));
        assertEquals(List.of("1/a", "2/a"), joined.roots());
        assertThrows(IllegalArgumentException.class, () -> GroundTruth.joined(List.of()));
        assertThrows(IllegalArgumentException.class, () -> LineageEvaluation.together(List.of(merges), List.of()));
    }
}
