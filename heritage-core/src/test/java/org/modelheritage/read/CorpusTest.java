package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.modelheritage.testing.SharedCorpus;

/**
 * Every model of the development corpus opens, every tensor reads, values are finite, and the
 * detected format agrees with ground_truth.json (skipped where ../shared is absent, failed then under CI=true).
 */
class CorpusTest {
    /** ground_truth.json's format names, to ours. */
    static final Map<String, WeightFormat> FORMATS = Map.of("safetensors", WeightFormat.SAFETENSORS, "sharded",
            WeightFormat.SHARDED_SAFETENSORS, "pt", WeightFormat.PYTORCH_ZIP, "bin", WeightFormat.PYTORCH_ZIP, "pth",
            WeightFormat.PYTORCH_ZIP, "legacy", WeightFormat.PYTORCH_LEGACY);
    static final Map<String, DType> DTYPES = Map.of("float32", DType.F32, "float16", DType.F16, "bfloat16", DType.BF16);

    @TestFactory
    Stream<DynamicTest> everyCorpusModelReads() throws IOException {
        if (SharedCorpus.absentCorpus() != null) {
            return SharedCorpus.absentCorpus();
        }
        Path corpus = SharedCorpus.corpus();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> subsets = Files.list(corpus)) {
            for (Path truth : subsets.map(d -> d.resolve("ground_truth.json")).filter(Files::isRegularFile).sorted().toList()) {
                for (JsonNode model : new ObjectMapper().readTree(truth.toFile()).get("models")) {
                    Path path = truth.getParent().resolve(model.get("path").asText());
                    String name = truth.getParent().getFileName() + "/" + model.get("path").asText();
                    tests.add(DynamicTest.dynamicTest(name, () -> check(path, model)));
                }
            }
        }
        assertFalse(tests.isEmpty(), "the corpus lists models");
        return tests.stream();
    }

    private static void check(Path path, JsonNode model) throws IOException {
        try (WeightFile wf = WeightReaders.open(path)) {
            assertEquals(FORMATS.get(model.get("format").asText()), wf.format());
            assertFalse(wf.tensors().isEmpty());
            DType dtype = DTYPES.get(model.get("dtype").asText());
            long squares = 0;
            for (TensorInfo t : wf.tensors()) {
                assertEquals(dtype, t.dtype(), t.name());
                double[] sumAbs = {0};
                long[] count = {0};
                wf.read(t.name(), (values, length) -> {
                    for (int i = 0; i < length; i++) {
                        assertTrue(Float.isFinite(values[i]), t.name() + " holds a non-finite value");
                        sumAbs[0] += Math.abs(values[i]);
                    }
                    count[0] += length;
                });
                assertEquals(t.elementCount(), count[0], t.name());
                if (t.isSquareMatrix()) {
                    squares++;
                    assertTrue(sumAbs[0] > 0, t.name() + " is all zeros");
                }
            }
            assertTrue(squares > 0, "trained models have square weight matrices");
        }
    }
}
