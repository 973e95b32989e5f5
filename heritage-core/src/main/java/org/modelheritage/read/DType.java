package org.modelheritage.read;

import java.util.Locale;
import java.util.Optional;

/** Element types a weight file may hold, named as safetensors names them. */
public enum DType {
    /** IEEE 754 double precision. */
    F64(8),
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16: single precision's exponent with a 7-bit mantissa. */
    BF16(2),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Boolean, one byte. */
    BOOL(1),
    /** 8-bit float, 4 exponent and 3 mantissa bits. */
    F8_E4M3(1),
    /** 8-bit float, 5 exponent and 2 mantissa bits. */
    F8_E5M2(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** {@return the bytes one element takes on disk: 1, 2, 4 or 8} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return whether values of this type are floating point (the F8 types included)} */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16 || this == F8_E4M3 || this == F8_E5M2;
    }

    /**
     * The dtype for a safetensors dtype string.
     *
     * @param name a dtype as a safetensors header spells it ("F32", "BF16", ...); case-insensitive; may be null
     * @return the dtype, or empty for null or a name we do not know
     */
    public static Optional<DType> fromSafetensorsName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
