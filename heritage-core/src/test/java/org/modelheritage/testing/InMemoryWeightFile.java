package org.modelheritage.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;

/**
 * A weight file held in memory, for tests: tensors are streamed in small chunks (so chunk
 * boundaries fall inside rows), and a tensor declared BF16 has its values rounded to BF16 as a
 * file would store them.
 */
public final class InMemoryWeightFile implements WeightFile {
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final List<TensorInfo> tensors = new ArrayList<>();
    private final int chunk;

    public InMemoryWeightFile() {
        this(1000);
    }

    public InMemoryWeightFile(int chunk) {
        this.chunk = chunk;
    }

    /** Adds a tensor (values row-major; copied, and rounded when the dtype is BF16). */
    public InMemoryWeightFile put(String name, DType dtype, long[] shape, float[] data) {
        TensorInfo info = new TensorInfo(name, dtype, shape);
        if (info.elementCount() != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for " + info);
        }
        float[] copy = data.clone();
        if (dtype == DType.BF16) {
            for (int i = 0; i < copy.length; i++) {
                copy[i] = toBf16(copy[i]);
            }
        }
        values.put(name, copy);
        tensors.add(info);
        return this;
    }

    public InMemoryWeightFile put(String name, long[] shape, float[] data) {
        return put(name, DType.F32, shape, data);
    }

    /** Round to nearest even BF16, as PyTorch's {@code .to(torch.bfloat16)} does. */
    public static float toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return f;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(((bits + rounding) >>> 16) << 16);
    }

    @Override
    public Path path() {
        return Path.of("memory");
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.SAFETENSORS;
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void read(String name, FloatSink sink) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        float[] buffer = new float[chunk];
        for (int from = 0; from < v.length; from += chunk) {
            int n = Math.min(chunk, v.length - from);
            System.arraycopy(v, from, buffer, 0, n);
            sink.accept(buffer, n);
        }
    }

    @Override
    public void close() {
    }
}
