package org.modelheritage.signature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;

/**
 * Computes a {@link ModelSignature} in one streaming pass over a weight file: each tensor is read
 * once, and every chunk feeds both its {@link MomentAccumulator} and, for a weight matrix, its
 * {@link SketchPlan.Collector}. Memory is the reader's chunk plus the sketches, whatever the
 * file's size. Tensors without elements appear in the structural hash only. Thread-safe: one extractor may serve several threads, each with its own file.
 */
public final class SignatureExtractor {
    /** Default side of the sketch kept of each lineage matrix (whole when smaller). */
    public static final int DEFAULT_SKETCH_SIZE = Integer.getInteger("mh.sketchSize", 128);
    /**
     * Default number of columns kept of the other matrices (embeddings, heads, MLP weights). They
     * keep as many rows as the lineage matrices: the row-wise signals ({@code ROW_DECAY}, the
     * untouched rows of {@code RowStates}) read whole rows, and an embedding's untouched rows are
     * the tokens a fine-tune's data lacks, a fraction of its vocabulary the sample must catch.
     */
    public static final int DEFAULT_MINOR_SKETCH_SIZE = 32;

    private final int sketchSize;
    private final int minorSketchSize;

    /**
     * An extractor with the default sketch sizes: {@link #DEFAULT_SKETCH_SIZE} for lineage matrices,
     * as many rows and {@value #DEFAULT_MINOR_SKETCH_SIZE} columns for the others.
     */
    public SignatureExtractor() {
        this(DEFAULT_SKETCH_SIZE, DEFAULT_MINOR_SKETCH_SIZE);
    }

    /**
     * An extractor with its own sketch sizes. Signatures of one lake must all be taken with the
     * same sizes, or their sketches meet only on the rows and columns both kept.
     *
     * @param sketchSize side of the sketch of each lineage matrix, and the rows kept of the others, at least 2
     * @param minorSketchSize columns kept of the other weight matrices, at least 2
     * @throws IllegalArgumentException when a size is below 2
     */
    public SignatureExtractor(int sketchSize, int minorSketchSize) {
        if (sketchSize < 2 || minorSketchSize < 2) {
            throw new IllegalArgumentException("sketch sizes must be at least 2");
        }
        this.sketchSize = sketchSize;
        this.minorSketchSize = minorSketchSize;
    }

    /** {@return the side of the lineage matrices' sketches, in rows and columns} */
    public int sketchSize() {
        return sketchSize;
    }

    /**
     * The lineage matrices of a structure: its square 2-D matrices (attention projections, square
     * hidden layers: what MoTHer compares) when it has any, else every weight matrix.
     *
     * @param t                  a tensor of the structure
     * @param structureHasSquare what {@link #hasSquareMatrix} says of the whole structure
     * @return whether {@code t} is a floating-point matrix that counts as a lineage matrix
     */
    public static boolean isLineageMatrix(TensorInfo t, boolean structureHasSquare) {
        if (!t.dtype().isFloatingPoint() || SketchPlan.matrixShape(t.shape()).length == 0) {
            return false;
        }
        return !structureHasSquare || t.isSquareMatrix();
    }

    /**
     * Whether a structure has a floating-point square matrix.
     *
     * @param tensors every tensor of a model
     * @return true when at least one is a floating-point square matrix
     */
    public static boolean hasSquareMatrix(List<TensorInfo> tensors) {
        return tensors.stream().anyMatch(t -> t.dtype().isFloatingPoint() && t.isSquareMatrix());
    }

    /**
     * Reads the whole file once and returns its signature: every tensor streamed once, in bounded memory.
     *
     * @param file an open weight file; not closed
     * @return the model's signature
     * @throws org.modelheritage.read.WeightFormatException when a tensor's data is missing or malformed
     * @throws IOException when the file cannot be read
     */
    public ModelSignature extract(WeightFile file) throws IOException {
        List<TensorInfo> infos = file.tensors();
        boolean square = hasSquareMatrix(infos);
        List<TensorStatistics> stats = new ArrayList<>(infos.size());
        List<MatrixSketch> sketches = new ArrayList<>();
        java.util.Map<String, QuantizationFit> quantization = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> canonical = canonicalNames(infos);
        long params = 0;
        int layers = 0;
        for (TensorInfo t : infos) {
            String name = canonical.get(t.name());
            params += t.elementCount();
            boolean matrix = SketchPlan.matrixShape(t.shape()).length > 0;
            if (matrix) {
                layers++;
            }
            if (t.elementCount() == 0) {
                // No values, nothing to compare: it stays in the structural hash, but it costs no
                // statistic (a file of a million [0] tensors would otherwise hold a million of them).
                continue;
            }
            MomentAccumulator moments = new MomentAccumulator();
            SketchPlan plan = null;
            boolean lineage = isLineageMatrix(t, square);
            if (matrix && t.dtype().isFloatingPoint()) {
                plan = lineage ? SketchPlan.of(name, t.shape(), sketchSize)
                        : SketchPlan.of(name, t.shape(), Math.max(sketchSize, minorSketchSize), minorSketchSize);
            }
            if (plan == null) {
                file.read(t.name(), moments);
            } else {
                SketchPlan.Collector collector = plan.collector();
                // the lineage matrices are probed for a quantisation grid (quantisers leave the
                // embeddings and heads alone; in a model without square matrices every matrix is one)
                if (lineage) {
                    QuantizationProbe probe = new QuantizationProbe(plan.rowIndex(), plan.cols(), t.dtype());
                    file.read(t.name(), (values, length) -> {
                        moments.accept(values, length);
                        collector.accept(values, length);
                        probe.accept(values, length);
                    });
                    quantization.put(name, probe.fit());
                } else {
                    file.read(t.name(), (values, length) -> {
                        moments.accept(values, length);
                        collector.accept(values, length);
                    });
                }
                sketches.add(collector.sketch());
            }
            stats.add(moments.toStatistics(name, t.dtype(), t.shape()));
        }
        int toolWrappers = infos.stream().mapToInt(t -> TensorNames.toolWrappers(t.name())).min().orElse(0);
        return new ModelSignature(structuralHash(infos), params, layers, stats, sketches, quantization,
                Math.min(toolWrappers, 255));
    }

    /**
     * Each tensor's canonical name ({@link TensorNames#canonical}); a tensor whose canonical name
     * another tensor of the file already has (or spells so itself) keeps its own name.
     */
    static java.util.Map<String, String> canonicalNames(List<TensorInfo> tensors) {
        java.util.Map<String, Integer> count = new java.util.HashMap<>();
        for (TensorInfo t : tensors) {
            count.merge(TensorNames.canonical(t.name()), 1, Integer::sum);
        }
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (TensorInfo t : tensors) {
            String c = TensorNames.canonical(t.name());
            out.put(t.name(), count.get(c) == 1 ? c : t.name());
        }
        return out;
    }

    /**
     * Hex SHA-256 over "name TAB shape" lines sorted by name; dtypes are left out on purpose, so a
     * dtype cast keeps the hash.
     *
     * @param tensors every tensor of a model, names as the file spells them
     * @return 64 lowercase hex digits
     */
    public static String structuralHash(List<TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(TensorInfo::name));
        StringBuilder sb = new StringBuilder();
        for (TensorInfo t : sorted) {
            sb.append(t.name()).append('\t');
            long[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ",").append(shape[i]);
            }
            sb.append('\n');
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
