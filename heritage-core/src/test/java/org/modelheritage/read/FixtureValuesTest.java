package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.modelheritage.testing.Fixtures;

/**
 * Every fixture made by real PyTorch (make_fixtures.py) reads back exactly: format, tensor
 * names in order, dtypes, shapes, and every value bit for bit as PyTorch's {@code .float()}.
 */
class FixtureValuesTest {
    private static final JsonNode EXPECTED = load();

    private static JsonNode load() {
        try {
            return new ObjectMapper().readTree(Fixtures.path("expected.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureReadsExactly() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode fixture : EXPECTED.get("fixtures")) {
            String file = fixture.get("file").asText();
            tests.add(DynamicTest.dynamicTest(file, () -> check(fixture)));
        }
        return tests.stream();
    }

    private static void check(JsonNode fixture) throws IOException {
        Path path = Fixtures.path(fixture.get("file").asText());
        try (WeightFile wf = WeightReaders.open(path)) {
            assertEquals(fixture.get("format").asText(), wf.format().id(), "format");
            assertEquals(WeightReaders.detect(path), wf.format());
            JsonNode tensors = fixture.get("tensors");
            List<String> names = new ArrayList<>();
            tensors.forEach(t -> names.add(t.get("name").asText()));
            assertEquals(names, wf.tensors().stream().map(TensorInfo::name).toList(), "tensor names in file order");
            long parameters = 0;
            for (JsonNode t : tensors) {
                String name = t.get("name").asText();
                TensorInfo info = wf.tensor(name).orElseThrow();
                assertEquals(t.get("dtype").asText(), info.dtype().name(), name + " dtype");
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                }
                assertArrayEquals(shape, info.shape(), name + " shape");
                JsonNode bits = t.get("bits");
                assertEquals(bits.size(), info.elementCount(), name + " element count");
                float[] values = wf.readFloats(name);
                for (int i = 0; i < values.length; i++) {
                    int expected = bits.get(i).asInt();
                    int actual = Float.floatToRawIntBits(values[i]);
                    if (expected != actual) {
                        throw new AssertionError(String.format("%s[%d]: expected bits %08x (%s) but got %08x (%s)", name,
                                i, expected, Float.intBitsToFloat(expected), actual, values[i]));
                    }
                }
                parameters += info.elementCount();
            }
            assertEquals(parameters, wf.parameterCount());
        }
    }

    @TestFactory
    Stream<DynamicTest> maliciousFixturesAreRefusedNamingTheGlobal() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode refused : EXPECTED.get("refused")) {
            String file = refused.get("file").asText();
            String global = refused.get("global").asText();
            tests.add(DynamicTest.dynamicTest(file, () -> {
                WeightFormatException e = assertThrows(WeightFormatException.class,
                        () -> WeightReaders.open(Fixtures.path(file)).close());
                assertTrue(e.getMessage().contains("refused pickle global " + global), e.getMessage());
                assertTrue(e.location().contains("GLOBAL"), e.location());
                assertEquals(Fixtures.path(file), e.file());
            }));
        }
        return tests.stream();
    }

    @Test
    void sampleFileHasMetadataAndTheModelsTensors() throws IOException {
        try (WeightFile wf = WeightReaders.open(Fixtures.path("f32.safetensors"))) {
            assertEquals(WeightFormat.SAFETENSORS, wf.format());
            assertEquals("pt", wf.metadata().get("format"));
            assertEquals(5, wf.tensors().size());
            assertEquals(16 * 8 + 8 * 8 + 8 + 4 * 8 + 4, wf.parameterCount());
            assertTrue(wf.tensor("layers.0.weight").orElseThrow().isSquareMatrix());
        }
    }

    @Test
    void shardedCheckpointTakesMetadataFromItsShards() throws IOException {
        try (WeightFile wf = WeightReaders.open(Fixtures.path("sharded"))) {
            assertEquals(WeightFormat.SHARDED_SAFETENSORS, wf.format());
            assertEquals("pt", wf.metadata().get("format"));
            assertEquals(Fixtures.path("sharded"), wf.path());
        }
    }

    @Test
    void unknownTensorNameIsAnIllegalArgument() throws IOException {
        try (WeightFile wf = WeightReaders.open(Fixtures.path("model.pt"))) {
            assertThrows(IllegalArgumentException.class, () -> wf.read("no.such.tensor", (v, n) -> { }));
        }
    }
}
