package org.modelheritage.simd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernels in plain Java. The power sums' sixteen lanes take four passes over the slice, each
 * with four lanes that the JIT keeps in registers (sixteen lanes of four powers in one loop would
 * not fit them).
 */
final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void powerSums(float[] v, int from, int to, double k, double[] out, float[] minMax) {
        // group q holds lanes 4q..4q+3: per power, (l4q + l4q+1) + (l4q+2 + l4q+3)
        double[] groups = new double[16];
        minMax[0] = v[from];
        minMax[1] = v[from];
        for (int q = 0; q < 4; q++) {
            laneGroup(v, from + 4 * q, to, k, groups, 4 * q, minMax);
        }
        for (int p = 0; p < 4; p++) {
            out[p] = (groups[p] + groups[4 + p]) + (groups[8 + p] + groups[12 + p]);
        }
        // a nonzero extreme has one bit pattern; a zero one could be +0 or -0, and the scan in order
        // keeps the first zero it meets: rescan for those bits (rare: a slice whose extreme is 0)
        if (minMax[0] == 0.0f) {
            minMax[0] = min(v, from, to);
        }
        if (minMax[1] == 0.0f) {
            minMax[1] = max(v, from, to);
        }
    }

    /**
     * Four lanes: elements {@code start + 16m + j}, j = 0..3, into lane j, in order. Its size keeps
     * the JIT from inlining it into the caller (hot methods above 325 bytecodes are not inlined),
     * which measurably compiles the loop worse there.
     *
     * @param groups receives the four lanes' combined sums of the powers 1..4 at {@code at..at+3}
     * @param minMax the running minimum and maximum, updated (a NaN there stays, as in a scan in
     *     order; a NaN later never replaces a number)
     */
    private static void laneGroup(float[] v, int start, int to, double k, double[] groups, int at, float[] minMax) {
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
        float lo0 = minMax[0];
        float lo1 = lo0;
        float lo2 = lo0;
        float lo3 = lo0;
        float hi0 = minMax[1];
        float hi1 = hi0;
        float hi2 = hi0;
        float hi3 = hi0;
        int i = start;
        for (; i + 3 < to; i += LANES) {
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
        // the slice's last, partial stride: up to three elements, each to its own lane
        if (i < to) {
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
        if (i + 1 < to) {
            float f = v[i + 1];
            lo1 = f < lo1 ? f : lo1;
            hi1 = f > hi1 ? f : hi1;
            double x = f - k;
            double xx = x * x;
            b1 += x;
            b2 += xx;
            b3 += xx * x;
            b4 += xx * xx;
        }
        if (i + 2 < to) {
            float f = v[i + 2];
            lo2 = f < lo2 ? f : lo2;
            hi2 = f > hi2 ? f : hi2;
            double y = f - k;
            double yy = y * y;
            c1 += y;
            c2 += yy;
            c3 += yy * y;
            c4 += yy * yy;
        }
        groups[at] = (a1 + b1) + (c1 + d1);
        groups[at + 1] = (a2 + b2) + (c2 + d2);
        groups[at + 2] = (a3 + b3) + (c3 + d3);
        groups[at + 3] = (a4 + b4) + (c4 + d4);
        float lo = lo1 < lo0 ? lo1 : lo0;
        lo = lo2 < lo ? lo2 : lo;
        minMax[0] = lo3 < lo ? lo3 : lo;
        float hi = hi1 > hi0 ? hi1 : hi0;
        hi = hi2 > hi ? hi2 : hi;
        minMax[1] = hi3 > hi ? hi3 : hi;
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
