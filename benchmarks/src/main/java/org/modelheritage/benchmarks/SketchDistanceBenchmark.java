package org.modelheritage.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.modelheritage.lineage.SpectralKernels;
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
 * The library's pairwise distance kernel: the Gram matrix {@code D Dᵀ} of the difference of two
 * models' {@code side × side} sketches of one weight matrix (its eigenvalues are the squared
 * singular values the lineage distances and the LoRA rank come from), pure Java
 * ({@link SpectralKernels#differenceGram}, in double) vs DJL ({@code d = a − b; d·dᵀ} in float64,
 * PyTorch CPU, one thread), same inputs. 128 is the library's default sketch side; 512 shows how
 * the cubic cost grows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SketchDistanceBenchmark {

    @Param({"128", "512"})
    public int side;

    private float[] a;
    private float[] b;
    private NDManager manager;
    private NDArray ndA;
    private NDArray ndB;

    @Setup(Level.Trial)
    public void setUp() {
        Random rng = new Random(7);
        a = new float[side * side];
        b = new float[side * side];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (0.02 * rng.nextGaussian());
            b[i] = a[i] + (float) (1e-3 * rng.nextGaussian());
        }
        manager = OfflineDjl.pytorchOneThread().newBaseManager();
        ndA = manager.create(a, new Shape(side, side)).toType(DataType.FLOAT64, false);
        ndB = manager.create(b, new Shape(side, side)).toType(DataType.FLOAT64, false);
        double[] java = gramJava();
        double[] djl = gramDjl();
        for (int i = 0; i < java.length; i++) {
            if (Math.abs(java[i] - djl[i]) > 1e-9 + 1e-6 * Math.abs(java[i])) {
                throw new IllegalStateException("Gram entry " + i + ": Java " + java[i] + ", DJL " + djl[i]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public double[] gramJava() {
        return SpectralKernels.differenceGram(a, b, side, side);
    }

    @Benchmark
    public double[] gramDjl() {
        try (NDManager scope = manager.newSubManager()) {
            ndA.tempAttach(scope);
            ndB.tempAttach(scope);
            NDArray d = ndA.sub(ndB);
            return d.matMul(d.transpose()).toDoubleArray();
        }
    }
}
