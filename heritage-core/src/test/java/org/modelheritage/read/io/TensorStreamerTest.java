package org.modelheritage.read.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.DType;

/**
 * Views of every kind (contiguous, sliced, transposed, permuted, expanded) stream the same
 * values, in row-major order, as a naive element-by-element reference, with buffers small
 * enough that every path crosses many chunk and window boundaries.
 */
class TensorStreamerTest {
    @TempDir
    Path dir;

    /** Storage of {@code n} F32 values i * 0.5 - 7 at byte 13 of a file, so reads are unaligned. */
    private FileChannel storage(int n, DType dtype, ByteOrder order) throws IOException {
        Path file = dir.resolve("storage-" + dtype + "-" + order);
        ByteBuffer b = ByteBuffer.allocate(13 + n * dtype.byteSize()).order(order);
        b.position(13);
        for (int i = 0; i < n; i++) {
            float v = value(i);
            switch (dtype) {
                case F32 -> b.putFloat(v);
                case BF16 -> b.putShort(FloatConversions.floatToBfloat16Bits(v));
                case F16 -> b.putShort(FloatConversions.floatToHalfBits(v));
                case F64 -> b.putDouble(v);
                case I32 -> b.putInt(i - 100);
                case U8 -> b.put((byte) i);
                default -> throw new IllegalArgumentException();
            }
        }
        Files.write(file, b.array());
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private static float value(int i) {
        return i * 0.5f - 7f;
    }

    private static float expectedAt(DType dtype, int element) {
        float v = value(element);
        return switch (dtype) {
            case F32, F64 -> v;
            case BF16 -> FloatConversions.bfloat16ToFloat(FloatConversions.floatToBfloat16Bits(v));
            case F16 -> FloatConversions.halfToFloat(FloatConversions.floatToHalfBits(v));
            case I32 -> element - 100;
            case U8 -> element & 0xFF;
            default -> throw new IllegalArgumentException();
        };
    }

    private static float[] reference(DType dtype, long[] shape, long[] stride, long offset) {
        long count = TensorLayout.elementCount(shape).orElseThrow();
        float[] out = new float[(int) count];
        long[] index = new long[shape.length];
        for (int i = 0; i < count; i++) {
            long e = offset;
            for (int d = 0; d < shape.length; d++) {
                e += index[d] * stride[d];
            }
            out[i] = expectedAt(dtype, (int) e);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }

    private static float[] stream(TensorStreamer streamer, TensorLayout layout) throws IOException {
        float[] out = new float[(int) layout.elementCount()];
        int[] pos = {0};
        streamer.read(layout, (values, length) -> {
            assertTrue(length > 0, "no empty chunks");
            System.arraycopy(values, 0, out, pos[0], length);
            pos[0] += length;
        });
        assertEquals(out.length, pos[0]);
        return out;
    }

    private void check(DType dtype, ByteOrder order, int storageElements, long[] shape, long[] stride, long offset,
            TensorStreamer streamer) throws IOException {
        Optional<String> problem = TensorLayout.checkView(shape, stride, offset, storageElements);
        assertTrue(problem.isEmpty(), problem.orElse(""));
        try (FileChannel ch = storage(storageElements, dtype, order)) {
            TensorLayout layout = TensorLayout.view(dir, ch, 13, (long) storageElements * dtype.byteSize(), dtype, order,
                    shape, stride, offset);
            float[] expected = reference(dtype, shape, stride, offset);
            float[] actual = stream(streamer, layout);
            for (int i = 0; i < expected.length; i++) {
                if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                    throw new AssertionError(dtype + " " + Arrays.toString(shape) + " stride " + Arrays.toString(stride)
                            + " offset " + offset + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
                }
            }
        }
    }

    @Test
    void contiguousTensorsCrossChunkBoundaries() throws IOException {
        TensorStreamer small = new TensorStreamer(64, 7);
        for (DType dtype : new DType[] {DType.F32, DType.BF16, DType.F16, DType.F64, DType.I32, DType.U8}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                check(dtype, order, 200, new long[] {10, 19}, new long[] {19, 1}, 5, small);
                check(dtype, order, 200, new long[] {}, new long[] {}, 17, small);
            }
        }
    }

    @Test
    void transposedAndPermutedViewsComeOutRowMajor() throws IOException {
        TensorStreamer small = new TensorStreamer(256, 50);
        check(DType.F32, ByteOrder.LITTLE_ENDIAN, 600, new long[] {30, 20}, new long[] {1, 30}, 0, small);
        check(DType.BF16, ByteOrder.BIG_ENDIAN, 600, new long[] {30, 20}, new long[] {1, 30}, 0, small);
        check(DType.F32, ByteOrder.LITTLE_ENDIAN, 120, new long[] {5, 4, 6}, new long[] {1, 30, 5}, 0, small);
        // an expanded (stride 0) view, and a size-1 dimension with an odd stride
        check(DType.F32, ByteOrder.LITTLE_ENDIAN, 10, new long[] {7, 1, 3}, new long[] {0, 99, 2}, 4, small);
    }

    @Test
    void longRunsAreReadRunByRun() throws IOException {
        // rows of 1500 (>= MIN_RUN_ELEMENTS) out of rows of 2000: the run path, with chunks cutting runs
        TensorStreamer small = new TensorStreamer(1024, 700);
        check(DType.F32, ByteOrder.LITTLE_ENDIAN, 8000, new long[] {3, 1500}, new long[] {2000, 1}, 300, small);
        check(DType.F16, ByteOrder.LITTLE_ENDIAN, 8000, new long[] {2, 2, 1500}, new long[] {4000, 2000, 1}, 7, small);
    }

    @Test
    void randomViewsMatchTheReference() throws IOException {
        Random random = new Random(20240613);
        TensorStreamer[] streamers = {new TensorStreamer(64, 5), new TensorStreamer(4096, 333),
            new TensorStreamer(TensorStreamer.DEFAULT_BUFFER_BYTES, TensorStreamer.DEFAULT_CHUNK_ELEMENTS)};
        for (int trial = 0; trial < 300; trial++) {
            int rank = random.nextInt(5);
            long[] shape = new long[rank];
            long[] stride = new long[rank];
            long maxReach = 0;
            for (int d = 0; d < rank; d++) {
                shape[d] = random.nextInt(7);
                stride[d] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(40);
                maxReach += Math.max(0, shape[d] - 1) * stride[d];
            }
            long offset = random.nextInt(30);
            int storageElements = (int) (offset + maxReach + 1 + random.nextInt(5));
            DType dtype = random.nextBoolean() ? DType.F32 : DType.BF16;
            ByteOrder order = random.nextInt(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            check(dtype, order, storageElements, shape, stride, offset, streamers[trial % streamers.length]);
        }
    }

    @Test
    void viewsOutsideTheirStorageAreRejected() {
        assertTrue(TensorLayout.checkView(new long[] {4, 4}, new long[] {4, 1}, 1, 16).orElse("").contains("reaches element 16"));
        assertTrue(TensorLayout.checkView(new long[] {4}, new long[] {-1}, 3, 16).orElse("").contains("negative stride"));
        assertTrue(TensorLayout.checkView(new long[] {4}, new long[] {1, 1}, 0, 16).orElse("").contains("differ"));
        assertTrue(TensorLayout.checkView(new long[] {1L << 40, 1L << 40}, new long[] {1, 1}, 0, 16).isPresent());
        assertTrue(TensorLayout.checkView(new long[] {2, Long.MAX_VALUE / 2}, new long[] {Long.MAX_VALUE / 2, 2}, 0, 16)
                .isPresent());
        assertTrue(TensorLayout.checkView(new long[] {0, 5}, new long[] {5, 1}, 100, 16).isEmpty(), "empty views fit");
    }
}
