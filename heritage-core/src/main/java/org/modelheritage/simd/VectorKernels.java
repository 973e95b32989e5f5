package org.modelheritage.simd;

import java.nio.ByteBuffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the Vector API (incubating in Java 17). Only {@link Kernels} loads this class,
 * and only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>The power sums widen floats to the widest double vectors. The decoders widen 8 halves to 8 floats per step: BF16 by a shift, F16 by the exponent
 * rebias multiply ({@code bits << 13} as a float times 2^112 is exact for normal and subnormal
 * halves) with infinities and NaNs patched in by a mask.
 */
final class VectorKernels implements Kernels {
    /** The widest doubles, and floats of the same lane count (half the bits). */
    private static final VectorSpecies<Double> DW = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED.withShape(
            jdk.incubator.vector.VectorShape.forBitSize(DoubleVector.SPECIES_PREFERRED.vectorBitSize() / 2));
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
     * Two sets of accumulators of the widest double vectors (L lanes: 8 with AVX-512, 4 with
     * AVX2), so that the adds of consecutive steps do not wait on each other: element
     * {@code from + i} goes to lane {@code i mod 2L}, and the third and fourth powers are added by
     * fused multiply-adds. That is not the scalar loop's order or rounding, so the sums agree with
     * it to rounding (see {@link Kernels#powerSums}), not bit for bit.
     */
    @Override
    public void powerSums(float[] v, int from, int to, double k, double[] out, float[] minMax) {
        int lanes = DW.length();
        DoubleVector a1 = DoubleVector.zero(DW);
        DoubleVector a2 = a1;
        DoubleVector a3 = a1;
        DoubleVector a4 = a1;
        DoubleVector b1 = a1;
        DoubleVector b2 = a1;
        DoubleVector b3 = a1;
        DoubleVector b4 = a1;
        FloatVector lo = FloatVector.broadcast(FW, v[from]);
        FloatVector hi = lo;
        int i = from;
        for (; i + 2 * lanes <= to; i += 2 * lanes) {
            FloatVector f = FloatVector.fromArray(FW, v, i);
            FloatVector g = FloatVector.fromArray(FW, v, i + lanes);
            lo = lo.min(f).min(g);
            hi = hi.max(f).max(g);
            DoubleVector x = ((DoubleVector) f.castShape(DW, 0)).sub(k);
            DoubleVector y = ((DoubleVector) g.castShape(DW, 0)).sub(k);
            DoubleVector xx = x.mul(x);
            DoubleVector yy = y.mul(y);
            a1 = a1.add(x);
            b1 = b1.add(y);
            a2 = a2.add(xx);
            b2 = b2.add(yy);
            a3 = xx.fma(x, a3); // one rounding instead of two: within the documented tolerance
            b3 = yy.fma(y, b3);
            a4 = xx.fma(xx, a4);
            b4 = yy.fma(yy, b4);
        }
        double s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
        double s2 = a2.add(b2).reduceLanes(VectorOperators.ADD);
        double s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
        double s4 = a4.add(b4).reduceLanes(VectorOperators.ADD);
        float min = lo.reduceLanes(VectorOperators.MIN);
        float max = hi.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            float f = v[i];
            double w = f - k;
            double ww = w * w;
            s1 += w;
            s2 += ww;
            s3 += ww * w;
            s4 += ww * ww;
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        out[0] = s1;
        out[1] = s2;
        out[2] = s3;
        out[3] = s4;
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
