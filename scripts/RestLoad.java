import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The REST load of scripts/hub_load.py: {@code CLIENTS} threads, each with its own keep-alive
 * connection, send the GET requests listed in {@code PATHS} (one path a line, taken in turn), one
 * at a time each, and the latency of every request is printed as percentiles, with the count of
 * answers other than 200. A Java client rather than Python threads, whose interpreter lock would
 * add its own waits to every measured request. The first {@code WARMUP} requests of each client
 * are sent but not measured (the server's JIT compiles the handlers meanwhile).
 *
 * <p>usage: {@code java scripts/RestLoad.java BASE_URL CLIENTS WARMUP PATHS}
 */
public final class RestLoad {
    private RestLoad() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int clients = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        List<String> paths = Files.readAllLines(Path.of(args[3]));
        AtomicInteger next = new AtomicInteger();
        List<Double> times = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = java.util.Collections.synchronizedMap(new TreeMap<>());
        int perClient = paths.size() / clients;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                // one client: one connection, kept alive
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                for (int i = 0; i < warmup + perClient; i++) {
                    String path = i < warmup ? paths.get(i % paths.size()) : paths.get(next.getAndIncrement() % paths.size());
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120)).GET().build();
                    long started = System.nanoTime();
                    int status;
                    try {
                        status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                    } catch (IOException e) {
                        status = -1;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (i >= warmup) {
                        times.add((System.nanoTime() - started) / 1e6);
                        statuses.merge(status, 1, Integer::sum);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("{\"requests\": %d, \"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, \"max\": %.1f, \"statuses\": \"%s\"}%n",
                sorted.length, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1], statuses);
    }

    private static double pct(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p / 100 * (sorted.length - 1)))];
    }
}
