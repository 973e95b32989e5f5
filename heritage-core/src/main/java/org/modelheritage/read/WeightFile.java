package org.modelheritage.read;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open weight file (or sharded checkpoint): its tensor list, read from the header alone, and
 * streaming access to each tensor's values in bounded memory. Open one with
 * {@link WeightReaders#open(Path)}. Not thread-safe unless an implementation says so.
 */
public interface WeightFile extends AutoCloseable {

    /** {@return the file or directory this was opened from} */
    Path path();

    /** {@return the file's format, detected from its content} */
    WeightFormat format();

    /** {@return every tensor, in the order the file lists them; names are unique} */
    List<TensorInfo> tensors();

    /** {@return free-form string metadata (safetensors {@code __metadata__}); empty when there is none} */
    Map<String, String> metadata();

    /**
     * The tensor with this name, if the file has one.
     *
     * @param name the tensor's name as the file spells it
     * @return its description, or empty
     */
    default Optional<TensorInfo> tensor(String name) {
        return tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** {@return the sum of all tensors' element counts; tensors that share storage are counted once per name} */
    default long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors()) {
            n += t.elementCount();
        }
        return n;
    }

    /**
     * Streams one tensor's values, converted to float, in row-major order, in chunks to
     * {@code sink}. Memory use is bounded by the chunk size, whatever the tensor's size.
     *
     * @param name the tensor's name as the file spells it
     * @param sink receives the values chunk by chunk, in order; a chunk's array is reused after the call returns
     * @throws WeightFormatException if the tensor's data is missing or malformed
     * @throws IllegalArgumentException if there is no tensor of that name
     * @throws IOException if the file cannot be read
     */
    void read(String name, FloatSink sink) throws IOException;

    /**
     * All values of a tensor in one array; only for tensors of fewer than 2^31 - 8 elements.
     *
     * @param name the tensor's name as the file spells it
     * @return the values as float, row-major
     * @throws IllegalArgumentException if there is no tensor of that name or it has too many elements
     * @throws WeightFormatException if the tensor's data is missing or malformed
     * @throws IOException if the file cannot be read
     */
    default float[] readFloats(String name) throws IOException {
        TensorInfo info = tensor(name).orElseThrow(() -> new IllegalArgumentException("no tensor named " + name));
        if (info.elementCount() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + name + " has " + info.elementCount()
                    + " elements, too many for one array; use read(name, sink)");
        }
        float[] out = new float[(int) info.elementCount()];
        int[] pos = {0};
        read(name, (values, length) -> {
            System.arraycopy(values, 0, out, pos[0], length);
            pos[0] += length;
        });
        return out;
    }

    /**
     * Releases the file (its channel, a mapped zip, shards' handles).
     *
     * @throws IOException if closing fails
     */
    @Override
    void close() throws IOException;
}
