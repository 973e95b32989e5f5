package org.modelheritage.read.io;

import org.modelheritage.simd.HalfFloat;

/**
 * Bit-exact conversions between float and the narrow float formats, giving what PyTorch's
 * {@code tensor.float()} and {@code tensor.to(dtype)} give on the CPU. Java 17 has no
 * {@code Float.float16ToFloat}, so these are written out.
 */
public final class FloatConversions {
    private static final float[] E4M3FN_TO_FLOAT = new float[256];
    private static final float[] E5M2_TO_FLOAT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            E4M3FN_TO_FLOAT[b] = Float.intBitsToFloat(float8e4m3fnToFloatBits(b));
            E5M2_TO_FLOAT[b] = Float.intBitsToFloat(float8e5m2ToFloatBits(b));
        }
    }

    private FloatConversions() {
    }

    /**
     * IEEE half (binary16) to float bits. Exact for every value; a NaN keeps its payload and
     * comes out quiet, as PyTorch's conversion (and the F16C instruction) gives.
     */
    public static int halfToFloatBits(int half) {
        return HalfFloat.toFloatBits(half);
    }

    public static float halfToFloat(int half) {
        return HalfFloat.toFloat(half);
    }

    /** bfloat16 to float: the top 16 bits of a float, kept bit for bit (NaN payloads included). */
    public static float bfloat16ToFloat(int bf16) {
        return Float.intBitsToFloat(bf16 << 16);
    }

    /**
     * float8 e4m3fn (the variant PyTorch calls float8_e4m3fn: bias 7, no infinities, S.1111.111
     * is NaN) to float bits: a port of c10's fp8e4m3fn_to_fp32_value, so NaNs come out exactly
     * as PyTorch makes them (0x7FF00000 with the sign).
     */
    public static int float8e4m3fnToFloatBits(int b) {
        int w = (b & 0xFF) << 24;
        int sign = w & 0x80000000;
        int nonsign = w & 0x7FFFFFFF;
        int renormShift = Integer.numberOfLeadingZeros(nonsign);
        renormShift = renormShift > 4 ? renormShift - 4 : 0;
        int infNanMask = ((nonsign + 0x01000000) >> 8) & 0x7F800000;
        int zeroMask = (nonsign - 1) >> 31;
        return sign | ((((nonsign << renormShift >>> 4) + ((0x78 - renormShift) << 23)) | infNanMask) & ~zeroMask);
    }

    public static float float8e4m3fnToFloat(int b) {
        return E4M3FN_TO_FLOAT[b & 0xFF];
    }

    /** float8 e5m2 is the top byte of an IEEE half; PyTorch converts it through half. */
    public static int float8e5m2ToFloatBits(int b) {
        return halfToFloatBits((b & 0xFF) << 8);
    }

    public static float float8e5m2ToFloat(int b) {
        return E5M2_TO_FLOAT[b & 0xFF];
    }

    /** float to IEEE half bits, rounding to nearest even; NaN becomes 0x7E00 with the sign, as in c10. */
    public static short floatToHalfBits(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs > 0x7F800000) {
            return (short) (sign | 0x7E00);
        }
        if (abs >= 0x477FF000) {
            return (short) (sign | 0x7C00); // 65520 and above round to infinity
        }
        if (abs < 0x38800000) {
            if (abs <= 0x33000000) {
                return (short) sign; // at most half the smallest subnormal: ties to even, zero
            }
            int exponent = abs >>> 23;
            int mantissa = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - exponent;
            int q = mantissa >>> shift;
            int rest = mantissa & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (q & 1) == 1)) {
                q++;
            }
            return (short) (sign | q);
        }
        int q = (((abs >>> 23) - 112) << 10) | ((abs & 0x7FFFFF) >>> 13);
        int rest = abs & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (q & 1) == 1)) {
            q++;
        }
        return (short) (sign | q);
    }

    /** float to bfloat16 bits, rounding to nearest even; NaN becomes 0x7FC0, as in c10. */
    public static short floatToBfloat16Bits(float value) {
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        int x = Float.floatToRawIntBits(value);
        int roundingBias = ((x >>> 16) & 1) + 0x7FFF;
        return (short) ((x + roundingBias) >>> 16);
    }
}
