package org.modelheritage.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.modelheritage.read.io.FloatConversions;

/**
 * Writes a safetensors file as a stream: the header (from the tensor list given up front), then
 * each tensor's values in that order, converted from float, through one small buffer, so files
 * of any size can be made in constant memory. Float to F16/BF16 rounds to nearest even, as
 * PyTorch's {@code .to(dtype)} does; to integer types it truncates toward zero.
 *
 * <pre>{@code
 * try (SafetensorsWriter w = SafetensorsWriter.create(path, List.of(new TensorInfo("w", DType.BF16, new long[] {4, 4})), Map.of())) {
 *     w.write(values);  // 16 floats, in as many calls as you like
 * }
 * }</pre>
 */
public final class SafetensorsWriter implements Closeable {
    private static final int BUFFER_BYTES = 1 << 20;

    /**
     * A whole tensor, for {@link #write(Path, List, Map)}.
     *
     * @param name   the tensor's name in the file
     * @param dtype  the type to store it in; values are converted from float
     * @param shape  its dimensions
     * @param values its values, row-major, as many as the shape holds (checked when written)
     */
    public record Tensor(String name, DType dtype, long[] shape, float[] values) {
        /**
         * Checks the name and type and copies the shape.
         *
         * @param name   not null
         * @param dtype  not null
         * @param shape  not null; copied
         * @param values the values (not copied)
         * @throws NullPointerException when {@code name}, {@code dtype} or {@code shape} is null
         */
        public Tensor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
        }
    }

    private final FileChannel channel;
    private final List<TensorInfo> tensors;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private int current;
    private long remainingInCurrent;
    private boolean closed;

    private SafetensorsWriter(FileChannel channel, List<TensorInfo> tensors) {
        this.channel = channel;
        this.tensors = tensors;
        this.current = -1;
        advance();
    }

    /**
     * Creates (or replaces) a file and writes its header; then write every tensor's values in order.
     *
     * @param file     the file to write; truncated when it exists
     * @param tensors  the tensors, in the order their values will be written; names unique
     * @param metadata the {@code __metadata__} map; empty for none
     * @return the writer, positioned at the first tensor's first value; close it when every value is written
     * @throws IllegalArgumentException when a name repeats or is {@code __metadata__}
     * @throws IOException when the file cannot be created or written
     */
    public static SafetensorsWriter create(Path file, List<TensorInfo> tensors, Map<String, String> metadata)
            throws IOException {
        Set<String> names = new HashSet<>();
        for (TensorInfo t : tensors) {
            if (!names.add(t.name()) || t.name().equals("__metadata__")) {
                throw new IllegalArgumentException("duplicate or reserved tensor name " + t.name());
            }
        }
        byte[] header = header(tensors, metadata);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            while (head.hasRemaining()) {
                channel.write(head);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new SafetensorsWriter(channel, new ArrayList<>(tensors));
    }

    /**
     * Writes a whole file of the given tensors.
     *
     * @param file     the file to write; truncated when it exists
     * @param tensors  the tensors and their values, in file order
     * @param metadata the {@code __metadata__} map; empty for none
     * @throws IllegalArgumentException when a tensor's values do not match its shape, or a name repeats
     * @throws UnsupportedOperationException for an F8 tensor, which takes raw bytes only
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<TensorInfo> infos = new ArrayList<>();
        for (Tensor t : tensors) {
            TensorInfo info = new TensorInfo(t.name(), t.dtype(), t.shape());
            if (info.elementCount() != t.values().length) {
                throw new IllegalArgumentException("tensor " + t.name() + " has shape of " + info.elementCount()
                        + " elements but " + t.values().length + " values");
            }
            infos.add(info);
        }
        try (SafetensorsWriter w = create(file, infos, metadata)) {
            for (Tensor t : tensors) {
                w.write(t.values());
            }
        }
    }

    private static byte[] header(List<TensorInfo> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (TensorInfo t : tensors) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                long end = Math.addExact(offset, t.byteLength());
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(end);
                g.writeEndArray();
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        }
        byte[] json = out.toByteArray();
        int padded = (json.length + 7) / 8 * 8; // the safetensors crate aligns data to 8 bytes with spaces
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    /**
     * Writes the next values, in order across the tensors given to {@link #create}.
     *
     * @param values all of them are written, converted to each tensor's dtype
     * @throws IllegalStateException when the values pass the end of the last tensor
     * @throws UnsupportedOperationException when they reach an F8 tensor
     * @throws IOException when the file cannot be written
     */
    public void write(float[] values) throws IOException {
        write(values, 0, values.length);
    }

    /**
     * Appends values to the tensors in order, converted to each tensor's dtype; a call may span
     * several tensors. F8 tensors take raw bytes only ({@link #writeRaw}).
     *
     * @param values the array holding the values
     * @param offset the first value to write
     * @param length how many values to write
     * @throws IndexOutOfBoundsException when the range is outside {@code values}
     * @throws IllegalStateException when the values pass the end of the last tensor
     * @throws UnsupportedOperationException when they reach an F8 tensor
     * @throws IOException when the file cannot be written
     */
    public void write(float[] values, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, values.length);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            DType dtype = currentTensor().dtype();
            long n = Math.min(end - i, remainingInCurrent);
            for (long k = 0; k < n; k++) {
                if (buffer.remaining() < 8) {
                    flush();
                }
                put(dtype, values[i++]);
            }
            remainingInCurrent -= n;
            if (remainingInCurrent == 0) {
                advance();
            }
        }
    }

    /**
     * Appends raw little-endian element bytes of the current tensor (any dtype); whole elements only.
     *
     * @param bytes the elements' bytes, read from position to limit; may span several tensors
     * @throws IllegalArgumentException when the bytes are not whole elements of the current tensor's dtype
     * @throws IllegalStateException when they pass the end of the last tensor
     * @throws IOException when the file cannot be written
     */
    public void writeRaw(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            TensorInfo t = currentTensor();
            int esz = t.dtype().byteSize();
            if (bytes.remaining() % esz != 0) {
                throw new IllegalArgumentException("raw bytes are not whole " + t.dtype() + " elements");
            }
            long n = Math.min(bytes.remaining() / esz, remainingInCurrent);
            for (long k = 0; k < n * esz; k++) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                buffer.put(bytes.get());
            }
            remainingInCurrent -= n;
            if (remainingInCurrent == 0) {
                advance();
            }
        }
    }

    private TensorInfo currentTensor() {
        if (current >= tensors.size()) {
            throw new IllegalStateException("more values than the declared tensors hold");
        }
        return tensors.get(current);
    }

    private void advance() {
        do {
            current++;
            remainingInCurrent = current < tensors.size() ? tensors.get(current).elementCount() : 0;
        } while (current < tensors.size() && remainingInCurrent == 0);
    }

    private void put(DType dtype, float v) {
        switch (dtype) {
            case F64 -> buffer.putDouble(v);
            case F32 -> buffer.putFloat(v);
            case F16 -> buffer.putShort(FloatConversions.floatToHalfBits(v));
            case BF16 -> buffer.putShort(FloatConversions.floatToBfloat16Bits(v));
            case I64 -> buffer.putLong((long) v);
            case I32 -> buffer.putInt((int) v);
            case I16 -> buffer.putShort((short) (int) v);
            case I8 -> buffer.put((byte) (int) v);
            case U8 -> buffer.put((byte) (int) v);
            case BOOL -> buffer.put((byte) (v != 0 ? 1 : 0));
            case F8_E4M3, F8_E5M2 -> throw new UnsupportedOperationException(
                    "writing " + dtype + " from floats is not supported; use writeRaw");
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /**
     * Flushes and closes the file.
     *
     * @throws IllegalStateException if fewer values were written than the tensors hold (the file is left incomplete)
     * @throws IOException if the last values cannot be written or the file closed
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            channel.close();
        }
        if (current < tensors.size()) {
            throw new IllegalStateException("closed after " + current + " of " + tensors.size()
                    + " tensors were written; the file is incomplete");
        }
    }
}
