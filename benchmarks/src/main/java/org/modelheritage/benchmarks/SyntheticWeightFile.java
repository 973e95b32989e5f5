package org.modelheritage.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;

/**
 * A model whose weights are computed on the fly, never stored: {@code layers} square F32 matrices
 * of {@code side × side}. The root's values are heavy-tailed ({@code 0.05 u³}, u uniform in
 * (-1, 1), a counter-based hash of (tensor, index) so every read gives the same values); a
 * child is the root plus {@code 0.002 v}, v uniform from its own seed — a fine-tuning delta.
 * Streams in 64 Ki-value chunks through one reused buffer, so a model of any size costs the same
 * few hundred KB: whatever memory the engine uses when adding it is the engine's own.
 */
final class SyntheticWeightFile implements WeightFile {
    private static final int CHUNK = 1 << 16;

    private final List<TensorInfo> tensors = new ArrayList<>();
    private final long childSeed;

    /** @param childSeed 0 for the root, anything else for a child of it */
    SyntheticWeightFile(int layers, int side, long childSeed) {
        for (int i = 0; i < layers; i++) {
            tensors.add(new TensorInfo("blocks." + i + ".weight", DType.F32, new long[] {side, side}));
        }
        this.childSeed = childSeed;
    }

    @Override
    public Path path() {
        return Path.of("synthetic-" + childSeed + ".safetensors");
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.SAFETENSORS;
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void read(String name, FloatSink sink) {
        int t = -1;
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i).name().equals(name)) {
                t = i;
            }
        }
        if (t < 0) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        long n = tensors.get(t).elementCount();
        float[] buffer = new float[(int) Math.min(CHUNK, n)];
        long rootBase = (t + 1L) << 40;
        long childBase = childSeed == 0 ? 0 : (childSeed << 20) ^ ((t + 1L) << 52);
        for (long start = 0; start < n; start += buffer.length) {
            int len = (int) Math.min(buffer.length, n - start);
            for (int k = 0; k < len; k++) {
                long i = start + k;
                float u = uniform(rootBase + i);
                float v = u * u * u * 0.05f;
                if (childSeed != 0) {
                    v += 0.002f * uniform(childBase + i * 0x9E3779B97F4A7C15L);
                }
                buffer[k] = v;
            }
            sink.accept(buffer, len);
        }
    }

    /** SplitMix64's finaliser: a uniform value in (-1, 1) for any counter. */
    private static float uniform(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return ((z >>> 40) + 0.5f) * 0x1.0p-23f - 1f;
    }

    @Override
    public void close() {
    }
}
