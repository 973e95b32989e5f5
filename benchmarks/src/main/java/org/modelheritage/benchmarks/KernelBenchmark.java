package org.modelheritage.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.modelheritage.signature.MomentAccumulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MoTHer's two element-wise kernels on one weight matrix, pure Java vs DJL NDArray (PyTorch, CPU,
 * one thread), on the same inputs:
 * <ul>
 * <li>kurtosis: the library's own {@link MomentAccumulator} (what the signature pass runs on every
 * tensor, fed in the readers' 1 Mi-element chunks) against DJL computing {@code m4 / m2² − 3};
 * <li>the paper's distance, the mean absolute difference of two matrices: a straightforward Java
 * loop (the library's lineage distances work on sketches instead, see
 * {@link SketchDistanceBenchmark}) against DJL's {@code a.sub(b).abs().mean()}.
 * </ul>
 * Each op reads {@code n} floats (kurtosis) or {@code 2n} (distance): 4n or 8n bytes divided by the
 * seconds per op is the GB/s per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class KernelBenchmark {

    /** Elements of one matrix: 768² (a ViT-Base projection, 2.4 MB) and 4096² (64 MB, past the caches). */
    @Param({"589824", "16777216"})
    public int n;

    private float[] a;
    private float[] b;
    private NDManager manager;
    private NDArray ndA;
    private NDArray ndB;
    private NDArray scratch;
    /** {@code a} cut as the readers hand tensors to a FloatSink. */
    private float[][] chunks;

    @Setup(Level.Trial)
    public void setUp() {
        Random rng = new Random(42);
        a = new float[n];
        b = new float[n];
        for (int i = 0; i < n; i++) {
            // A heavy-tailed "pre-trained" matrix and a fine-tuned copy of it.
            double g = rng.nextGaussian();
            a[i] = (float) (0.02 * g * (1 + 0.5 * g * g));
            b[i] = a[i] + (float) (1e-3 * rng.nextGaussian());
        }
        int chunk = 1 << 20;
        chunks = new float[(n + chunk - 1) / chunk][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = java.util.Arrays.copyOfRange(a, c * chunk, Math.min(n, (c + 1) * chunk));
        }
        Engine engine = OfflineDjl.pytorchOneThread();
        manager = engine.newBaseManager();
        ndA = manager.create(a, new Shape(n));
        ndB = manager.create(b, new Shape(n));
        scratch = manager.zeros(new Shape(n));
        agree("distance", distanceJava(), distanceDjl(), distanceDjl());
        agree("kurtosis", kurtosisJava(), kurtosisDjl(), kurtosisDjlInPlace());
    }

    /** The variants must compute the same number (to float precision), or the timings mean nothing. */
    private static void agree(String what, double java, double djl, double djlInPlace) {
        for (double other : new double[] {djl, djlInPlace}) {
            if (Math.abs(other - java) > 1e-3 * Math.abs(java)) {
                throw new IllegalStateException(what + ": Java says " + java + ", DJL " + djl + " / " + djlInPlace);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public double distanceJava() {
        return JavaKernels.meanAbsDifference(a, b);
    }

    @Benchmark
    public float distanceDjl() {
        // Intermediates live in the scope and die with it; the inputs go back to the base manager.
        try (NDManager scope = manager.newSubManager()) {
            ndA.tempAttach(scope);
            ndB.tempAttach(scope);
            return ndA.sub(ndB).abs().mean().getFloat();
        }
    }

    @Benchmark
    public double kurtosisJava() {
        MomentAccumulator acc = new MomentAccumulator();
        for (float[] chunk : chunks) {
            acc.accept(chunk, chunk.length);
        }
        return acc.excessKurtosis();
    }

    @Benchmark
    public float kurtosisDjl() {
        try (NDManager scope = manager.newSubManager()) {
            ndA.tempAttach(scope);
            NDArray squared = ndA.sub(ndA.mean()).square();
            float m2 = squared.mean().getFloat();
            float m4 = squared.square().mean().getFloat();
            return m4 / (m2 * m2) - 3f;
        }
    }

    /**
     * The same without tensor-sized allocations (one scratch buffer, in-place ops): PyTorch's fresh
     * output buffers are page-faulted in on every op, which dominates the idiomatic version on large
     * tensors. (The distance has no such variant: DJL has no in-place abs, and {@code norm(1)}
     * sums in float and drifts by 2% over 16 M values, so it would not compute the same number.)
     */
    @Benchmark
    public float kurtosisDjlInPlace() {
        try (NDManager scope = manager.newSubManager()) {
            ndA.tempAttach(scope);
            scratch.tempAttach(scope);
            float mean = ndA.mean().getFloat();
            scratch.muli(0f).addi(ndA).subi(mean).muli(scratch);
            float m2 = scratch.mean().getFloat();
            float m4 = scratch.muli(scratch).mean().getFloat();
            return m4 / (m2 * m2) - 3f;
        }
    }
}
