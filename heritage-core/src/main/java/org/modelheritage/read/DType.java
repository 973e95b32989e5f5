package org.modelheritage.read;

import java.util.Locale;
import java.util.Optional;

/** Element types a weight file may hold, named as safetensors names them. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2),
    I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1),
    F8_E4M3(1), F8_E5M2(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes one element takes on disk. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16 || this == F8_E4M3 || this == F8_E5M2;
    }

    /** The dtype for a safetensors dtype string ("F32", "BF16", ...), if it is one we know. */
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
