import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The REST load of scripts/hub_load.py: {@code CLIENTS} threads, each with its own keep-alive
 * connection, send the GET requests listed in {@code PATHS} (one path a line, taken in turn), one
 * at a time each, and the latency of every request is printed as percentiles, with the count of
 * answers other than 200 and the client's own CPU time per request. The first {@code WARMUP}
 * requests of each client are sent but not measured (the server's JIT compiles the handlers
 * meanwhile).
 *
 * <p>The client speaks HTTP/1.1 over a plain socket (a request written, the status line and
 * headers parsed, the body read by its length or its chunks) rather than through
 * {@code java.net.http.HttpClient}: on a machine where the client shares the server's cores its
 * own CPU is taken from the server's, and the JDK client spent about 1.1 ms of CPU a request, more
 * than most answers cost the server; this one spends a small fraction of that (printed).
 *
 * <p>usage: {@code java scripts/RestLoad.java BASE_URL CLIENTS WARMUP PATHS}
 */
public final class RestLoad {
    private RestLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        int clients = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        List<String> paths = Files.readAllLines(Path.of(args[3]));
        AtomicInteger next = new AtomicInteger();
        List<Double> times = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = java.util.Collections.synchronizedMap(new TreeMap<>());
        int perClient = paths.size() / clients;
        List<Thread> threads = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try (Connection http = new Connection(base)) {
                    for (int i = 0; i < warmup + perClient; i++) {
                        String path = i < warmup ? paths.get(i % paths.size()) : paths.get(next.getAndIncrement() % paths.size());
                        long started = System.nanoTime();
                        int status;
                        try {
                            status = http.get(path);
                        } catch (IOException e) {
                            status = -1;
                        }
                        if (i >= warmup) {
                            times.add((System.nanoTime() - started) / 1e6);
                            statuses.merge(status, 1, Integer::sum);
                        }
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double cpuPerRequest = (os.getProcessCpuTime() - cpuBefore) / 1e6 / ((long) clients * (warmup + perClient));
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "{\"requests\": %d, \"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, \"max\": %.1f, "
                        + "\"statuses\": \"%s\", \"client_cpu_ms\": %.3f}%n", sorted.length, pct(sorted, 50), pct(sorted, 90),
                pct(sorted, 99), sorted[sorted.length - 1], statuses, cpuPerRequest);
    }

    private static double pct(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p / 100 * (sorted.length - 1)))];
    }

    /** One keep-alive HTTP/1.1 connection; opened again when the server has closed it. */
    private static final class Connection implements AutoCloseable {
        private final URI base;
        private final String hostHeader;
        private final byte[] scratch = new byte[64 * 1024];
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(URI base) {
            this.base = base;
            this.hostHeader = base.getHost() + ":" + base.getPort();
        }

        /** Sends GET {@code path}, reads the whole answer, and returns its status. */
        int get(String path) throws IOException {
            boolean fresh = socket == null;
            try {
                return exchange(path);
            } catch (IOException e) {
                close();
                if (fresh) {
                    throw e;
                }
                return exchange(path); // the server closed a kept-alive connection: once more on a new one
            }
        }

        private int exchange(String path) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
                socket.setSoTimeout(120_000);
                in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                out = socket.getOutputStream();
            }
            out.write(("GET " + base.getRawPath() + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean closes = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closes = true;
                }
            }
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                closes = true; // read to the end of the connection
                while (in.read(scratch) >= 0) {
                    // the body
                }
            }
            if (closes) {
                close();
            }
            return status;
        }

        private long chunkSize() throws IOException {
            String l = line();
            int semicolon = l.indexOf(';');
            return Long.parseLong((semicolon < 0 ? l : l.substring(0, semicolon)).trim(), 16);
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, n));
                if (r < 0) {
                    throw new EOFException("the answer ended early");
                }
                n -= r;
            }
        }

        /** One header line without its CRLF. */
        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the connection closed");
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
                socket = null;
            }
        }
    }
}
