package org.modelheritage.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.PickleWriter;
import org.modelheritage.testing.PickleWriter.TensorSpec;
import org.modelheritage.testing.TorchZipWriter;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Read throughput: GB of tensor data (bytes as stored) decoded to float per second, over a file
 * of at least 1 GB that the benchmark writes once per trial into a temporary directory and
 * deletes afterwards. The file is in the page cache (it was just written), so this measures the
 * reader (positional reads, decoding), not the disk. Compare with {@link MemoryBandwidthBenchmark}
 * in the same run.
 *
 * {@link #signaturePass} runs the library's whole signature pass over the same file.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ReadThroughput MemoryBandwidth -f 1 -wi 2 -i 3 -w 2s -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ReadThroughputBenchmark {
    /** Tensors of 4096 x 4096; enough of them for at least 1 GiB of tensor data. */
    static final int SIDE = 4096;
    static final long FILE_BYTES = 1L << 30;

    @Param({"safetensors-F32", "safetensors-BF16", "pytorch-zip-F32"})
    public String file;

    private Path dir;
    private Path path;
    private List<String> names;
    private long dataBytes;

    /** Reports the rate of tensor bytes decoded: "gigabytes" per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Decoded {
        public double gigabytes;
    }

    @Setup(Level.Trial)
    public void writeFile() throws IOException {
        dir = Files.createTempDirectory("heritage-read-bench");
        boolean zip = file.startsWith("pytorch-zip");
        DType dtype = DType.valueOf(file.substring(file.lastIndexOf('-') + 1));
        long elementsPerTensor = (long) SIDE * SIDE;
        int tensors = (int) (FILE_BYTES / (elementsPerTensor * dtype.byteSize()));
        names = new ArrayList<>();
        for (int i = 0; i < tensors; i++) {
            names.add("layers." + i + ".weight");
        }
        dataBytes = tensors * elementsPerTensor * dtype.byteSize();
        path = dir.resolve(zip ? "model.bin" : "model.safetensors");
        if (zip) {
            writeTorchZip(tensors, elementsPerTensor);
        } else {
            writeSafetensors(dtype, tensors);
        }
        try (WeightFile wf = WeightReaders.open(path)) {
            if (wf.format() != (zip ? WeightFormat.PYTORCH_ZIP : WeightFormat.SAFETENSORS) || wf.tensors().size() != tensors) {
                throw new IllegalStateException("generated file reads back wrong: " + wf);
            }
        }
    }

    private void writeSafetensors(DType dtype, int tensors) throws IOException {
        List<TensorInfo> infos = new ArrayList<>();
        for (String name : names) {
            infos.add(new TensorInfo(name, dtype, new long[] {SIDE, SIDE}));
        }
        float[] chunk = new float[1 << 20];
        try (SafetensorsWriter w = SafetensorsWriter.create(path, infos, Map.of("made_by", "ReadThroughputBenchmark"))) {
            long seed = 42;
            for (long done = 0; done < (long) tensors * SIDE * SIDE; done += chunk.length) {
                seed = fill(chunk, seed);
                w.write(chunk);
            }
        }
    }

    private void writeTorchZip(int tensors, long elementsPerTensor) throws IOException {
        TensorSpec[] specs = new TensorSpec[tensors];
        for (int i = 0; i < tensors; i++) {
            specs[i] = TensorSpec.contiguous(names.get(i), "FloatStorage", Integer.toString(i), SIDE, SIDE);
        }
        try (TorchZipWriter w = new TorchZipWriter(path)) {
            w.add("model/data.pkl", PickleWriter.stateDict(specs));
            w.add("model/byteorder", "little".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < tensors; i++) {
                long seed = 42 + i;
                w.add("model/data/" + i, elementsPerTensor * 4, ch -> writeFloats(ch, elementsPerTensor, seed));
            }
        }
    }

    private static void writeFloats(FileChannel ch, long count, long seed) throws IOException {
        float[] chunk = new float[1 << 20];
        ByteBuffer b = ByteBuffer.allocateDirect(chunk.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < count; done += chunk.length) {
            seed = fill(chunk, seed);
            b.clear();
            b.asFloatBuffer().put(chunk);
            b.limit((int) Math.min(chunk.length, count - done) * 4);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** Weight-like values (small, both signs), from a xorshift generator. */
    private static long fill(float[] chunk, long seed) {
        for (int i = 0; i < chunk.length; i++) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            chunk[i] = (int) seed * 0x1p-31f * 0.05f;
        }
        return seed;
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
        Files.deleteIfExists(path);
        Files.deleteIfExists(dir);
    }

    /** Opens the file and streams every tensor's values as floats. */
    @Benchmark
    public void readAllTensors(Decoded decoded, Blackhole bh) throws IOException {
        try (WeightFile wf = WeightReaders.open(path)) {
            for (String name : names) {
                wf.read(name, (values, length) -> {
                    bh.consume(values);
                    bh.consume(length);
                });
            }
        }
        decoded.gigabytes += dataBytes / 1e9;
    }

    /**
     * What an upload and {@code eval} run over every model: the whole signature pass (read, then
     * moments, sketches and the structural hash of every tensor), at the same GB/s as the plain
     * read in the same run.
     */
    @Benchmark
    public ModelSignature signaturePass(Decoded decoded) throws IOException {
        ModelSignature s;
        try (WeightFile wf = WeightReaders.open(path)) {
            s = extractor.extract(wf);
        }
        decoded.gigabytes += dataBytes / 1e9;
        return s;
    }

    private final SignatureExtractor extractor = new SignatureExtractor();
}
