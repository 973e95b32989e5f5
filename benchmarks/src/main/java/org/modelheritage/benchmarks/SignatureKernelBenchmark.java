package org.modelheritage.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.modelheritage.read.DType;
import org.modelheritage.signature.MomentAccumulator;
import org.modelheritage.signature.QuantizationProbe;
import org.modelheritage.signature.SketchPlan;
import org.modelheritage.signature.TensorStatistics;
import org.modelheritage.simd.Kernels;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signature pass's work on one F32 weight matrix already in memory, against
 * {@code System.arraycopy} of the same floats, on one core: what the pass costs beyond moving
 * the bytes. {@link #signaturePass} is what {@code SignatureExtractor} runs per chunk of a lineage
 * matrix (moments, sketch collector, quantisation probe) with the kernels this JVM selected;
 * {@link #powerSumsScalar}, {@link #powerSumsVector} and {@link #powerSumsVector256} run the moments'
 * loop alone with each kernel set (the last on 256-bit vectors whatever the CPU has), and the decode benchmarks widen 1 MiB of BF16 or F16 with each. The fork resolves
 * {@code jdk.incubator.vector}; add {@code -jvmArgsAppend "--add-modules jdk.incubator.vector -Dmh.kernels=scalar"} (the option replaces the annotation's) to run
 * {@link #signaturePass} on the scalar loops.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SignatureKernel -f 1 -wi 2 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SignatureKernelBenchmark {
    /** A ViT-Base projection (768², 2.4 MB, in L2/L3) and a 4096² matrix (64 MB). */
    @Param({"768", "4096"})
    public int side;

    /** The readers hand a sink 256 Ki floats at a time (a 1 MiB read buffer). */
    static final int CHUNK = 1 << 18;

    private float[] a;
    private float[] copy;
    /** {@code a} cut as the readers hand it to sinks. */
    private float[][] chunks;
    private SketchPlan plan;
    private final double[] sums = new double[4];
    private final float[] minMax = new float[2];
    private ByteBuffer halves;
    private float[] widened;
    private Kernels vector256;

    @Setup(Level.Trial)
    public void setUp() {
        int n = side * side;
        SplittableRandom rng = new SplittableRandom(42);
        a = new float[n];
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            a[i] = (float) (0.02 * g * (1 + 0.5 * g * g));
        }
        copy = new float[n];
        chunks = new float[(n + CHUNK - 1) / CHUNK][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = java.util.Arrays.copyOfRange(a, c * CHUNK, Math.min(n, (c + 1) * CHUNK));
        }
        plan = SketchPlan.of("encoder.layer.0.attention.query.weight", new long[] {side, side}, 128);
        halves = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < (1 << 19); i++) {
            halves.putShort(2 * i, (short) (0x3000 + (i & 0x0FFF))); // normal halves and bfloat16s
        }
        widened = new float[1 << 19];
        if (Kernels.vector() == null) {
            throw new IllegalStateException("the Vector API kernels did not load: run with --add-modules jdk.incubator.vector");
        }
        try {
            vector256 = (Kernels) Class.forName("org.modelheritage.simd.vector.VectorKernels")
                    .getMethod("ofWidth", int.class).invoke(null, 256);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public float[] arraycopy() {
        System.arraycopy(a, 0, copy, 0, a.length);
        return copy;
    }

    @Benchmark
    public TensorStatistics signaturePass() {
        MomentAccumulator moments = new MomentAccumulator();
        SketchPlan.Collector collector = plan.collector();
        QuantizationProbe probe = new QuantizationProbe(new long[] {0, 1, 2, 3}, side, DType.F32);
        for (float[] chunk : chunks) {
            moments.accept(chunk, chunk.length);
            collector.accept(chunk, chunk.length);
            probe.accept(chunk, chunk.length);
        }
        collector.sketch();
        return moments.toStatistics("w", DType.F32, new long[] {side, side});
    }

    @Benchmark
    public double powerSumsScalar() {
        return powerSums(Kernels.scalar());
    }

    @Benchmark
    public double powerSumsVector() {
        return powerSums(Kernels.vector());
    }

    /** The power sums on 256-bit vectors, what a CPU without 512-bit ones runs (the same bits). */
    @Benchmark
    public double powerSumsVector256() {
        return powerSums(vector256);
    }

    private double powerSums(Kernels k) {
        double total = 0;
        for (int from = 0; from < a.length; from += 4096) {
            k.powerSums(a, from, Math.min(a.length, from + 4096), 0.0, sums, minMax);
            total += sums[3] + minMax[0];
        }
        return total;
    }

    @Benchmark
    public float[] decodeBf16Scalar() {
        Kernels.scalar().decodeBf16(halves, 0, widened, 0, widened.length);
        return widened;
    }

    @Benchmark
    public float[] decodeBf16Vector() {
        Kernels.vector().decodeBf16(halves, 0, widened, 0, widened.length);
        return widened;
    }

    @Benchmark
    public float[] decodeF16Scalar() {
        Kernels.scalar().decodeF16(halves, 0, widened, 0, widened.length);
        return widened;
    }

    @Benchmark
    public float[] decodeF16Vector() {
        Kernels.vector().decodeF16(halves, 0, widened, 0, widened.length);
        return widened;
    }
}
