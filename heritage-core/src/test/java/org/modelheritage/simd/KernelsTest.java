package org.modelheritage.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Vector API kernels give the scalar kernels' bits (the tests run with the incubator module resolved). */
class KernelsTest {
    private static Kernels vector;
    private static final Kernels SCALAR = Kernels.scalar();

    @BeforeAll
    static void vectorKernels() throws java.io.IOException {
        vector = Kernels.vector();
        if (vector == null) {
            // a CPU without 256-bit vectors legitimately runs scalar; one with AVX2 under CI must not
            java.nio.file.Path cpu = java.nio.file.Path.of("/proc/cpuinfo");
            boolean avx2 = java.nio.file.Files.isReadable(cpu) && java.nio.file.Files.readString(cpu).contains(" avx2");
            assertFalse(avx2 && "true".equals(System.getenv("CI")),
                    "the tests run with jdk.incubator.vector and the CPU has AVX2, yet no vector kernels loaded");
            assumeTrue(false, "no Vector API kernels on this JVM/CPU: scalar only");
        }
        assertEquals(vector, Kernels.get(), "the vector kernels are the default when available");
        assertTrue(vector.name().startsWith("vector-"));
    }

    /** Both vector widths, whichever this CPU prefers: each must give the scalar bits. */
    private static Kernels[] widths() throws ReflectiveOperationException {
        Class<?> c = Class.forName("org.modelheritage.simd.vector.VectorKernels");
        java.lang.reflect.Method of = c.getMethod("ofWidth", int.class);
        return new Kernels[] {(Kernels) of.invoke(null, 256), (Kernels) of.invoke(null, 512)};
    }

    @Test
    void powerSumsAreBitForBitTheScalarOnes() throws ReflectiveOperationException {
        for (Kernels width : widths()) {
            assertSameBitsAsScalar(width);
        }
    }

    private static void assertSameBitsAsScalar(Kernels vector) {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int length = 1 + rng.nextInt(5000);
            int from = rng.nextInt(9);
            float[] v = new float[from + length + rng.nextInt(5)];
            double scale = Math.pow(10, rng.nextInt(-6, 4));
            double offset = trial % 3 == 0 ? 0 : rng.nextDouble(-5, 5) * scale;
            for (int i = 0; i < v.length; i++) {
                double g = rng.nextDouble() < 0.5 ? -Math.log(rng.nextDouble()) : Math.log(rng.nextDouble());
                v[i] = (float) (offset + scale * g);
            }
            double k = trial % 2 == 0 ? v[from] : offset;
            double[] s = new double[4];
            double[] w = new double[4];
            float[] sm = new float[2];
            float[] wm = new float[2];
            SCALAR.powerSums(v, from, from + length, k, s, sm);
            vector.powerSums(v, from, from + length, k, w, wm);
            for (int p = 0; p < 4; p++) {
                assertEquals(Double.doubleToRawLongBits(s[p]), Double.doubleToRawLongBits(w[p]),
                        vector.name() + ": power " + (p + 1) + " of " + length + " values from " + from);
            }
            assertEquals(sm[0], wm[0], 0f, "min");
            assertEquals(sm[1], wm[1], 0f, "max");
        }
    }

    @Test
    void powerSumsOfKnownValues() {
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        double[] out = new double[4];
        float[] mm = new float[2];
        vector.powerSums(v, 1, 11, 2.0, out, mm); // 2..11 about 2: 0..9
        assertArrayEquals(new double[] {45, 285, 2025, 15333}, out);
        assertArrayEquals(new float[] {2, 11}, mm);
    }

    @Test
    void nonFiniteValuesShowInTheSums() {
        float[] v = new float[40];
        v[17] = Float.NaN;
        double[] out = new double[4];
        float[] mm = new float[2];
        vector.powerSums(v, 0, v.length, 0, out, mm);
        assertEquals(Double.NaN, out[0]);
        v[17] = Float.NEGATIVE_INFINITY;
        vector.powerSums(v, 0, v.length, 0, out, mm);
        assertEquals(Float.NEGATIVE_INFINITY, mm[0]);
    }

    @Test
    void everyBfloat16AndHalfDecodesExactly() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer src = ByteBuffer.allocateDirect(2 * 65536 + 6).order(order);
            for (int h = 0; h < 65536; h++) {
                src.putShort(6 + 2 * h, (short) h);
            }
            float[] bf = new float[65536 + 3];
            float[] f16 = new float[65536 + 3];
            // odd start in the buffer, an offset in the array, a count that leaves a tail
            vector.decodeBf16(src, 6, bf, 3, 65535);
            vector.decodeF16(src, 6, f16, 3, 65535);
            src.putShort(0, (short) 0);
            for (int h = 0; h < 65535; h++) {
                assertEquals(h << 16, Float.floatToRawIntBits(bf[3 + h]), "bfloat16 " + Integer.toHexString(h));
                assertEquals(HalfFloat.toFloatBits(h), Float.floatToRawIntBits(f16[3 + h]),
                        "half " + Integer.toHexString(h) + " " + order);
            }
            float[] scalarBf = new float[65536 + 3];
            float[] scalarF16 = new float[65536 + 3];
            SCALAR.decodeBf16(src, 6, scalarBf, 3, 65535);
            SCALAR.decodeF16(src, 6, scalarF16, 3, 65535);
            for (int i = 0; i < bf.length; i++) {
                assertEquals(Float.floatToRawIntBits(scalarBf[i]), Float.floatToRawIntBits(bf[i]));
                assertEquals(Float.floatToRawIntBits(scalarF16[i]), Float.floatToRawIntBits(f16[i]));
            }
        }
    }

    @Test
    void halfConversionSpotValues() {
        assertEquals(1.0f, HalfFloat.toFloat(0x3C00));
        assertEquals(-2.0f, HalfFloat.toFloat(0xC000));
        assertEquals(65504f, HalfFloat.toFloat(0x7BFF));
        assertEquals(0x1p-24f, HalfFloat.toFloat(0x0001));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloat.toFloat(0x7C00));
        assertEquals(0x7FC00000 | (0x155 << 13), HalfFloat.toFloatBits(0x7D55)); // payload kept, made quiet
    }
}
