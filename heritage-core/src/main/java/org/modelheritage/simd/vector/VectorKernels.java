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
 * <p>The power sums keep the scalar loop's four lanes and give its bits. The decoders widen 8 halves to 8 floats per step: BF16 by a shift, F16 by the exponent
 * rebias multiply ({@code bits << 13} as a float times 2^112 is exact for normal and subnormal
 * halves) with infinities and NaNs patched in by a mask.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;

    private VectorKernels() {
    }

    /** Called reflectively by {@link Kernels}: an instance when 256-bit vectors run in hardware, else null. */
    public static Kernels createIfFast() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new VectorKernels() : null;
    }

    @Override
    public String name() {
        return "vector-" + FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /**
     * The scalar loop's four lanes: one 256-bit vector of doubles per power, fed four floats at a
     * time in element order, so each lane adds the same values in the same order as its scalar
     * counterpart, with the same roundings (no fused multiply-add), and the sums come out bit for
     * bit the same. (Wider vectors or a second set of accumulators would run faster but add in
     * another order; results then move in the last bits, and a decision that hangs on those bits —
     * which of two identical copies is the original — could come out differently with and without
     * the flag.)
     */
    @Override
    public void powerSums(float[] v, int from, int to, double k, double[] out, float[] minMax) {
        DoubleVector p1 = DoubleVector.zero(D4);
        DoubleVector p2 = p1;
        DoubleVector p3 = p1;
        DoubleVector p4 = p1;
        FloatVector lo = FloatVector.broadcast(F4, v[from]);
        FloatVector hi = lo;
        int i = from;
        for (; i + 7 < to; i += 8) {
            FloatVector f = FloatVector.fromArray(F4, v, i);
            FloatVector g = FloatVector.fromArray(F4, v, i + 4);
            lo = lo.min(f).min(g);
            hi = hi.max(f).max(g);
            DoubleVector x = ((DoubleVector) f.castShape(D4, 0)).sub(k);
            DoubleVector xx = x.mul(x);
            p1 = p1.add(x);
            p2 = p2.add(xx);
            p3 = p3.add(xx.mul(x));
            p4 = p4.add(xx.mul(xx));
            DoubleVector y = ((DoubleVector) g.castShape(D4, 0)).sub(k);
            DoubleVector yy = y.mul(y);
            p1 = p1.add(y);
            p2 = p2.add(yy);
            p3 = p3.add(yy.mul(y));
            p4 = p4.add(yy.mul(yy));
        }
        if (i + 3 < to) {
            FloatVector f = FloatVector.fromArray(F4, v, i);
            lo = lo.min(f);
            hi = hi.max(f);
            DoubleVector x = ((DoubleVector) f.castShape(D4, 0)).sub(k);
            DoubleVector xx = x.mul(x);
            p1 = p1.add(x);
            p2 = p2.add(xx);
            p3 = p3.add(xx.mul(x));
            p4 = p4.add(xx.mul(xx));
            i += 4;
        }
        double a1 = p1.lane(0);
        double a2 = p2.lane(0);
        double a3 = p3.lane(0);
        double a4 = p4.lane(0);
        float min = lo.reduceLanes(VectorOperators.MIN);
        float max = hi.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            float f = v[i];
            double w = f - k;
            double ww = w * w;
            a1 += w;
            a2 += ww;
            a3 += ww * w;
            a4 += ww * ww;
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        out[0] = (a1 + p1.lane(1)) + (p1.lane(2) + p1.lane(3));
        out[1] = (a2 + p2.lane(1)) + (p2.lane(2) + p2.lane(3));
        out[2] = (a3 + p3.lane(1)) + (p3.lane(2) + p3.lane(3));
        out[3] = (a4 + p4.lane(1)) + (p4.lane(2) + p4.lane(3));
        minMax[0] = min;
        minMax[1] = max;
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
