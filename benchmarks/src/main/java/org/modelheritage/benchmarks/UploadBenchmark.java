package org.modelheritage.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.RateLimits;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.server.api.ServerOptions;
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
 * {@code POST /api/models} over loopback HTTP, end to end: multipart parsing, streaming to the
 * blob store with SHA-256, header validation, the 201 answer. The server runs in this JVM on a
 * fresh SQLite lake (one background worker, which processes the uploads meanwhile, as in
 * production). Each upload is an F32 safetensors file of {@code megabytes} MiB whose first value
 * is a counter, so every upload is new bytes (no 409). MB/s = megabytes / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class UploadBenchmark {

    @Param({"64"})
    public int megabytes;

    private Path dataDir;
    private ModelLake lake;
    private HeritageServer server;
    private HttpClient client;
    private URI endpoint;
    private byte[] file;
    private int dataStart;
    private long counter;
    private final String boundary = "heritage-benchmark-boundary";

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("heritage-upload-bench-");
        lake = ModelLake.open(dataDir, LakeOptions.defaults().withWorkers(1));
        // no rate limits: the benchmark measures uploads, not the limiter's 429s
        server = new HeritageServer(lake, ServerOptions.ephemeral().withRateLimits(RateLimits.none())).start();
        endpoint = URI.create("http://127.0.0.1:" + server.port() + "/api/models");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        file = safetensors(megabytes * (1 << 20) / 4);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.close();
        lake.close();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public int upload() throws Exception {
        ByteBuffer.wrap(file, dataStart, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(++counter);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbench-" + counter
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.safetensors\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head.getBytes(StandardCharsets.UTF_8), file,
                        tail.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }

    /** One F32 tensor of {@code n} random values, as a safetensors file in memory. */
    private byte[] safetensors(int n) {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[0," + 4L * n + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        dataStart = b.position();
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            b.putFloat((float) (0.02 * r.nextGaussian()));
        }
        return b.array();
    }
}
