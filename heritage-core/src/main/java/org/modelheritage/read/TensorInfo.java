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

    /**
     * A tensor's name, element type and shape.
     *
     * @param name  the name as the file spells it, not null
     * @param dtype the element type, not null
     * @param shape the dimensions, each at least 0; copied; empty for a scalar
     * @throws IllegalArgumentException when a dimension is negative
     * @throws ArithmeticException when the element count overflows a long
     * @throws NullPointerException when an argument is null
     */
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

    /** {@return the tensor's name as the file spells it} */
    public String name() {
        return name;
    }

    /** {@return the element type the file stores} */
    public DType dtype() {
        return dtype;
    }

    /** {@return a copy of the shape; a scalar has an empty shape} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of dimensions; 0 for a scalar} */
    public int rank() {
        return shape.length;
    }

    /**
     * The size of one dimension.
     *
     * @param i the dimension, 0 to {@link #rank()} - 1
     * @return its size
     * @throws ArrayIndexOutOfBoundsException when {@code i} is out of range
     */
    public long dim(int i) {
        return shape[i];
    }

    /** {@return the number of elements: the product of the shape (1 for a scalar)} */
    public long elementCount() {
        return elementCount;
    }

    /**
     * Bytes of tensor data on disk: element count times element size.
     *
     * @return the byte length
     * @throws ArithmeticException when it overflows a long
     */
    public long byteLength() {
        return Math.multiplyExact(elementCount, (long) dtype.byteSize());
    }

    /** {@return whether the tensor is a 2-D matrix with as many rows as columns, more than one (MoTHer only uses these)} */
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
