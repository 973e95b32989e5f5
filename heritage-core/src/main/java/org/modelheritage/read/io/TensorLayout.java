package org.modelheritage.read.io;

import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.modelheritage.read.DType;

/**
 * Where a tensor's elements are in a file: its storage (a byte range of the file), the element
 * type and byte order, and the view on the storage (shape, strides and offset, in elements), as
 * PyTorch describes tensors. A safetensors tensor is the contiguous case.
 */
public final class TensorLayout {
    /** Most dimensions a tensor may have; more is treated as malformed. */
    public static final int MAX_RANK = 64;

    private final Path file;
    private final FileChannel channel;
    private final long storagePosition;
    private final long storageBytes;
    private final DType dtype;
    private final ByteOrder order;
    private final long[] shape;
    private final long[] strides;
    private final long storageOffset;
    private final long elementCount;

    private TensorLayout(Path file, FileChannel channel, long storagePosition, long storageBytes, DType dtype,
            ByteOrder order, long[] shape, long[] strides, long storageOffset) {
        this.file = file;
        this.channel = channel;
        this.storagePosition = storagePosition;
        this.storageBytes = storageBytes;
        this.dtype = dtype;
        this.order = order;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.storageOffset = storageOffset;
        this.elementCount = elementCount(shape).orElseThrow();
    }

    /** A row-major tensor whose elements start at {@code position}. The caller has checked the bounds. */
    public static TensorLayout contiguous(Path file, FileChannel channel, long position, DType dtype, ByteOrder order,
            long[] shape) {
        long count = elementCount(shape).orElseThrow();
        return new TensorLayout(file, channel, position, count * dtype.byteSize(), dtype, order, shape,
                rowMajorStrides(shape), 0);
    }

    /**
     * A view on a storage of {@code storageBytes} bytes at {@code storagePosition}. Check the view
     * first with {@link #checkView}: this trusts its arguments.
     */
    public static TensorLayout view(Path file, FileChannel channel, long storagePosition, long storageBytes,
            DType dtype, ByteOrder order, long[] shape, long[] strides, long storageOffset) {
        return new TensorLayout(file, channel, storagePosition, storageBytes, dtype, order, shape, strides,
                storageOffset);
    }

    /** The element count of a shape, empty when a dimension is negative or the product overflows. */
    public static Optional<Long> elementCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                return Optional.empty();
            }
            if (d != 0 && count > Long.MAX_VALUE / d) {
                // keep scanning: a later zero dimension makes the product 0 in PyTorch, but an
                // intermediate overflow still means a shape we refuse
                return Optional.empty();
            }
            count *= d;
        }
        return Optional.of(count);
    }

    public static long[] rowMajorStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * Why a view of {@code shape}/{@code strides} at {@code storageOffset} does not fit in a
     * storage of {@code storageElements} elements, or empty when it fits.
     */
    public static Optional<String> checkView(long[] shape, long[] strides, long storageOffset, long storageElements) {
        if (shape.length != strides.length) {
            return Optional.of("shape " + Arrays.toString(shape) + " and stride " + Arrays.toString(strides)
                    + " differ in length");
        }
        if (shape.length > MAX_RANK) {
            return Optional.of("shape has " + shape.length + " dimensions, more than " + MAX_RANK);
        }
        Optional<Long> count = elementCount(shape);
        if (count.isEmpty()) {
            return Optional.of("shape " + Arrays.toString(shape) + " has a negative dimension or too many elements");
        }
        if (storageOffset < 0) {
            return Optional.of("negative storage offset " + storageOffset);
        }
        for (long s : strides) {
            if (s < 0) {
                return Optional.of("negative stride in " + Arrays.toString(strides));
            }
        }
        if (count.get() == 0) {
            return Optional.empty();
        }
        long last = storageOffset;
        try {
            for (int i = 0; i < shape.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, strides[i]));
            }
        } catch (ArithmeticException e) {
            last = Long.MAX_VALUE;
        }
        if (last >= storageElements) {
            return Optional.of("view (offset " + storageOffset + ", shape " + Arrays.toString(shape) + ", stride "
                    + Arrays.toString(strides) + ") reaches element " + (last == Long.MAX_VALUE ? "beyond 2^63" : last)
                    + " of a storage of " + storageElements + " elements");
        }
        return Optional.empty();
    }

    public Path file() {
        return file;
    }

    FileChannel channel() {
        return channel;
    }

    public long storagePosition() {
        return storagePosition;
    }

    public long storageBytes() {
        return storageBytes;
    }

    public DType dtype() {
        return dtype;
    }

    public ByteOrder order() {
        return order;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long[] strides() {
        return strides.clone();
    }

    long[] shapeInternal() {
        return shape;
    }

    long[] stridesInternal() {
        return strides;
    }

    public long storageOffset() {
        return storageOffset;
    }

    public long elementCount() {
        return elementCount;
    }

    /** True when the elements are consecutive in row-major order (dimensions of size 1 have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1) {
                if (strides[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
        }
        return true;
    }
}
