package org.modelheritage.examples;

import java.util.Arrays;

/** One trained tensor pulled out of DJL: its PyTorch-style name, shape and F32 values. */
public record NamedTensor(String name, long[] shape, float[] values) {
    public NamedTensor {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values, got " + values.length);
        }
    }
}
