package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.testing.Fixtures;
import org.modelheritage.testing.SharedCorpus;
import picocli.CommandLine;

/** Runs {@code heritage-server inspect} in-process, as the jar does, and checks its output and exit status. */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int status, String out, String err) {
        List<JsonNode> json() throws IOException {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
            return nodes;
        }
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

    @Test
    void jsonDescribesEachPathOnOneLine() throws IOException {
        Run r = run("inspect", "--json", Fixtures.path("f32.safetensors").toString(), Fixtures.path("sharded").toString(),
                Fixtures.path("checkpoint.pth").toString(), Fixtures.path("legacy-f16.pt").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        List<JsonNode> nodes = r.json();
        assertEquals(4, nodes.size());
        JsonNode f32 = nodes.get(0);
        assertEquals(Fixtures.path("f32.safetensors").toString(), f32.get("path").asText());
        assertEquals("safetensors", f32.get("format").asText());
        assertEquals("[\"F32\"]", f32.get("dtypes").toString());
        assertEquals(5, f32.get("tensor_count").asInt());
        assertEquals(236, f32.get("parameter_count").asLong());
        JsonNode first = f32.get("tensors").get(0);
        assertEquals("embed.weight", first.get("name").asText());
        assertEquals("F32", first.get("dtype").asText());
        assertEquals("[16,8]", first.get("shape").toString());
        assertEquals("sharded-safetensors", nodes.get(1).get("format").asText());
        assertEquals("[\"F32\",\"BF16\"]", nodes.get(1).get("dtypes").toString());
        assertEquals("pytorch-zip", nodes.get(2).get("format").asText());
        assertEquals(6, nodes.get(2).get("tensor_count").asInt(), "the checkpoint's state dict, not its optimizer");
        assertEquals("pytorch-legacy", nodes.get(3).get("format").asText());
        assertEquals("[\"F16\"]", nodes.get(3).get("dtypes").toString());
        for (JsonNode n : nodes) {
            long sum = 0;
            for (JsonNode t : n.get("tensors")) {
                long count = 1;
                for (JsonNode d : t.get("shape")) {
                    count *= d.asLong();
                }
                sum += count;
            }
            assertEquals(sum, n.get("parameter_count").asLong(), n.get("path").asText());
            assertEquals(n.get("tensors").size(), n.get("tensor_count").asInt());
        }
    }

    @Test
    void tableListsFormatCountsAndEveryTensor() {
        Run r = run("inspect", Fixtures.path("shared.pt").toString());
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.contains("format      pytorch-zip"), out);
        assertTrue(out.contains("dtypes      F32"), out);
        assertTrue(out.contains("tensors     11"), out);
        assertTrue(out.matches("(?s).*\\n  transposed +F32 +\\[6, 4\\]\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  element +F32 +\\[\\]\\n.*"), out);
    }

    @Test
    void unreadableFileExitsTwoWithOneLineSayingWhy() throws IOException {
        Run r = run("inspect", "--json", Fixtures.path("model.pt").toString(),
                Fixtures.path("malicious-os-system.pt").toString());
        assertEquals(2, r.status());
        assertEquals(1, r.json().size(), "the good file is still described");
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith(Fixtures.path("malicious-os-system.pt").toString()), lines[0]);
        assertTrue(lines[0].contains("entry ") && lines[0].contains("data.pkl, pickle byte 2 (opcode GLOBAL)"), lines[0]);
        assertTrue(lines[0].contains("refused pickle global os.system"), lines[0]);
    }

    @Test
    void truncatedAndMissingFiles(@TempDir Path dir) throws IOException {
        Path cut = dir.resolve("cut.safetensors");
        byte[] whole = Files.readAllBytes(Fixtures.path("f32.safetensors"));
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
        Run r = run("inspect", cut.toString());
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(cut + " at tensor head.bias: data_offsets"), r.err());
        assertEquals(1, r.err().strip().split("\n").length);
        Run missing = run("inspect", dir.resolve("nope.pt").toString());
        assertEquals(2, missing.status());
        assertEquals(dir.resolve("nope.pt") + ": no such file or directory", missing.err().strip());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run().status());
        assertEquals(2, run("inspect").status());
        assertEquals(2, run("frobnicate").status());
        assertEquals(0, run("--help").status());
    }

    @TestFactory
    Stream<DynamicTest> corpusFormatsAgreeWithGroundTruth() throws IOException {
        if (SharedCorpus.absentCorpus() != null) {
            return SharedCorpus.absentCorpus();
        }
        Path corpus = SharedCorpus.corpus();
        Map<String, String> formats = Map.of("safetensors", "safetensors", "sharded", "sharded-safetensors", "pt",
                "pytorch-zip", "bin", "pytorch-zip", "pth", "pytorch-zip", "legacy", "pytorch-legacy");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> subsets = Files.list(corpus)) {
            for (Path truth : subsets.map(d -> d.resolve("ground_truth.json")).filter(Files::isRegularFile).sorted().toList()) {
                JsonNode models = JSON.readTree(truth.toFile()).get("models");
                List<String> args = new ArrayList<>(List.of("inspect", "--json"));
                for (JsonNode m : models) {
                    args.add(truth.getParent().resolve(m.get("path").asText()).toString());
                }
                tests.add(DynamicTest.dynamicTest(truth.getParent().getFileName().toString(), () -> {
                    Run r = run(args.toArray(String[]::new));
                    assertEquals(0, r.status(), r.err());
                    List<JsonNode> nodes = r.json();
                    assertEquals(models.size(), nodes.size());
                    for (int i = 0; i < nodes.size(); i++) {
                        assertEquals(formats.get(models.get(i).get("format").asText()), nodes.get(i).get("format").asText(),
                                models.get(i).get("path").asText());
                        assertFalse(nodes.get(i).get("tensors").isEmpty());
                        assertTrue(nodes.get(i).get("parameter_count").asLong() > 0);
                    }
                }));
            }
        }
        return tests.stream();
    }
}
