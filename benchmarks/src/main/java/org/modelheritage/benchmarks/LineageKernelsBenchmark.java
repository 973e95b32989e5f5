package org.modelheritage.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.modelheritage.lineage.SpectralKernels;
import org.modelheritage.signature.MomentAccumulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The lineage kernels, one core each. Throughput benchmarks count bytes of float32 input: their
 * "ops/s" are bytes per second (divide by 1e9 for GB/s).
 *
 * <ul>
 * <li>{@code moments}: the per-tensor statistics of the signature pass (count, mean, central
 *     moments to the fourth, min, max) over a 4 MiB chunk, as the reader hands it over.
 * <li>{@code spectrum}: the pairwise distance kernel: the squared singular values of the
 *     difference of two sketches ({@code size x size}), from which the spectral-tail distance,
 *     the numerical rank and the duplicate test all come.
 * <li>{@code tailVote}: the direction evidence of one matrix on one tree edge (eigenvectors).
 * <li>{@code correlation}: the family-link kernel, the Pearson correlation of two sketches.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar LineageKernels -f 1 -wi 2 -i 3 -w 2s -r 2s</pre>
 */
@State(Scope.Thread)
@Threads(1)
public class LineageKernelsBenchmark {
    static final int CHUNK = 1 << 20;

    @Param({"128"})
    public int size;

    private float[] chunk;
    private float[] a;
    private float[] b;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(42);
        chunk = new float[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = (float) (rng.nextGaussian() * 0.02);
        }
        a = new float[size * size];
        b = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextGaussian() * 0.02);
            b[i] = a[i] + (float) (rng.nextGaussian() * 0.005);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(4 * CHUNK)
    public double moments() {
        MomentAccumulator m = new MomentAccumulator();
        m.accept(chunk, CHUNK);
        return m.excessKurtosis();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public double spectrum() {
        return SpectralKernels.tailEnergy(SpectralKernels.differenceSpectrum(a, b, size, size));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public double tailVote() {
        return SpectralKernels.tailEnergyChange(a, b, size, size);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(4 * 2 * 128 * 128)
    public double correlation() {
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
