package org.modelheritage.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The machine's memory copy rate, as the baseline for {@link ReadThroughputBenchmark}: copying
 * 1 GiB between float arrays, and from an off-heap buffer into a float array (what decoding F32
 * costs at best), reported as GB copied per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MemoryBandwidthBenchmark {
    static final int FLOATS = 1 << 28; // 1 GiB

    private float[] source;
    private float[] target;
    private ByteBuffer direct;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Copied {
        public double gigabytes;
    }

    @Setup(Level.Trial)
    public void allocate() {
        source = new float[FLOATS];
        Arrays.fill(source, 0.5f);
        target = new float[FLOATS];
        direct = ByteBuffer.allocateDirect(FLOATS * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < FLOATS; i++) {
            direct.putFloat(i * 4, 0.25f);
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        source = null;
        target = null;
        direct = null;
    }

    @Benchmark
    public void arraycopy(Copied copied, Blackhole bh) {
        System.arraycopy(source, 0, target, 0, FLOATS);
        bh.consume(target);
        copied.gigabytes += FLOATS * 4 / 1e9;
    }

    @Benchmark
    public void directBufferToFloatArray(Copied copied, Blackhole bh) {
        direct.clear();
        direct.asFloatBuffer().get(target);
        bh.consume(target);
        copied.gigabytes += FLOATS * 4 / 1e9;
    }
}
