package org.modelheritage.simd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The kernels in plain Java: four independent lanes, which the JIT keeps in registers. */
final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    /**
     * Its size keeps the JIT from inlining it into the caller (hot methods above 325 bytecodes are
     * not inlined), which measurably compiles the loop worse there.
     */
    @Override
    public void powerSums(float[] v, int from, int to, double k, double[] out, float[] minMax) {
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double a4 = 0;
        double b1 = 0;
        double b2 = 0;
        double b3 = 0;
        double b4 = 0;
        double c1 = 0;
        double c2 = 0;
        double c3 = 0;
        double c4 = 0;
        double d1 = 0;
        double d2 = 0;
        double d3 = 0;
        double d4 = 0;
        // four lanes of minima and maxima, seeded with the first value (a NaN there stays, as in a
        // scan in order; a NaN later never replaces a number)
        float lo0 = v[from];
        float lo1 = lo0;
        float lo2 = lo0;
        float lo3 = lo0;
        float hi0 = lo0;
        float hi1 = lo0;
        float hi2 = lo0;
        float hi3 = lo0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            float fw = v[i];
            float fx = v[i + 1];
            float fy = v[i + 2];
            float fz = v[i + 3];
            lo0 = fw < lo0 ? fw : lo0;
            lo1 = fx < lo1 ? fx : lo1;
            lo2 = fy < lo2 ? fy : lo2;
            lo3 = fz < lo3 ? fz : lo3;
            hi0 = fw > hi0 ? fw : hi0;
            hi1 = fx > hi1 ? fx : hi1;
            hi2 = fy > hi2 ? fy : hi2;
            hi3 = fz > hi3 ? fz : hi3;
            double w = fw - k;
            double x = fx - k;
            double y = fy - k;
            double z = fz - k;
            double ww = w * w;
            double xx = x * x;
            double yy = y * y;
            double zz = z * z;
            a1 += w;
            b1 += x;
            c1 += y;
            d1 += z;
            a2 += ww;
            b2 += xx;
            c2 += yy;
            d2 += zz;
            a3 += ww * w;
            b3 += xx * x;
            c3 += yy * y;
            d3 += zz * z;
            a4 += ww * ww;
            b4 += xx * xx;
            c4 += yy * yy;
            d4 += zz * zz;
        }
        for (; i < to; i++) {
            float f = v[i];
            lo0 = f < lo0 ? f : lo0;
            hi0 = f > hi0 ? f : hi0;
            double w = f - k;
            double ww = w * w;
            a1 += w;
            a2 += ww;
            a3 += ww * w;
            a4 += ww * ww;
        }
        out[0] = (a1 + b1) + (c1 + d1);
        out[1] = (a2 + b2) + (c2 + d2);
        out[2] = (a3 + b3) + (c3 + d3);
        out[3] = (a4 + b4) + (c4 + d4);
        float lo = lo1 < lo0 ? lo1 : lo0;
        lo = lo2 < lo ? lo2 : lo;
        lo = lo3 < lo ? lo3 : lo;
        float hi = hi1 > hi0 ? hi1 : hi0;
        hi = hi2 > hi ? hi2 : hi;
        hi = hi3 > hi ? hi3 : hi;
        // a nonzero extreme has one bit pattern; a zero one could be +0 or -0, and the scan in order
        // keeps the first zero it meets: rescan for those bits (rare: a slice whose extreme is 0)
        minMax[0] = lo == 0.0f ? min(v, from, to) : lo;
        minMax[1] = hi == 0.0f ? max(v, from, to) : hi;
    }

    /** Minimum, skipping NaN (comparisons with NaN are false; the power sums reveal it). */
    private static float min(float[] v, int from, int to) {
        float m = v[from];
        for (int i = from + 1; i < to; i++) {
            float x = v[i];
            m = x < m ? x : m;
        }
        return m;
    }

    private static float max(float[] v, int from, int to) {
        float m = v[from];
        for (int i = from + 1; i < to; i++) {
            float x = v[i];
            m = x > m ? x : m;
        }
        return m;
    }

    /*
     * BF16 and F16 read two elements per 4-byte load straight from the (direct) buffer: measured
     * faster than a bulk copy to short[] and a loop over it, since neither loop vectorizes.
     */
    @Override
    public void decodeBf16(ByteBuffer src, int srcPos, float[] dst, int dstPos, int count) {
        int pairs = count >>> 1;
        if (src.order() == ByteOrder.LITTLE_ENDIAN) {
            for (int i = 0; i < pairs; i++) {
                int v = src.getInt(srcPos + 4 * i);
                dst[dstPos + 2 * i] = Float.intBitsToFloat(v << 16);
                dst[dstPos + 2 * i + 1] = Float.intBitsToFloat(v & 0xFFFF0000);
            }
        } else {
            for (int i = 0; i < pairs; i++) {
                int v = src.getInt(srcPos + 4 * i);
                dst[dstPos + 2 * i] = Float.intBitsToFloat(v & 0xFFFF0000);
                dst[dstPos + 2 * i + 1] = Float.intBitsToFloat(v << 16);
            }
        }
        if ((count & 1) != 0) {
            dst[dstPos + count - 1] = Float.intBitsToFloat(src.getShort(srcPos + 2 * (count - 1)) << 16);
        }
    }

    @Override
    public void decodeF16(ByteBuffer src, int srcPos, float[] dst, int dstPos, int count) {
        int pairs = count >>> 1;
        int first = src.order() == ByteOrder.LITTLE_ENDIAN ? 0 : 16;
        int second = 16 - first;
        for (int i = 0; i < pairs; i++) {
            int v = src.getInt(srcPos + 4 * i);
            dst[dstPos + 2 * i] = HalfFloat.toFloat((v >>> first));
            dst[dstPos + 2 * i + 1] = HalfFloat.toFloat((v >>> second));
        }
        if ((count & 1) != 0) {
            dst[dstPos + count - 1] = HalfFloat.toFloat(src.getShort(srcPos + 2 * (count - 1)));
        }
    }
}
