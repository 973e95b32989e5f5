package org.modelheritage.read.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The narrow-float conversions against textbook definitions computed in double arithmetic:
 * every half and float8 bit pattern, and float to half/bfloat16 rounding checked against the
 * nearest representable value with ties to even.
 */
class FloatConversionsTest {

    private static double halfValue(int h) {
        int sign = (h >>> 15) == 1 ? -1 : 1;
        int e = (h >>> 10) & 0x1F;
        int m = h & 0x3FF;
        if (e == 0) {
            return sign * m * Math.pow(2, -24);
        }
        return sign * (1 + m / 1024.0) * Math.pow(2, e - 15);
    }

    @Test
    void everyHalfConvertsExactly() {
        for (int h = 0; h < 65536; h++) {
            int bits = FloatConversions.halfToFloatBits(h);
            int e = (h >>> 10) & 0x1F;
            int m = h & 0x3FF;
            if (e == 31 && m != 0) {
                // NaN: sign and payload kept, quiet bit set
                int expected = ((h & 0x8000) << 16) | 0x7FC00000 | (m << 13);
                assertEquals(expected, bits, "half " + Integer.toHexString(h));
            } else if (e == 31) {
                assertEquals((h & 0x8000) != 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY,
                        Float.intBitsToFloat(bits));
            } else {
                float f = Float.intBitsToFloat(bits);
                assertEquals(halfValue(h), f, 0.0, "half " + Integer.toHexString(h));
                assertEquals((h & 0x8000) != 0, (bits & 0x80000000) != 0, "sign of " + Integer.toHexString(h));
                // and back again
                assertEquals((short) h, FloatConversions.floatToHalfBits(f), "round trip " + Integer.toHexString(h));
            }
            assertEquals(bits, Float.floatToRawIntBits(FloatConversions.halfToFloat(h)), "table");
        }
    }

    @Test
    void everyFloat8ConvertsExactly() {
        for (int b = 0; b < 256; b++) {
            int sign = (b & 0x80) != 0 ? -1 : 1;
            // e4m3fn: bias 7, no infinities, S.1111.111 is NaN
            int e = (b >>> 3) & 0xF;
            int m = b & 7;
            float e4 = FloatConversions.float8e4m3fnToFloat(b);
            if (e == 15 && m == 7) {
                assertEquals((b & 0x80) << 24 | 0x7FF00000, Float.floatToRawIntBits(e4));
            } else {
                double v = e == 0 ? sign * m / 8.0 * Math.pow(2, -6) : sign * (1 + m / 8.0) * Math.pow(2, e - 7);
                assertEquals(v, e4, 0.0, "e4m3fn " + b);
                assertEquals(sign < 0, Float.floatToRawIntBits(e4) < 0);
            }
            // e5m2: the top byte of a half
            assertEquals(FloatConversions.halfToFloatBits(b << 8),
                    Float.floatToRawIntBits(FloatConversions.float8e5m2ToFloat(b)));
        }
        assertEquals(448f, FloatConversions.float8e4m3fnToFloat(0x7E));
        assertEquals(57344f, FloatConversions.float8e5m2ToFloat(0x7B));
    }

    /** The nearest of two candidates, ties to the one with an even last bit. */
    private static int nearest(double x, int lowBits, double low, int highBits, double high) {
        double dl = x - low;
        double dh = high - x;
        if (dl < dh) {
            return lowBits;
        }
        if (dh < dl) {
            return highBits;
        }
        return (lowBits & 1) == 0 ? lowBits : highBits;
    }

    @Test
    void floatToHalfRoundsToNearestEven() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f)) {
                assertEquals((short) ((Float.floatToRawIntBits(f) >>> 16 & 0x8000) | 0x7E00),
                        FloatConversions.floatToHalfBits(f));
                continue;
            }
            double x = Math.abs((double) f);
            int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
            int expected;
            if (x >= 65520) {
                expected = 0x7C00;
            } else {
                // find the halves around x by bisection over the ordered positive bit patterns
                int lo = 0;
                int hi = 0x7BFF;
                while (lo < hi) {
                    int mid = (lo + hi + 1) >>> 1;
                    if (halfValue(mid) <= x) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                expected = halfValue(lo) == x || lo == 0x7BFF ? lo
                        : nearest(x, lo, halfValue(lo), lo + 1, halfValue(lo + 1));
                if (lo == 0x7BFF && x > 65504) {
                    expected = nearest(x, 0x7BFF, 65504, 0x7C00, 65536);
                }
            }
            assertEquals((short) (sign | expected), FloatConversions.floatToHalfBits(f), "float " + f);
        }
    }

    @Test
    void floatToBfloat16RoundsToNearestEven() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            int bits = random.nextInt();
            float f = Float.intBitsToFloat(bits);
            short b = FloatConversions.floatToBfloat16Bits(f);
            if (Float.isNaN(f)) {
                assertEquals((short) 0x7FC0, b);
                continue;
            }
            int low = bits & 0xFFFF0000;
            int lowB = low >>> 16;
            double below = Math.abs((double) Float.intBitsToFloat(low));
            double above = below + (double) Math.ulp((float) below) * 65536; // past MAX_VALUE: 2^128
            double x = Math.abs((double) f);
            int expected = x - below < above - x ? lowB : above - x < x - below ? lowB + 1
                    : (lowB & 1) == 0 ? lowB : lowB + 1;
            assertEquals((short) expected, b, "float bits " + Integer.toHexString(bits));
        }
        assertEquals((short) 0x3F80, FloatConversions.floatToBfloat16Bits(1.0f));
        assertEquals((short) 0x7F80, FloatConversions.floatToBfloat16Bits(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x7F80, FloatConversions.floatToBfloat16Bits(Float.MAX_VALUE), "rounds up to infinity");
    }
}
