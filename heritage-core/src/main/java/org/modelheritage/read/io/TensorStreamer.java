package org.modelheritage.read.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;
import org.modelheritage.read.WeightFormatException;

/**
 * Streams a tensor's values to a {@link FloatSink} in row-major order, reading the file with
 * positional reads into one reusable buffer: memory stays at a few MiB whatever the tensor or
 * file size. Contiguous tensors are read sequentially; views whose rows are long runs are read
 * run by run; other views (transposes, column slices, expanded dimensions) are gathered a chunk
 * at a time: the chunk's element offsets are sorted, and the storage is read in windows that
 * skip long gaps, so each chunk reads only the bytes it needs.
 */
public final class TensorStreamer {
    /**
     * Bytes per positional read, and four times the float chunk handed to sinks: 1 MiB unless the
     * system property {@code heritage.read.bufferBytes} says otherwise (64 KiB to 4 MiB). Measured
     * with ReadThroughputBenchmark: BF16 decoding ran about 1.7x faster with 1 MiB than with 4 MiB
     * (the chunk stays in cache between the read, the decode and the sink); F32 was the same.
     */
    static final int DEFAULT_BUFFER_BYTES = Math.max(64 << 10,
            Math.min(4 << 20, Integer.getInteger("heritage.read.bufferBytes", 1 << 20)));
    static final int DEFAULT_CHUNK_ELEMENTS = DEFAULT_BUFFER_BYTES / 4;
    /** A gap between needed elements shorter than this is read through rather than skipped by a new read. */
    static final int GAP_BYTES = 8 << 10;
    /** Runs at least this long are read directly; shorter ones are gathered. */
    static final int MIN_RUN_ELEMENTS = 1024;
    private static final int INDEX_BITS = 20;
    /** Gathering packs (element offset, chunk index) into a long: offsets must stay below 2^43. */
    static final long MAX_GATHER_ELEMENT = 1L << (63 - INDEX_BITS);

    private static final ThreadLocal<ArrayDeque<TensorStreamer>> POOL = ThreadLocal.withInitial(ArrayDeque::new);

    private final ByteBuffer buffer;
    private final float[] floats;
    private final ElementDecoder decoder = new ElementDecoder();
    private long[] keys = new long[0];

    TensorStreamer(int bufferBytes, int chunkElements) {
        if (chunkElements > (1 << INDEX_BITS) || bufferBytes < 8) {
            throw new IllegalArgumentException("chunk of " + chunkElements + " elements, buffer of " + bufferBytes);
        }
        this.buffer = ByteBuffer.allocateDirect(bufferBytes);
        this.floats = new float[chunkElements];
    }

    /** Streams {@code layout}'s values to {@code sink}, using this thread's pooled buffers. */
    public static void stream(TensorLayout layout, FloatSink sink) throws IOException {
        ArrayDeque<TensorStreamer> pool = POOL.get();
        TensorStreamer streamer = pool.poll();
        if (streamer == null) {
            streamer = new TensorStreamer(DEFAULT_BUFFER_BYTES, DEFAULT_CHUNK_ELEMENTS);
        }
        try {
            streamer.read(layout, sink);
        } finally {
            // a sink that reads another tensor meanwhile got its own streamer; keep at most two
            if (pool.size() < 2) {
                pool.push(streamer);
            }
        }
    }

    void read(TensorLayout layout, FloatSink sink) throws IOException {
        if (layout.elementCount() == 0) {
            return;
        }
        buffer.order(layout.order());
        if (layout.isContiguous()) {
            readRange(layout, layout.storageOffset(), layout.elementCount(), sink);
            return;
        }
        // drop dimensions of size 1: they do not move through the storage
        long[] shape = layout.shapeInternal();
        long[] strides = layout.stridesInternal();
        int rank = 0;
        for (long d : shape) {
            if (d != 1) {
                rank++;
            }
        }
        long[] size = new long[rank];
        long[] stride = new long[rank];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                size[j] = shape[i];
                stride[j++] = strides[i];
            }
        }
        // the innermost dimensions that are contiguous form runs
        long run = 1;
        int outer = rank;
        while (outer > 0 && stride[outer - 1] == run) {
            run *= size[outer - 1];
            outer--;
        }
        if (run >= MIN_RUN_ELEMENTS) {
            readRuns(layout, Arrays.copyOf(size, outer), Arrays.copyOf(stride, outer), run, sink);
        } else {
            gather(layout, size, stride, sink);
        }
    }

    private int elementsPerRead(DType dtype) {
        return Math.min(floats.length, buffer.capacity() / dtype.byteSize());
    }

    private void readRange(TensorLayout layout, long firstElement, long count, FloatSink sink) throws IOException {
        DType dtype = layout.dtype();
        int esz = dtype.byteSize();
        int perRead = elementsPerRead(dtype);
        long position = layout.storagePosition() + firstElement * esz;
        while (count > 0) {
            int n = (int) Math.min(perRead, count);
            fill(layout, position, n * esz);
            decoder.decode(dtype, buffer, 0, floats, 0, n);
            sink.accept(floats, n);
            position += (long) n * esz;
            count -= n;
        }
    }

    private void readRuns(TensorLayout layout, long[] size, long[] stride, long run, FloatSink sink)
            throws IOException {
        DType dtype = layout.dtype();
        int esz = dtype.byteSize();
        int perRead = elementsPerRead(dtype);
        long[] index = new long[size.length];
        long offset = layout.storageOffset();
        long runs = layout.elementCount() / run;
        int filled = 0;
        for (long r = 0; r < runs; r++) {
            long done = 0;
            while (done < run) {
                int n = (int) Math.min(Math.min(perRead, floats.length - filled), run - done);
                fill(layout, layout.storagePosition() + (offset + done) * esz, n * esz);
                decoder.decode(dtype, buffer, 0, floats, filled, n);
                filled += n;
                done += n;
                if (filled == floats.length) {
                    sink.accept(floats, filled);
                    filled = 0;
                }
            }
            offset = advance(index, size, stride, offset);
        }
        if (filled > 0) {
            sink.accept(floats, filled);
        }
    }

    private void gather(TensorLayout layout, long[] size, long[] stride, FloatSink sink) throws IOException {
        DType dtype = layout.dtype();
        int esz = dtype.byteSize();
        if (layout.storageBytes() / esz >= MAX_GATHER_ELEMENT) {
            throw new WeightFormatException(layout.file(), "",
                    "a non-contiguous view on a storage of 2^43 elements or more is not supported");
        }
        long windowElements = buffer.capacity() / esz;
        long gapElements = Math.max(1, GAP_BYTES / esz);
        if (keys.length < floats.length) {
            keys = new long[floats.length];
        }
        long[] index = new long[size.length];
        long offset = layout.storageOffset();
        long remaining = layout.elementCount();
        long mask = (1L << INDEX_BITS) - 1;
        while (remaining > 0) {
            int n = (int) Math.min(floats.length, remaining);
            boolean sorted = true;
            long previous = -1;
            for (int i = 0; i < n; i++) {
                keys[i] = (offset << INDEX_BITS) | i;
                sorted &= offset >= previous;
                previous = offset;
                offset = advance(index, size, stride, offset);
            }
            if (!sorted) {
                Arrays.sort(keys, 0, n);
            }
            int j = 0;
            while (j < n) {
                long first = keys[j] >>> INDEX_BITS;
                long last = first;
                int k = j;
                while (k + 1 < n) {
                    long next = keys[k + 1] >>> INDEX_BITS;
                    if (next - last > gapElements || next - first >= windowElements) {
                        break;
                    }
                    last = next;
                    k++;
                }
                fill(layout, layout.storagePosition() + first * esz, (int) ((last - first + 1) * esz));
                for (int m = j; m <= k; m++) {
                    long e = keys[m] >>> INDEX_BITS;
                    floats[(int) (keys[m] & mask)] = ElementDecoder.decodeOne(dtype, buffer, (int) ((e - first) * esz));
                }
                j = k + 1;
            }
            sink.accept(floats, n);
            remaining -= n;
        }
    }

    /** Steps a row-major index over {@code size}, returning the next element's storage offset. */
    private static long advance(long[] index, long[] size, long[] stride, long offset) {
        for (int d = index.length - 1; d >= 0; d--) {
            index[d]++;
            offset += stride[d];
            if (index[d] < size[d]) {
                return offset;
            }
            offset -= stride[d] * size[d];
            index[d] = 0;
        }
        return offset;
    }

    private void fill(TensorLayout layout, long position, int bytes) throws IOException {
        buffer.clear().limit(bytes);
        ChannelIo.readFully(layout.channel(), layout.file(), buffer, position);
        buffer.flip();
    }
}
