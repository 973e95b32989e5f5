package org.modelheritage.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.RateLimits;
import org.modelheritage.server.api.ConnectionLimits;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.server.api.ServerOptions;

/**
 * A slowloris against a real server: N connections each send an upload's head, then one body byte
 * every 2 s, while a client asks {@code /health} every 250 ms. Prints the /health latencies and
 * how the slow connections ended, under the default {@link ConnectionLimits} and with the limits
 * off (no minimum rate, no upload bound: what the server did before them).
 *
 * <pre>java -cp ... org.modelheritage.benchmarks.SlowClientCheck [connections=300] [seconds=40]</pre>
 */
public final class SlowClientCheck {
    private SlowClientCheck() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        run("defaults", ConnectionLimits.defaults(), connections, seconds);
        run("limits off", ConnectionLimits.defaults().withMinRequestDataRate(0).withMaxConcurrentUploads(0),
                connections, seconds);
    }

    static void run(String label, ConnectionLimits limits, int connections, int seconds) throws Exception {
        Path dir = Files.createTempDirectory("slowloris");
        try (ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkDir(dir.resolve("work")));
             HeritageServer server = new HeritageServer(lake, ServerOptions.ephemeral().withRateLimits(RateLimits.none())
                     .withConnectionLimits(limits)).start()) {
            List<Socket> slow = new ArrayList<>();
            byte[] head = ("POST /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: 100000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m\"\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.getOutputStream().write(head);
                s.getOutputStream().flush();
                slow.add(s);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<Long> latencies = new ArrayList<>();
            int failed = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextTrickle = System.nanoTime();
            int ended = 0;
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= nextTrickle) {
                    ended = trickle(slow);
                    nextTrickle += TimeUnit.SECONDS.toNanos(2);
                }
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        failed++;
                    }
                } catch (IOException e) {
                    failed++;
                }
                latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            for (Socket s : slow) {
                s.close();
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%s: %d slow uploads for %d s; /health: %d requests, %d failed or timed out (10 s), "
                            + "median %d ms, p99 %d ms, max %d ms; slow connections ended by the server: %d%n",
                    label, connections, seconds, sorted.length, failed, sorted[sorted.length / 2],
                    sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.99))], sorted[sorted.length - 1],
                    ended);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One byte more on each open slow connection; returns how many the server has ended. */
    private static int trickle(List<Socket> slow) {
        int ended = 0;
        for (Socket s : slow) {
            try {
                if (s.getInputStream().available() > 0) {
                    ended++;
                    continue;
                }
                OutputStream out = s.getOutputStream();
                out.write('x');
                out.flush();
            } catch (IOException e) {
                ended++;
            }
        }
        return ended;
    }

}
