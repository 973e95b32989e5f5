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

    /** The file or directory this was opened from. */
    Path path();

    /** The file's format, detected from its content. */
    WeightFormat format();

    /** Every tensor, in the order the file lists them. Names are unique. */
    List<TensorInfo> tensors();

    /** Free-form string metadata (safetensors {@code __metadata__}); empty when there is none. */
    Map<String, String> metadata();

    /** The tensor with this name, if the file has one. */
    default Optional<TensorInfo> tensor(String name) {
        return tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Sum of all tensors' element counts. Tensors that share storage are counted once per name. */
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
     * @throws WeightFormatException if the tensor's data is missing or malformed
     * @throws IllegalArgumentException if there is no tensor of that name
     */
    void read(String name, FloatSink sink) throws IOException;

    /** All values of a tensor in one array; only for tensors of fewer than 2^31 - 8 elements. */
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

    @Override
    void close() throws IOException;
}
