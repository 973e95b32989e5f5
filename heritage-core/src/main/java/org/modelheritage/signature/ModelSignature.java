package org.modelheritage.signature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.modelheritage.read.DType;

/**
 * What we keep of a model after one pass over its weights: its structure (parameter count, layer
 * count, structural hash), per-tensor statistics and a sketch of every weight matrix. Pairwise
 * distances are computed from signatures alone, never by reading the weights again. Immutable;
 * {@link #encode()} / {@link #decode(byte[])} give a compact, versioned binary form for storage.
 */
public final class ModelSignature {
    private static final int MAGIC = 0x4d485347; // "MHSG"
    private static final int VERSION = 3;

    private final String structuralHash;
    private final long parameterCount;
    private final int layerCount;
    private final List<TensorStatistics> tensors;
    private final Map<String, TensorStatistics> byName;
    private final Map<String, MatrixSketch> sketches;
    private final Map<String, QuantizationFit> quantization;
    private final String architecture;
    private final int toolWrappers;

    /**
     * A model's signature without quantisation fits: its structural hash, parameter and layer
     * counts, per-tensor statistics and sketches.
     *
     * @param structuralHash hex SHA-256 of the tensor names and shapes, not null
     * @param parameterCount the sum of all tensors' element counts
     * @param layerCount     the number of weight matrices
     * @param tensors        statistics of every tensor, each name once; copied
     * @param sketches       sketches of weight matrices, each of a tensor in {@code tensors}
     * @throws IllegalArgumentException when a tensor name repeats or a sketch names an unknown tensor
     * @throws NullPointerException when {@code structuralHash} or a list is null
     */
    public ModelSignature(String structuralHash, long parameterCount, int layerCount, List<TensorStatistics> tensors,
            List<MatrixSketch> sketches) {
        this(structuralHash, parameterCount, layerCount, tensors, sketches, Map.of());
    }

    /**
     * A model's signature with the quantisation fits of its probed matrices.
     *
     * @param structuralHash hex SHA-256 of the tensor names and shapes, not null
     * @param parameterCount the sum of all tensors' element counts
     * @param layerCount     the number of weight matrices
     * @param tensors statistics of every tensor, keyed by canonical name ({@link TensorNames})
     * @param sketches       sketches of weight matrices, each of a tensor in {@code tensors}
     * @param quantization how the probed matrices fit a quantisation grid, by tensor name
     * @throws IllegalArgumentException when a tensor name repeats, or a sketch or fit names an unknown tensor
     * @throws NullPointerException when {@code structuralHash} or a collection is null
     */
    public ModelSignature(String structuralHash, long parameterCount, int layerCount, List<TensorStatistics> tensors,
            List<MatrixSketch> sketches, Map<String, QuantizationFit> quantization) {
        this(structuralHash, parameterCount, layerCount, tensors, sketches, quantization, 0);
    }

    /**
     * A model's signature with the quantisation fits of its probed matrices and the tool wrappers
     * its tensor names carry.
     *
     * @param structuralHash hex SHA-256 of the tensor names and shapes, not null
     * @param parameterCount the sum of all tensors' element counts
     * @param layerCount     the number of weight matrices
     * @param tensors statistics of every tensor, keyed by canonical name ({@link TensorNames})
     * @param sketches       sketches of weight matrices, each of a tensor in {@code tensors}
     * @param quantization how the probed matrices fit a quantisation grid, by tensor name
     * @param toolWrappers   {@link #toolWrappers()}, 0 to 255
     * @throws IllegalArgumentException when a tensor name repeats, or a sketch or fit names an
     *     unknown tensor, or {@code toolWrappers} is out of range
     * @throws NullPointerException when {@code structuralHash} or a collection is null
     */
    public ModelSignature(String structuralHash, long parameterCount, int layerCount, List<TensorStatistics> tensors,
            List<MatrixSketch> sketches, Map<String, QuantizationFit> quantization, int toolWrappers) {
        if (toolWrappers < 0 || toolWrappers > 255) {
            throw new IllegalArgumentException("toolWrappers " + toolWrappers);
        }
        this.toolWrappers = toolWrappers;
        this.structuralHash = Objects.requireNonNull(structuralHash, "structuralHash");
        this.parameterCount = parameterCount;
        this.layerCount = layerCount;
        this.tensors = List.copyOf(tensors);
        Map<String, TensorStatistics> names = new LinkedHashMap<>();
        for (TensorStatistics t : this.tensors) {
            if (names.put(t.name(), t) != null) {
                throw new IllegalArgumentException("two statistics for tensor " + t.name());
            }
        }
        this.byName = Collections.unmodifiableMap(names);
        Map<String, MatrixSketch> s = new LinkedHashMap<>();
        for (MatrixSketch m : sketches) {
            if (!names.containsKey(m.name())) {
                throw new IllegalArgumentException("sketch of unknown tensor " + m.name());
            }
            s.put(m.name(), m);
        }
        this.sketches = Collections.unmodifiableMap(s);
        Map<String, QuantizationFit> q = new java.util.TreeMap<>();
        quantization.forEach((name, fit) -> {
            if (!names.containsKey(name)) {
                throw new IllegalArgumentException("quantisation fit of unknown tensor " + name);
            }
            q.put(name, fit);
        });
        this.quantization = Collections.unmodifiableMap(q);
        this.architecture = architectureOf(this.tensors);
    }

    /**
     * What decides whether two models can be compared at all: SHA-256 over the canonical names and
     * shapes of the lineage matrices (the square matrices; when there are none, every matrix with
     * its first axis left out, the axis a vocabulary resize changes). Renamed tensors, a resized
     * vocabulary, a tied or untied head and a dtype cast leave it unchanged; a different
     * architecture changes it.
     *
     * @return the architecture's hex SHA-256
     */
    public String architecture() {
        return architecture;
    }

    private static String architectureOf(List<TensorStatistics> tensors) {
        List<String> lines = new ArrayList<>();
        boolean square = tensors.stream().anyMatch(t -> isMatrix(t) && isSquare(t));
        for (TensorStatistics t : tensors) {
            if (!isMatrix(t) || (square && !isSquare(t))) {
                continue;
            }
            long[] m = SketchPlan.matrixShape(t.shape());
            lines.add(t.name() + "\t" + (square ? m[0] + "," : "") + m[1]);
        }
        Collections.sort(lines);
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(sha.digest(String.join("\n", lines)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static boolean isMatrix(TensorStatistics t) {
        return t.dtype().isFloatingPoint() && SketchPlan.matrixShape(t.shape()).length > 0;
    }

    private static boolean isSquare(TensorStatistics t) {
        long[] m = SketchPlan.matrixShape(t.shape());
        return m.length == 2 && m[0] == m[1];
    }

    /** {@return how the probed weight matrices fit a quantisation grid, by tensor name in name order; empty when none was probed} */
    public Map<String, QuantizationFit> quantization() {
        return quantization;
    }

    /**
     * True when the model's weights were quantised and dequantised: at least half of the matrices
     * whose fit could be decided sit on a grid (quantisers leave embeddings, heads and norms in
     * full precision, so not every matrix does).
     *
     * @return whether the model reads as quantised; false when no fit could be decided
     */
    public boolean quantized() {
        int decided = 0;
        int on = 0;
        for (QuantizationFit f : quantization.values()) {
            if (f.decided()) {
                decided++;
                if (f.onGrid()) {
                    on++;
                }
            }
        }
        return decided > 0 && 2 * on >= decided;
    }

    /**
     * Hex SHA-256 over the sorted tensor names (as the file spells them) and shapes, not dtypes: a
     * displayed property. Families are keyed by {@link #architecture()}, which survives renaming
     * and resizing.
     *
     * @return 64 lowercase hex digits
     */
    public String structuralHash() {
        return structuralHash;
    }

    /** {@return the sum of all tensors' element counts} */
    public long parameterCount() {
        return parameterCount;
    }

    /**
     * The number of weight matrices: tensors with at least two dimensions larger than one (linear,
     * convolution and embedding weights). Biases, norms and scalars are not layers.
     *
     * @return the count of weight matrices, at least 0
     */
    public int layerCount() {
        return layerCount;
    }

    /** {@return statistics of every tensor, named canonically, in file order; unmodifiable} */
    public List<TensorStatistics> tensors() {
        return tensors;
    }

    /**
     * The statistics of one tensor.
     *
     * @param name the tensor's canonical name ({@link TensorNames})
     * @return its statistics, or empty when the model has no such tensor
     */
    public Optional<TensorStatistics> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** {@return sketches of the weight matrices, by canonical tensor name, in file order; unmodifiable} */
    public Map<String, MatrixSketch> sketches() {
        return sketches;
    }

    /**
     * The sketches MoTHer compares: the square matrices when the model has any, else every
     * weight matrix (see {@link SignatureExtractor#isLineageMatrix}), sorted by name, so that the
     * order never depends on the order of tensors in the file.
     *
     * @return the lineage matrices' sketches, by name; empty for a model without weight matrices
     */
    public List<MatrixSketch> lineageMatrices() {
        List<MatrixSketch> square = sketches.values().stream().filter(MatrixSketch::isSquare).toList();
        List<MatrixSketch> out = new ArrayList<>(square.isEmpty() ? sketches.values() : square);
        out.sort(java.util.Comparator.comparing(MatrixSketch::name));
        return out;
    }

    /**
     * The coarsest floating-point storage among the sketched matrices: its unit roundoff is the
     * rounding noise a copy of another model in this precision carries (F32 2^-24, F16 2^-11,
     * BF16 2^-8).
     *
     * @return the largest unit roundoff of the sketched matrices' dtypes; 2^-53 when none is sketched
     */
    public double unitRoundoff() {
        double u = 0x1p-53;
        for (MatrixSketch m : sketches.values()) {
            u = Math.max(u, unitRoundoff(byName.get(m.name()).dtype()));
        }
        return u;
    }

    /**
     * Unit roundoff of a floating-point dtype (half an ulp of one).
     *
     * @param dtype a tensor's storage type
     * @return 2^-53 (F64), 2^-24 (F32), 2^-11 (F16), 2^-8 (BF16), 2^-4 (F8 E4M3), 2^-3 (F8 E5M2);
     *     0.5 for integer types, which keep nothing below one
     */
    public static double unitRoundoff(DType dtype) {
        return switch (dtype) {
            case F64 -> 0x1p-53;
            case F32 -> 0x1p-24;
            case F16 -> 0x1p-11;
            case BF16 -> 0x1p-8;
            case F8_E4M3 -> 0x1p-4;
            case F8_E5M2 -> 0x1p-3;
            default -> 0.5; // integers: nothing below one survives
        };
    }

    /**
     * How many tool wrappers ({@link TensorNames#toolWrappers}: DataParallel's {@code module.},
     * {@code torch.compile}'s {@code _orig_mod.}, PEFT's {@code base_model.model.}) lead the
     * file's tensor names, the fewest over its tensors. A model saved from inside a training or
     * adapting tool carries them; the one such a copy was made from usually does not.
     *
     * @return 0 when some tensor's name carries none
     */
    public int toolWrappers() {
        return toolWrappers;
    }

    /** {@return the compact binary form: a versioned header, the statistics, then the sketches as raw floats} */
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + 4 * sketchValueCount());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeUTF(structuralHash);
            out.writeLong(parameterCount);
            out.writeInt(layerCount);
            out.writeByte(toolWrappers);
            out.writeInt(tensors.size());
            for (TensorStatistics t : tensors) {
                out.writeUTF(t.name());
                out.writeUTF(t.dtype().name());
                writeLongs(out, t.shape());
                out.writeLong(t.count());
                out.writeLong(t.nonFinite());
                out.writeDouble(t.mean());
                out.writeDouble(t.variance());
                out.writeDouble(t.centralMoment3());
                out.writeDouble(t.centralMoment4());
                out.writeDouble(t.min());
                out.writeDouble(t.max());
            }
            out.writeInt(sketches.size());
            for (MatrixSketch m : sketches.values()) {
                out.writeUTF(m.name());
                out.writeLong(m.rows());
                out.writeLong(m.cols());
                writeLongs(out, m.rowIndex());
                writeLongs(out, m.colIndex());
                writeFloats(out, m.valuesView());
            }
            out.writeInt(quantization.size());
            for (Map.Entry<String, QuantizationFit> q : quantization.entrySet()) {
                out.writeUTF(q.getKey());
                out.writeUTF(q.getValue().scheme());
                out.writeDouble(q.getValue().fit());
                out.writeInt(q.getValue().probed());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    private int sketchValueCount() {
        long n = 0;
        for (MatrixSketch m : sketches.values()) {
            n += (long) m.sketchRows() * m.sketchCols();
        }
        return (int) Math.min(Integer.MAX_VALUE / 8, n);
    }

    /**
     * Reads what {@link #encode()} wrote.
     *
     * @param data the encoded signature
     * @return the signature, equal in every value to the one encoded
     * @throws IllegalArgumentException if the bytes are not a signature of a version we know
     */
    public static ModelSignature decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not an encoded model signature");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("model signature version " + version + ", expected " + VERSION);
            }
            String hash = in.readUTF();
            long params = in.readLong();
            int layers = in.readInt();
            int wrappers = in.readUnsignedByte();
            int nt = checkCount(in.readInt(), data.length);
            List<TensorStatistics> stats = new ArrayList<>(nt);
            for (int i = 0; i < nt; i++) {
                String name = in.readUTF();
                DType dtype = DType.fromSafetensorsName(in.readUTF())
                        .orElseThrow(() -> new IllegalArgumentException("unknown dtype in signature"));
                long[] shape = readLongs(in, data.length);
                stats.add(new TensorStatistics(name, dtype, shape, in.readLong(), in.readLong(), in.readDouble(),
                        in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
            }
            int ns = checkCount(in.readInt(), data.length);
            List<MatrixSketch> sketches = new ArrayList<>(ns);
            for (int i = 0; i < ns; i++) {
                String name = in.readUTF();
                long rows = in.readLong();
                long cols = in.readLong();
                long[] r = readLongs(in, data.length);
                long[] c = readLongs(in, data.length);
                long count = (long) r.length * c.length;
                if (count * 4 > data.length) {
                    throw new IllegalArgumentException("truncated model signature");
                }
                float[] v = readFloats(in, (int) count);
                sketches.add(MatrixSketch.wrap(name, rows, cols, r, c, v));
            }
            int nq = checkCount(in.readInt(), data.length);
            Map<String, QuantizationFit> quantization = new LinkedHashMap<>();
            for (int i = 0; i < nq; i++) {
                quantization.put(in.readUTF(), new QuantizationFit(in.readUTF(), in.readDouble(), in.readInt()));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after model signature");
            }
            return new ModelSignature(hash, params, layers, stats, sketches, quantization, wrappers);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt model signature", e);
        }
    }

    private static int checkCount(int n, int limit) {
        if (n < 0 || n > limit) {
            throw new IllegalArgumentException("corrupt model signature (count " + n + ")");
        }
        return n;
    }

    // Arrays go through a ByteBuffer in bulk: the bytes are DataOutputStream's (big-endian), but
    // one call per array rather than one per value, which matters for a signature of megabytes
    // encoded once per upload (and, cold, before the JIT has compiled a per-value loop).

    private static void writeLongs(DataOutputStream out, long[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(8 * v.length);
        b.asLongBuffer().put(v);
        out.write(b.array());
    }

    private static long[] readLongs(DataInputStream in, int limit) throws IOException {
        int n = checkCount(in.readInt(), limit / 8 + 1);
        byte[] raw = new byte[8 * n];
        in.readFully(raw);
        long[] v = new long[n];
        ByteBuffer.wrap(raw).asLongBuffer().get(v);
        return v;
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        byte[] raw = new byte[4 * n];
        in.readFully(raw);
        float[] v = new float[n];
        ByteBuffer.wrap(raw).asFloatBuffer().get(v);
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSignature s && structuralHash.equals(s.structuralHash)
                && parameterCount == s.parameterCount && layerCount == s.layerCount && tensors.equals(s.tensors)
                && sketches.equals(s.sketches) && quantization.equals(s.quantization) && toolWrappers == s.toolWrappers;
    }

    @Override
    public int hashCode() {
        return Objects.hash(structuralHash, parameterCount, layerCount);
    }

    @Override
    public String toString() {
        return "ModelSignature[" + structuralHash.substring(0, Math.min(12, structuralHash.length())) + ", "
                + parameterCount + " parameters, " + layerCount + " layers, " + tensors.size() + " tensors]";
    }
}
