package org.modelheritage.read.io;

import java.nio.ByteBuffer;
import org.modelheritage.read.DType;
import org.modelheritage.simd.Kernels;

/**
 * Decodes raw tensor elements to float, in bulk. The source buffer's byte order must already be
 * the data's. Bulk paths copy through typed views (one memory copy for F32) and then convert in
 * tight loops over primitive arrays, which the JIT compiles well.
 */
final class ElementDecoder {
    /** BF16 and F16 widening: on the Vector API when the JVM has it, else scalar; exact either way. */
    private static final Kernels KERNELS = Kernels.get();
    private short[] shorts = new short[0];
    private int[] ints = new int[0];
    private byte[] bytes = new byte[0];

    /** Decodes {@code count} elements starting at byte {@code srcPos} of {@code src} into {@code dst[dstPos..]}. */
    void decode(DType dtype, ByteBuffer src, int srcPos, float[] dst, int dstPos, int count) {
        switch (dtype) {
            case F32 -> src.position(srcPos).asFloatBuffer().get(dst, dstPos, count);
            case BF16 -> KERNELS.decodeBf16(src, srcPos, dst, dstPos, count);
            case F16 -> KERNELS.decodeF16(src, srcPos, dst, dstPos, count);
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = (float) src.getDouble(srcPos + 8 * i);
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = (float) src.getLong(srcPos + 8 * i);
                }
            }
            case I32 -> {
                int[] v = ints(count);
                src.position(srcPos).asIntBuffer().get(v, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = (float) v[i];
                }
            }
            case I16 -> {
                short[] s = shorts(count);
                src.position(srcPos).asShortBuffer().get(s, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = s[i];
                }
            }
            case I8, U8, BOOL, F8_E4M3, F8_E5M2 -> {
                byte[] b = bytes(count);
                src.get(srcPos, b, 0, count);
                decodeBytes(dtype, b, dst, dstPos, count);
            }
        }
    }

    private static void decodeBytes(DType dtype, byte[] b, float[] dst, int dstPos, int count) {
        switch (dtype) {
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = b[i];
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = b[i] & 0xFF;
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = b[i] != 0 ? 1f : 0f;
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = FloatConversions.float8e4m3fnToFloat(b[i]);
                }
            }
            case F8_E5M2 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstPos + i] = FloatConversions.float8e5m2ToFloat(b[i]);
                }
            }
            default -> throw new AssertionError(dtype);
        }
    }

    /** One element at byte {@code pos} of {@code src}. */
    static float decodeOne(DType dtype, ByteBuffer src, int pos) {
        return switch (dtype) {
            case F64 -> (float) src.getDouble(pos);
            case F32 -> src.getFloat(pos);
            case F16 -> FloatConversions.halfToFloat(src.getShort(pos));
            case BF16 -> Float.intBitsToFloat(src.getShort(pos) << 16);
            case I64 -> (float) src.getLong(pos);
            case I32 -> (float) src.getInt(pos);
            case I16 -> src.getShort(pos);
            case I8 -> src.get(pos);
            case U8 -> src.get(pos) & 0xFF;
            case BOOL -> src.get(pos) != 0 ? 1f : 0f;
            case F8_E4M3 -> FloatConversions.float8e4m3fnToFloat(src.get(pos));
            case F8_E5M2 -> FloatConversions.float8e5m2ToFloat(src.get(pos));
        };
    }

    private short[] shorts(int n) {
        if (shorts.length < n) {
            shorts = new short[n];
        }
        return shorts;
    }

    private int[] ints(int n) {
        if (ints.length < n) {
            ints = new int[n];
        }
        return ints;
    }

    private byte[] bytes(int n) {
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        return bytes;
    }
}
