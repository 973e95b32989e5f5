package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.io.LayoutWeightFile;
import org.modelheritage.testing.PickleWriter;
import org.modelheritage.testing.PickleWriter.TensorSpec;
import org.modelheritage.testing.TorchZipWriter;

/**
 * Files and tensors beyond 2 GiB and 4 GiB, as sparse files (holes read as zeros, so they cost
 * no disk): long offsets everywhere, tensors of more than 2^31 elements streamed in bounded
 * memory, zip64 entries past 4 GiB.
 */
class LargeFileTest {
    @TempDir
    Path dir;

    @Test
    void safetensorsTensorOfMoreThanTwoBillionElementsAndOneBeyondIt() throws IOException {
        long padElements = 2_147_500_000L; // U8: just over 2^31 elements (and bytes)
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + padElements + "],\"data_offsets\":[0," + padElements
                + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + padElements + ","
                + (padElements + 16) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        long dataStart = 8 + h.length;
        long[] marked = {3, (1L << 31) + 5, padElements - 1};
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            raf.write(b.array());
            raf.write(h);
            raf.setLength(dataStart + padElements + 16);
            int value = 9;
            for (long at : marked) {
                raf.seek(dataStart + at);
                raf.write(value);
                value += 100;
            }
            raf.seek(dataStart + padElements);
            ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            tail.putFloat(1.5f).putFloat(-2.5f).putFloat(3.5f).putFloat(4.5f);
            raf.write(tail.array());
        }
        try (WeightFile wf = WeightReaders.open(file)) {
            assertArrayEquals(new float[] {1.5f, -2.5f, 3.5f, 4.5f}, wf.readFloats("tail"));
            assertEquals(padElements + 4, wf.parameterCount());
            TensorInfo pad = wf.tensor("pad").orElseThrow();
            assertEquals(padElements, pad.byteLength());
            assertThrows(IllegalArgumentException.class, () -> wf.readFloats("pad"), "too large for one array");
            long[] seen = {0};
            long[] nonZero = new long[3];
            int[] found = {0};
            wf.read("pad", (values, length) -> {
                for (int i = 0; i < length; i++) {
                    if (values[i] != 0) {
                        assertEquals(9 + 100 * found[0], values[i], 0f);
                        nonZero[found[0]++] = seen[0] + i;
                    }
                }
                seen[0] += length;
            });
            assertEquals(padElements, seen[0]);
            assertArrayEquals(marked, nonZero);
        }
    }

    @Test
    void torchZip64ArchiveWithAStoragePastFourGigabytes() throws IOException {
        long bigElements = 1_100_000_000L; // 4.4 GB of F32
        long bigBytes = bigElements * 4;
        Path file = dir.resolve("big.pt");
        byte[] pickle = PickleWriter.stateDict(
                new TensorSpec("end_of_big", "FloatStorage", "0", bigElements, bigElements - 3, new long[] {3},
                        new long[] {1}),
                TensorSpec.contiguous("small", "FloatStorage", "1", 2));
        try (TorchZipWriter w = new TorchZipWriter(file)) {
            w.add("archive/data.pkl", pickle);
            w.add("archive/data/0", bigBytes, ch -> {
                ch.position(ch.position() + bigBytes - 12);
                ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(7f).putFloat(8f)
                        .putFloat(9f).flip();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            });
            w.add("archive/data/1", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(-1f).putFloat(0.25f)
                    .array());
        }
        try (WeightFile wf = WeightReaders.open(file)) {
            assertEquals(WeightFormat.PYTORCH_ZIP, wf.format());
            assertArrayEquals(new float[] {7f, 8f, 9f}, wf.readFloats("end_of_big"));
            assertArrayEquals(new float[] {-1f, 0.25f}, wf.readFloats("small"));
            long position = ((LayoutWeightFile) wf).layout("small").orElseThrow().storagePosition();
            assertTrue(position > bigBytes, "the small storage lies past 4 GiB: " + position);
        }
    }
}
