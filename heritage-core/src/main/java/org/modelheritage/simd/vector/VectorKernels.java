package org.modelheritage.simd.vector;

import java.nio.ByteBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.modelheritage.simd.HalfFloat;
import org.modelheritage.simd.Kernels;

/**
 * The kernels on the Vector API (incubating in Java 17). Only {@link Kernels} loads this class,
 * and only when {@code jdk.incubator.vector} is in the boot layer. Its package is not exported: the
 * class is public only so that {@code Kernels} can load it by name, and it is the one class that
 * needs the incubator module, so javadoc (which documents the exported packages) never reads it.
 *
 * <p>The power sums keep the contract's sixteen lanes and give the scalar loop's bits. The decoders widen 8 halves to 8 floats per step: BF16 by a shift, F16 by the exponent
 * rebias multiply ({@code bits << 13} as a float times 2^112 is exact for normal and subnormal
 * halves) with infinities and NaNs patched in by a mask.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;

    /** Whether the power sums run on 512-bit vectors of doubles (else 256-bit ones). */
    private final boolean wide;

    private VectorKernels(boolean wide) {
        this.wide = wide;
    }

    /** Called reflectively by {@link Kernels}: an instance when 256-bit vectors run in hardware, else null. */
    public static Kernels createIfFast() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return bits >= 256 ? new VectorKernels(bits >= 512) : null;
    }

    /**
     * The kernels on vectors of the given width whatever the CPU prefers, for tests that check both
     * widths give the scalar bits. Not for use.
     *
     * @param bits 256 or 512
     * @return the kernels
     */
    public static Kernels ofWidth(int bits) {
        return new VectorKernels(bits >= 512);
    }

    @Override
    public String name() {
        return "vector-" + (wide ? 512 : 256);
    }

    /**
     * The contract's sixteen lanes ({@link Kernels#powerSums}), as vectors of doubles: two of eight
     * lanes per power where the CPU has 512-bit vectors, four of four where it has 256-bit ones.
     * Each lane adds the same values in the same order as its scalar counterpart, with the same
     * roundings (no fused multiply-add), so the sums come out bit for bit the scalar ones, on
     * either width. Minimum and maximum are kept by compare-and-blend, the scalar loop's
     * {@code x < lo ? x : lo} (a NaN never replaces a number), not by the Vector API's
     * {@code min}, whose NaN and signed-zero rules cost several instructions a step.
     */
    @Override
    public void powerSums(float[] v, int from, int to, double k, double[] out, float[] minMax) {
        double[] lanes = new double[4 * Kernels.LANES];
        float[] extremes = new float[16];
        int end = from + (to - from) / Kernels.LANES * Kernels.LANES;
        if (wide) {
            lanes512(v, from, end, k, lanes, extremes);
        } else {
            lanes256(v, from, end, k, lanes, extremes);
        }
        float min = FloatVector.fromArray(F8, extremes, 0).reduceLanes(VectorOperators.MIN);
        float max = FloatVector.fromArray(F8, extremes, 8).reduceLanes(VectorOperators.MAX);
        for (int i = end; i < to; i++) {
            float f = v[i];
            int lane = i - end;
            double w = f - k;
            double ww = w * w;
            lanes[lane] += w;
            lanes[Kernels.LANES + lane] += ww;
            lanes[2 * Kernels.LANES + lane] += ww * w;
            lanes[3 * Kernels.LANES + lane] += ww * ww;
            min = f < min ? f : min;
            max = f > max ? f : max;
        }
        for (int p = 0; p < 4; p++) {
            int o = p * Kernels.LANES;
            double g0 = (lanes[o] + lanes[o + 1]) + (lanes[o + 2] + lanes[o + 3]);
            double g1 = (lanes[o + 4] + lanes[o + 5]) + (lanes[o + 6] + lanes[o + 7]);
            double g2 = (lanes[o + 8] + lanes[o + 9]) + (lanes[o + 10] + lanes[o + 11]);
            double g3 = (lanes[o + 12] + lanes[o + 13]) + (lanes[o + 14] + lanes[o + 15]);
            out[p] = (g0 + g1) + (g2 + g3);
        }
        minMax[0] = min;
        minMax[1] = max;
    }

    /**
     * The lanes' sums over whole strides of sixteen, {@code lanes[16p + j]} for power p + 1 and lane
     * j, and eight lanes of minima and maxima into {@code minMax[0..7]} and {@code [8..15]}.
     */
    private static void lanes512(float[] v, int from, int end, double k, double[] lanes, float[] minMax) {
        FloatVector lo = FloatVector.broadcast(F8, v[from]);
        FloatVector hi = lo;
        DoubleVector a1 = DoubleVector.zero(D8);
        DoubleVector a2 = a1;
        DoubleVector a3 = a1;
        DoubleVector a4 = a1;
        DoubleVector b1 = a1;
        DoubleVector b2 = a1;
        DoubleVector b3 = a1;
        DoubleVector b4 = a1;
        for (int i = from; i < end; i += 16) {
            FloatVector f = FloatVector.fromArray(F8, v, i);
            FloatVector g = FloatVector.fromArray(F8, v, i + 8);
            lo = lo.blend(f, f.lt(lo));
            lo = lo.blend(g, g.lt(lo));
            hi = hi.blend(f, f.compare(VectorOperators.GT, hi));
            hi = hi.blend(g, g.compare(VectorOperators.GT, hi));
            DoubleVector x = ((DoubleVector) f.convertShape(VectorOperators.F2D, D8, 0)).sub(k);
            DoubleVector y = ((DoubleVector) g.convertShape(VectorOperators.F2D, D8, 0)).sub(k);
            DoubleVector xx = x.mul(x);
            DoubleVector yy = y.mul(y);
            a1 = a1.add(x);
            a2 = a2.add(xx);
            a3 = a3.add(xx.mul(x));
            a4 = a4.add(xx.mul(xx));
            b1 = b1.add(y);
            b2 = b2.add(yy);
            b3 = b3.add(yy.mul(y));
            b4 = b4.add(yy.mul(yy));
        }
        a1.intoArray(lanes, 0);
        b1.intoArray(lanes, 8);
        a2.intoArray(lanes, 16);
        b2.intoArray(lanes, 24);
        a3.intoArray(lanes, 32);
        b3.intoArray(lanes, 40);
        a4.intoArray(lanes, 48);
        b4.intoArray(lanes, 56);
        lo.intoArray(minMax, 0);
        hi.intoArray(minMax, 8);
    }

    /** As {@link #lanes512}, on 256-bit vectors. */
    private static void lanes256(float[] v, int from, int end, double k, double[] lanes, float[] minMax) {
        FloatVector lo = FloatVector.broadcast(F8, v[from]);
        FloatVector hi = lo;
        // four vectors of four lanes per power, in locals: vectors in an array would be boxed
        DoubleVector a1 = DoubleVector.zero(D4);
        DoubleVector a2 = a1;
        DoubleVector a3 = a1;
        DoubleVector a4 = a1;
        DoubleVector b1 = a1;
        DoubleVector b2 = a1;
        DoubleVector b3 = a1;
        DoubleVector b4 = a1;
        DoubleVector c1 = a1;
        DoubleVector c2 = a1;
        DoubleVector c3 = a1;
        DoubleVector c4 = a1;
        DoubleVector d1 = a1;
        DoubleVector d2 = a1;
        DoubleVector d3 = a1;
        DoubleVector d4 = a1;
        for (int i = from; i < end; i += 16) {
            FloatVector f = FloatVector.fromArray(F8, v, i);
            FloatVector g = FloatVector.fromArray(F8, v, i + 8);
            lo = lo.blend(f, f.lt(lo));
            lo = lo.blend(g, g.lt(lo));
            hi = hi.blend(f, f.compare(VectorOperators.GT, hi));
            hi = hi.blend(g, g.compare(VectorOperators.GT, hi));
            DoubleVector w = ((DoubleVector) f.convertShape(VectorOperators.F2D, D4, 0)).sub(k);
            DoubleVector x = ((DoubleVector) f.convertShape(VectorOperators.F2D, D4, 1)).sub(k);
            DoubleVector y = ((DoubleVector) g.convertShape(VectorOperators.F2D, D4, 0)).sub(k);
            DoubleVector z = ((DoubleVector) g.convertShape(VectorOperators.F2D, D4, 1)).sub(k);
            DoubleVector ww = w.mul(w);
            DoubleVector xx = x.mul(x);
            DoubleVector yy = y.mul(y);
            DoubleVector zz = z.mul(z);
            a1 = a1.add(w);
            a2 = a2.add(ww);
            a3 = a3.add(ww.mul(w));
            a4 = a4.add(ww.mul(ww));
            b1 = b1.add(x);
            b2 = b2.add(xx);
            b3 = b3.add(xx.mul(x));
            b4 = b4.add(xx.mul(xx));
            c1 = c1.add(y);
            c2 = c2.add(yy);
            c3 = c3.add(yy.mul(y));
            c4 = c4.add(yy.mul(yy));
            d1 = d1.add(z);
            d2 = d2.add(zz);
            d3 = d3.add(zz.mul(z));
            d4 = d4.add(zz.mul(zz));
        }
        a1.intoArray(lanes, 0);
        b1.intoArray(lanes, 4);
        c1.intoArray(lanes, 8);
        d1.intoArray(lanes, 12);
        a2.intoArray(lanes, 16);
        b2.intoArray(lanes, 20);
        c2.intoArray(lanes, 24);
        d2.intoArray(lanes, 28);
        a3.intoArray(lanes, 32);
        b3.intoArray(lanes, 36);
        c3.intoArray(lanes, 40);
        d3.intoArray(lanes, 44);
        a4.intoArray(lanes, 48);
        b4.intoArray(lanes, 52);
        c4.intoArray(lanes, 56);
        d4.intoArray(lanes, 60);
        lo.intoArray(minMax, 0);
        hi.intoArray(minMax, 8);
    }

    @Override
    public void decodeBf16(ByteBuffer src, int srcPos, float[] dst, int dstPos, int count) {
        int i = 0;
        for (; i + 7 < count; i += 8) {
            ShortVector s = ShortVector.fromByteBuffer(S8, src, srcPos + 2 * i, src.order());
            ((IntVector) s.castShape(I8, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats().intoArray(dst, dstPos + i);
        }
        for (; i < count; i++) {
            dst[dstPos + i] = Float.intBitsToFloat(src.getShort(srcPos + 2 * i) << 16);
        }
    }

    @Override
    public void decodeF16(ByteBuffer src, int srcPos, float[] dst, int dstPos, int count) {
        int i = 0;
        for (; i + 7 < count; i += 8) {
            IntVector h = (IntVector) ShortVector.fromByteBuffer(S8, src, srcPos + 2 * i, src.order()).castShape(I8, 0);
            IntVector abs = h.and(0x7FFF);
            IntVector shifted = abs.lanewise(VectorOperators.LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            // exponent all ones: infinity, or a NaN made quiet with its payload kept
            IntVector special = shifted.or(0x70000000);
            VectorMask<Integer> nan = abs.compare(VectorOperators.GT, 0x7C00);
            special = special.blend(special.or(0x00400000), nan);
            VectorMask<Integer> infOrNan = abs.compare(VectorOperators.GE, 0x7C00);
            IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            finite.blend(special, infOrNan).or(sign).reinterpretAsFloats().intoArray(dst, dstPos + i);
        }
        for (; i < count; i++) {
            dst[dstPos + i] = HalfFloat.toFloat(src.getShort(srcPos + 2 * i));
        }
    }
}
