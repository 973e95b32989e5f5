package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.testing.PickleWriter;
import org.modelheritage.testing.PickleWriter.TensorSpec;
import org.modelheritage.testing.TorchZipWriter;

/** Header-heavy and view-heavy files are refused by the limits, small as the files are. */
class ReadLimitsTest {
    @TempDir
    Path dir;

    /** One real tensor and {@code empties} tensors of shape [0], as the heap-exhausting upload had. */
    private Path headerHeavy(String name, int empties, String metadata) throws IOException {
        StringBuilder h = new StringBuilder("{");
        if (metadata != null) {
            h.append("\"__metadata__\":{\"k\":\"").append(metadata).append("\"},");
        }
        for (int i = 0; i < empties; i++) {
            h.append("\"v_t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},");
        }
        h.append("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        return Rejects.safetensors(dir.resolve(name), h.toString(), new byte[4]);
    }

    private static WeightFormatException refused(Path p, ReadLimits limits, String fragment) {
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> WeightReaders.open(p, limits).close());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        return e;
    }

    @Test
    void tooManyTensorsAreRefusedBeforeTheyAreAllParsed() throws IOException {
        Path p = headerHeavy("many.safetensors", 10, null);
        try (WeightFile ok = WeightReaders.open(p, ReadLimits.defaults().withMaxTensors(11))) {
            assertEquals(11, ok.tensors().size());
        }
        refused(p, ReadLimits.defaults().withMaxTensors(10), "more than 10 tensors");
    }

    @Test
    void largeMetadataAndHeadersAreRefused() throws IOException {
        Path p = headerHeavy("meta.safetensors", 0, "x".repeat(2000));
        WeightReaders.open(p, ReadLimits.defaults()).close();
        refused(p, ReadLimits.defaults().withMaxMetadataBytes(1000), "__metadata__ is larger than the limit of 1000");
        refused(p, ReadLimits.defaults().withMaxHeaderBytes(1000), "above the limit of 1000 bytes");
    }

    @Test
    void shardedCheckpointsCountTensorsAcrossShards() throws IOException {
        Path sharded = Files.createDirectories(dir.resolve("sharded"));
        Rejects.safetensors(sharded.resolve("model-00001-of-00001.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        Files.writeString(sharded.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"a\":\"model-00001-of-00001.safetensors\",\"b\":\"model-00001-of-00001.safetensors\"}}");
        try (WeightFile ok = WeightReaders.open(sharded, ReadLimits.defaults().withMaxTensors(2))) {
            assertEquals(2, ok.tensors().size());
        }
        refused(sharded, ReadLimits.defaults().withMaxTensors(1), "more than the limit of 1");
    }

    @Test
    void manyViewsOfOneStorageAreRefusedTiedWeightsAreNot() throws IOException {
        int n = 1 << 20; // a 4 MiB storage
        TensorSpec[] views = new TensorSpec[70];
        for (int i = 0; i < views.length; i++) {
            views[i] = new TensorSpec("l" + i + ".weight", "FloatStorage", "0", n, 0, new long[] {1024, 1024}, new long[] {1024, 1});
        }
        Path amp = dir.resolve("amp.pt");
        try (TorchZipWriter w = new TorchZipWriter(amp)) {
            w.add("archive/data.pkl", PickleWriter.stateDict(views));
            w.add("archive/data/0", new byte[4 * n]);
        }
        refused(amp, ReadLimits.defaults(), "views of one storage are each read again");

        Path tied = dir.resolve("tied.pt");
        try (TorchZipWriter w = new TorchZipWriter(tied)) {
            w.add("archive/data.pkl", PickleWriter.stateDict(views[0], views[1]));
            w.add("archive/data/0", new byte[4 * n]);
        }
        try (WeightFile ok = WeightReaders.open(tied, ReadLimits.defaults())) {
            assertEquals(2, ok.tensors().size());
        }
    }

    @Test
    void limitsThemselvesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ReadLimits.defaults().withMaxTensors(0));
        assertThrows(IllegalArgumentException.class, () -> ReadLimits.defaults().withMaxHeaderBytes(200_000_000L));
        assertThrows(IllegalArgumentException.class, () -> ReadLimits.defaults().withMaxReadFactor(0));
    }
}
