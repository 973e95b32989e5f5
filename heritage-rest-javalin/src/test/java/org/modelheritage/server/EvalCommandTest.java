package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.testing.SyntheticModels;
import picocli.CommandLine;

/** Runs {@code heritage-server eval} in-process on a small synthetic corpus written as safetensors. */
class EvalCommandTest {

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** root -> c0 -> g0, root -> c1; files named so that names say nothing in file order. */
    static Path corpus(Path dir) throws IOException {
        Map<String, Map<String, float[]>> models = new LinkedHashMap<>();
        models.put("root", SyntheticModels.root(11));
        models.put("c0", SyntheticModels.fineTune(models.get("root"), 0.006, 12));
        models.put("c1", SyntheticModels.fineTune(models.get("root"), 0.006, 13));
        models.put("g0", SyntheticModels.fineTune(models.get("c0"), 0.006, 14));
        Map<String, String> parents = Map.of("c0", "root", "c1", "root", "g0", "c0");
        StringBuilder gt = new StringBuilder("{\"models\": [");
        int k = 0;
        for (Map.Entry<String, Map<String, float[]>> m : models.entrySet()) {
            String file = "m" + (7 - k) + ".safetensors";
            List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
            SyntheticModels.shapes().forEach((name, shape) -> tensors.add(new SafetensorsWriter.Tensor(name,
                    m.getKey().equals("c1") ? DType.BF16 : DType.F32, shape, m.getValue().get(name))));
            SafetensorsWriter.write(dir.resolve(file), tensors, Map.of());
            String parent = parents.get(m.getKey());
            gt.append(k++ == 0 ? "" : ", ").append("{\"name\": \"").append(m.getKey()).append("\", \"path\": \"")
                    .append(file).append("\", \"parent\": ").append(parent == null ? "null" : "\"" + parent + "\"").append('}');
        }
        gt.append("], \"edges\": [[\"root\", \"c0\"], [\"root\", \"c1\"], [\"c0\", \"g0\"]]}");
        Files.writeString(dir.resolve("ground_truth.json"), gt.toString());
        return dir;
    }

    @Test
    void jsonIsExactlyOneObjectWithTheIssuesKeys(@TempDir Path dir) throws IOException {
        Run r = run("eval", corpus(dir).toString(), "--json");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonNode o = new ObjectMapper().readTree(lines[0]);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
            keys.add(it.next());
        }
        // the keys eval always had, then what lineage in the wild added
        assertEquals(List.of("models", "true_families", "found_families", "adjusted_rand_index", "undirected_accuracy",
                "directed_accuracy", "root_accuracy", "seconds", "families", "edges", "expected_calibration_error",
                "reliability", "kinds"), keys);
        assertEquals(4, o.get("models").asInt());
        assertEquals(1, o.get("found_families").asInt());
        assertEquals(1.0, o.get("adjusted_rand_index").asDouble(), 0.0);
        assertEquals(1.0, o.get("directed_accuracy").asDouble(), 0.0);
        assertEquals(1.0, o.get("root_accuracy").asDouble(), 0.0);
        assertEquals("[[\"c0\",\"c1\",\"g0\",\"root\"]]", o.get("families").toString());
        List<String> edges = new ArrayList<>();
        List<Double> confidences = new ArrayList<>();
        for (JsonNode e : o.get("edges")) {
            edges.add(e.get(0).asText() + ">" + e.get(1).asText() + " " + e.get(3).asText());
            confidences.add(e.get(2).asDouble());
        }
        // every edge is right, so the calibration error is the mean shortfall of the confidences
        double shortfall = confidences.stream().mapToDouble(c -> 1 - c).sum() / confidences.size();
        assertEquals(shortfall, o.get("expected_calibration_error").asDouble(), 1e-3);
        assertEquals(10, o.get("reliability").size());
        assertEquals(List.of("root>c0 fine-tune", "root>c1 fine-tune", "c0>g0 fine-tune"), edges);
        assertTrue(r.err().contains("[4/4]"), "progress on stderr: " + r.err());
    }

    @Test
    void tableAndPaperRecipe(@TempDir Path dir) throws IOException {
        Run r = run("eval", corpus(dir).toString(), "--recipe", "paper", "--quiet");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("adjusted Rand index    1.000"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void severalCorporaAreScoredOneByOneAndTogether(@TempDir Path dir) throws IOException {
        Path first = corpus(Files.createDirectories(dir.resolve("seed-1")));
        Path second = corpus(Files.createDirectories(dir.resolve("seed-2")));
        Run r = run("eval", first.toString(), second.toString(), "--json", "--quiet");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("models", "true_families", "found_families", "adjusted_rand_index", "undirected_accuracy",
                "directed_accuracy", "root_accuracy", "seconds", "families", "edges", "expected_calibration_error",
                "reliability", "kinds", "corpora"), keys);
        assertEquals(8, o.get("models").asInt());
        assertEquals(2, o.get("true_families").asInt());
        assertEquals(2, o.get("found_families").asInt());
        assertEquals(1.0, o.get("adjusted_rand_index").asDouble(), 0.0);
        assertEquals(1.0, o.get("directed_accuracy").asDouble(), 0.0);
        assertEquals("[[\"1/c0\",\"1/c1\",\"1/g0\",\"1/root\"],[\"2/c0\",\"2/c1\",\"2/g0\",\"2/root\"]]",
                o.get("families").toString());
        assertEquals(6, o.get("edges").size());
        assertEquals(2, o.get("corpora").size());
        JsonNode own = o.get("corpora").get(1);
        assertEquals(second.toString(), own.get("corpus").asText());
        assertEquals(4, own.get("models").asInt());
        assertEquals("[[\"c0\",\"c1\",\"g0\",\"root\"]]", own.get("families").toString());
        // the same corpus twice: the edges' confidences are the same, so is the calibration error
        assertEquals(own.get("expected_calibration_error").asDouble(), o.get("expected_calibration_error").asDouble(), 1e-4);

        Run table = run("eval", first.toString(), second.toString(), "--quiet");
        assertEquals(0, table.status(), table.err());
        assertTrue(table.out().contains(first + " "), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.matches("together +8 +1\\.000 +1\\.000 +1\\.000 +1\\.000 .*")),
                table.out());
        assertTrue(table.out().contains("reliability (confidence bin"), table.out());

        Run missing = run("eval", first.toString(), dir.resolve("nowhere").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("nowhere: no ground_truth.json"), missing.err());
        assertEquals("", missing.out());
    }

    @Test
    void missingGroundTruthIsBadInput(@TempDir Path dir) {
        Run r = run("eval", dir.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no ground_truth.json"), r.err());
        assertEquals(2, run("eval").status());
    }
}
