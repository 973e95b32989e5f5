package org.modelheritage.simd;

/** IEEE half (binary16) to float, exactly, as PyTorch's {@code tensor.float()} gives it on the CPU. */
public final class HalfFloat {
    private static final float[] TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < TO_FLOAT.length; h++) {
            TO_FLOAT[h] = Float.intBitsToFloat(toFloatBits(h));
        }
    }

    private HalfFloat() {
    }

    /**
     * The float bits of a half. Exact for every value; a NaN keeps its payload and comes out
     * quiet, as the F16C instruction gives.
     *
     * @param half the half's 16 bits in the low bits (higher bits must be 0)
     * @return the equal float's bits ({@link Float#intBitsToFloat} turns them into the float)
     */
    public static int toFloatBits(int half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0x1F) {
            return mantissa == 0 ? sign | 0x7F800000 : sign | 0x7FC00000 | (mantissa << 13);
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return sign;
            }
            int e = 113;
            while ((mantissa & 0x400) == 0) {
                mantissa <<= 1;
                e--;
            }
            return sign | (e << 23) | ((mantissa & 0x3FF) << 13);
        }
        return sign | ((exponent + 112) << 23) | (mantissa << 13);
    }

    /**
     * A half to float, by table (the same values as {@link #toFloatBits}).
     *
     * @param half the half's bits in the low 16 bits; higher bits are ignored (a sign-extended {@code short} works)
     * @return the equal float
     */
    public static float toFloat(int half) {
        return TO_FLOAT[half & 0xFFFF];
    }
}
