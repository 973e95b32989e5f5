package org.modelheritage.simd;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The element-wise loops of the signature pass: the moments' power sums and the BF16/F16 decoding.
 * Two implementations compute the same numbers: {@link ScalarKernels}, always there, and
 * {@code VectorKernels}, on the JDK's Vector API, which Java 17 ships as the incubator module
 * {@code jdk.incubator.vector}. That module is only readable when the JVM starts with
 * {@code --add-modules jdk.incubator.vector}; a build or a run without the flag must keep working,
 * so the vector class is compiled with the rest of the library but only loaded (reflectively)
 * when the module is in the boot layer, and the CPU has at least 256-bit vectors (below that the
 * Vector API falls back to Java loops slower than the scalar ones). A multi-release jar would not
 * do: it picks classes by the Java version, not by a module being resolved.
 *
 * <p>{@code -Dmh.kernels=scalar} forces the scalar loops (to compare; the results are the same).
 */
public interface Kernels {

    /**
     * Lanes of the power sums: element {@code from + i} of a slice is added to lane {@code i mod 16}.
     * Sixteen independent sums per power keep the adds of a 256- or 512-bit vector loop out of each
     * other's way (a lane's next add waits for its previous one).
     */
    int LANES = 16;

    /**
     * Sums of {@code (x - k)^p}, p = 1..4, over {@code v[from..to)}, in double, into {@code out[0..3]},
     * and the minimum and maximum into {@code minMax[0..1]}. Summation order is fixed: element
     * {@code from + i} goes to lane {@code i mod 16} ({@link #LANES}), each lane adds its elements in
     * order, {@code (x - k)^3} is {@code ((x - k)(x - k))(x - k)} and {@code (x - k)^4} is
     * {@code ((x - k)(x - k))^2} (no fused multiply-add), and the lanes are combined as
     * {@code (g0 + g1) + (g2 + g3)} with {@code gq = (l4q + l4q+1) + (l4q+2 + l4q+3)}; every
     * implementation gives the same bits. Min and max are equal as numbers when the slice is finite
     * (the sign of a zero extreme may differ); when it is not, the sums are not finite either and the
     * caller filters.
     *
     * @param v      the values
     * @param from   the first index summed
     * @param to     one past the last index summed; {@code to - from} at least 1
     * @param k      the shift the powers are taken about (a value near the mean keeps the sums accurate)
     * @param out    receives the four sums of {@code (x - k)^p}, p = 1..4, in {@code out[0..3]}
     * @param minMax receives the minimum in {@code minMax[0]} and the maximum in {@code minMax[1]}
     */
    void powerSums(float[] v, int from, int to, double k, double[] out, float[] minMax);

    /**
     * Decodes bfloat16 elements to float, exactly.
     *
     * @param src    the encoded elements, read in the buffer's byte order; its position is not used or moved
     * @param srcPos the byte index of the first element in {@code src}
     * @param dst    receives the floats
     * @param dstPos the index of the first float written
     * @param count  how many elements to decode
     */
    void decodeBf16(ByteBuffer src, int srcPos, float[] dst, int dstPos, int count);

    /**
     * Decodes IEEE half (binary16) elements to float, exactly; see {@link HalfFloat}.
     *
     * @param src    the encoded elements, read in the buffer's byte order; its position is not used or moved
     * @param srcPos the byte index of the first element in {@code src}
     * @param dst    receives the floats
     * @param dstPos the index of the first float written
     * @param count  how many elements to decode
     */
    void decodeF16(ByteBuffer src, int srcPos, float[] dst, int dstPos, int count);

    /** {@return a short name for logs and benchmarks: "scalar", "vector-256" or "vector-512"} */
    String name();

    /** {@return the implementation this JVM uses: the vector loops when available, unless {@code -Dmh.kernels=scalar}} */
    static Kernels get() {
        return Selected.KERNELS;
    }

    /** {@return the scalar loops, whatever the JVM offers} */
    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * The Vector API loops, when this JVM runs them well.
     *
     * @return the vector kernels, or null when the JVM was started without
     *     {@code --add-modules jdk.incubator.vector} or its vectors are narrower than 256 bits
     */
    static Kernels vector() {
        return Selected.VECTOR;
    }

    /** Where the choice is made, once per JVM; a nested type only because interfaces hold no private state. Not for use. */
    final class Selected {
        private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
        static final Kernels VECTOR = loadVector();
        static final Kernels KERNELS = choose();

        private Selected() {
        }

        private static Kernels loadVector() {
            java.util.Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
            if (vector.isEmpty()) {
                return null;
            }
            try {
                // a named org.modelheritage.core does not require the incubator module: read it now
                Kernels.class.getModule().addReads(vector.get());
                Class<?> c = Class.forName("org.modelheritage.simd.vector.VectorKernels");
                return (Kernels) c.getMethod("createIfFast").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.warn("Vector API present but unusable ({}); using scalar kernels", e.toString());
                return null;
            }
        }

        private static Kernels choose() {
            String wanted = System.getProperty("mh.kernels", "auto");
            Kernels k = "scalar".equals(wanted) || VECTOR == null ? ScalarKernels.INSTANCE : VECTOR;
            LOG.debug("signature kernels: {}", k.name());
            return k;
        }
    }
}
