package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.testing.SharedCorpus;

/** One model of each format of ../shared/corpus uploaded over HTTP; skips without the corpus (fails under CI=true). */
class CorpusUploadTest {
    /** ground_truth.json's format names and the format id the API reports for them. */
    static final Map<String, String> FORMATS = Map.of(
            "safetensors", "safetensors", "sharded", "sharded-safetensors", "pt", "pytorch-zip",
            "bin", "pytorch-zip", "pth", "pytorch-zip", "legacy", "pytorch-legacy");

    @Test
    void everyFormatUploadsAndIsProcessed(@TempDir Path dir) throws Exception {
        Path subset = SharedCorpus.subset("vit-ft");
        JsonNode truth = TestServer.JSON.readTree(subset.resolve("ground_truth.json").toFile());
        Map<String, JsonNode> onePerFormat = new LinkedHashMap<>();
        for (JsonNode m : truth.get("models")) {
            onePerFormat.putIfAbsent(m.get("format").asText(), m);
        }
        assertEquals(FORMATS.keySet(), onePerFormat.keySet(), "the corpus has every format");
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            for (JsonNode m : onePerFormat.values()) {
                Path path = subset.resolve(m.get("path").asText());
                Multipart form = new Multipart().field("name", m.get("name").asText());
                if (Files.isDirectory(path)) {
                    form.directory(path);
                } else {
                    form.file(path);
                }
                TestServer.Reply r = s.upload(form);
                assertEquals(201, r.status(), m + " -> " + r.body());
                String format = FORMATS.get(m.get("format").asText());
                assertEquals(format, r.json().get("format").asText(), m.toString());
                JsonNode done = s.awaitFinal(r.json().get("id").asText(), Duration.ofSeconds(60));
                assertEquals("ready", done.get("status").asText(), done.toString());
                try (WeightFile f = WeightReaders.open(path)) {
                    assertEquals(f.parameterCount(), done.get("parameter_count").asLong(), m.toString());
                }
            }
            assertEquals(onePerFormat.size(), s.get("/api/stats").json().get("by_status").get("ready").asInt());
        }
    }
}
