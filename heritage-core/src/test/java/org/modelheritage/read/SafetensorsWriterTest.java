package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.io.FloatConversions;
import org.modelheritage.testing.Fixtures;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryWritableDtype() throws IOException {
        Random random = new Random(3);
        float[] values = new float[3000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 100;
        }
        values[0] = Float.NaN;
        values[1] = Float.NEGATIVE_INFINITY;
        values[2] = -0.0f;
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, List.of(
                new SafetensorsWriter.Tensor("f32", DType.F32, new long[] {3000}, values),
                new SafetensorsWriter.Tensor("f16", DType.F16, new long[] {30, 100}, values),
                new SafetensorsWriter.Tensor("bf16", DType.BF16, new long[] {3, 1000}, values),
                new SafetensorsWriter.Tensor("f64", DType.F64, new long[] {3000}, values),
                new SafetensorsWriter.Tensor("i32", DType.I32, new long[] {3000}, values),
                new SafetensorsWriter.Tensor("empty", DType.F32, new long[] {0, 4}, new float[0]),
                new SafetensorsWriter.Tensor("scalar", DType.BOOL, new long[] {}, new float[] {2f})),
                Map.of("made_by", "SafetensorsWriterTest"));
        assertEquals(0, headerLength(file) % 8, "header padded to 8 bytes, as the safetensors crate does");
        try (WeightFile wf = WeightReaders.open(file)) {
            assertEquals("SafetensorsWriterTest", wf.metadata().get("made_by"));
            assertEquals(List.of("f32", "f16", "bf16", "f64", "i32", "empty", "scalar"),
                    wf.tensors().stream().map(TensorInfo::name).toList());
            float[] f32 = wf.readFloats("f32");
            float[] f16 = wf.readFloats("f16");
            float[] bf16 = wf.readFloats("bf16");
            float[] i32 = wf.readFloats("i32");
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(f32[i]));
                assertEquals(FloatConversions.halfToFloat(FloatConversions.floatToHalfBits(values[i])), f16[i], 0f);
                assertEquals(FloatConversions.bfloat16ToFloat(FloatConversions.floatToBfloat16Bits(values[i])), bf16[i], 0f);
                assertEquals((float) (int) values[i], i32[i], 0f);
            }
            assertArrayEquals(f32, wf.readFloats("f64"));
            assertArrayEquals(new float[] {1f}, wf.readFloats("scalar"));
        }
    }

    private static long headerLength(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void writesTheSameBytesPyTorchsFixtureHolds() throws IOException {
        Path copy = dir.resolve("copy.safetensors");
        try (WeightFile original = WeightReaders.open(Fixtures.path("bf16.safetensors"))) {
            try (SafetensorsWriter w = SafetensorsWriter.create(copy, original.tensors(), original.metadata())) {
                for (TensorInfo t : original.tensors()) {
                    w.write(original.readFloats(t.name()));
                }
            }
            try (WeightFile again = WeightReaders.open(copy)) {
                for (TensorInfo t : original.tensors()) {
                    assertArrayEquals(original.readFloats(t.name()), again.readFloats(t.name()), t.name());
                }
            }
        }
    }

    @Test
    void rawBytesForFloat8AndStreamingAcrossTensors() throws IOException {
        Path file = dir.resolve("f8.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(file, List.of(
                new TensorInfo("a", DType.F32, new long[] {2}), new TensorInfo("b", DType.F32, new long[] {3}),
                new TensorInfo("e4", DType.F8_E4M3, new long[] {4})), Map.of())) {
            w.write(new float[] {1, 2, 3}); // spans a and b
            w.write(new float[] {4, 5}, 0, 2);
            w.writeRaw(ByteBuffer.wrap(new byte[] {0x38, (byte) 0xB8, 0x7F, 0x01}));
        }
        try (WeightFile wf = WeightReaders.open(file)) {
            assertArrayEquals(new float[] {1, 2}, wf.readFloats("a"));
            assertArrayEquals(new float[] {3, 4, 5}, wf.readFloats("b"));
            float[] e4 = wf.readFloats("e4");
            assertEquals(1f, e4[0]);
            assertEquals(-1f, e4[1]);
            assertEquals(0x7FF00000, Float.floatToRawIntBits(e4[2]));
            assertEquals(0.001953125f, e4[3]);
        }
    }

    @Test
    void misuseIsReported() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        SafetensorsWriter w = SafetensorsWriter.create(file, List.of(new TensorInfo("a", DType.F32, new long[] {4})),
                Map.of());
        w.write(new float[] {1, 2});
        assertThrows(IllegalStateException.class, w::close, "incomplete file");
        SafetensorsWriter full = SafetensorsWriter.create(file, List.of(new TensorInfo("a", DType.F32, new long[] {1})),
                Map.of());
        assertThrows(IllegalStateException.class, () -> full.write(new float[] {1, 2}), "too many values");
        full.close();
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.create(file,
                List.of(new TensorInfo("a", DType.F32, new long[] {1}), new TensorInfo("a", DType.F32, new long[] {1})),
                Map.of()));
    }
}
