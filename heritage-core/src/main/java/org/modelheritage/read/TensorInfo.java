package org.modelheritage.read;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a file's header says of one tensor: its name, element type and shape. Reading it needs
 * no tensor data.
 */
public final class TensorInfo {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long elementCount;

    /** A tensor's name, element type and shape. */
    public TensorInfo(String name, DType dtype, long[] shape) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape) + " of " + name);
            }
            count = Math.multiplyExact(count, d);
        }
        this.elementCount = count;
    }

    /** The tensor's name as stored. */
    public String name() {
        return name;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape; a scalar has an empty shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** The number of elements: the product of the shape. */
    public long elementCount() {
        return elementCount;
    }

    /** Bytes of tensor data on disk: element count times element size. */
    public long byteLength() {
        return Math.multiplyExact(elementCount, (long) dtype.byteSize());
    }

    /** True for a 2-D matrix with as many rows as columns (MoTHer only uses these). */
    public boolean isSquareMatrix() {
        return shape.length == 2 && shape[0] == shape[1] && shape[0] > 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
