package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.CorpusLineageApiTest.Entry;
import org.modelheritage.server.CorpusLineageApiTest.Lineage;
import org.modelheritage.store.s3.S3ProxyServer;
import org.modelheritage.testing.SharedCorpus;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One lake, many processes, as real processes ({@code java -cp} of the built classes, loopback):
 * s3proxy, two {@code serve} and one {@code worker} on one PostgreSQL schema and one S3 bucket. A
 * corpus subset is uploaded through both servers at once; the worker is SIGKILLed while it holds a
 * job, which another process takes over once its lease runs out. Every acknowledged model ends
 * READY, none is lost or duplicated, the bucket holds exactly the models' files, and both servers
 * answer the lineage {@code eval} recovers from the same files, edge for edge. Skips without
 * PostgreSQL or the corpus (fails under CI=true).
 */
class ScaleOutTest {
    private static final String PG = TestPostgres.URL;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final List<Process> processes = new ArrayList<>();

    @Test
    @Timeout(300)
    void twoServersAndAWorkerOnPostgresqlAndS3AreOneLakeThroughAKill(@TempDir Path dir) throws Exception {
        String user = TestPostgres.user();
        List<Entry> corpus = new ArrayList<>();
        Path root = SharedCorpus.subset("mlp-ft");
        for (JsonNode m : TestServer.JSON.readTree(root.resolve("ground_truth.json").toFile()).get("models")) {
            String parent = m.get("parent").isNull() ? null : m.get("parent").asText();
            corpus.add(new Entry(m.get("name").asText(), root.resolve(m.get("path").asText()), parent));
        }
        String schema = "scaleout_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String store = PG + "?currentSchema=" + schema + "&user=" + user;
        try {
            Process s3 = start(dir, "s3proxy", S3ProxyServer.class.getName(), dir.resolve("s3").toString(), "heritage");
            URI endpoint = URI.create(awaitLine(dir.resolve("s3proxy.log"), "s3proxy ", Duration.ofSeconds(60)));
            assertTrue(s3.isAlive());
            String blobs = "s3://heritage/lake?endpoint=" + endpoint + "&region=us-east-1";
            List<String> lake = List.of("--store", store, "--blobs", blobs, "--workers", "1", "--job-lease", "PT3S");

            Process worker = start(dir, "worker", Main.class.getName(), concat(List.of("worker", "--data",
                    dir.resolve("w").toString()), lake));
            awaitLine(dir.resolve("worker.log"), "Model Heritage worker:", Duration.ofSeconds(90));
            int portA = freePort();
            int portB = freePort();
            start(dir, "serveA", Main.class.getName(), concat(List.of("serve", "--port", Integer.toString(portA),
                    "--rate-limit-reads", "0", "--rate-limit-uploads", "0", "--data", dir.resolve("a").toString()), lake));
            start(dir, "serveB", Main.class.getName(), concat(List.of("serve", "--port", Integer.toString(portB),
                    "--rate-limit-reads", "0", "--rate-limit-uploads", "0", "--data", dir.resolve("b").toString()), lake));
            URI a = URI.create("http://127.0.0.1:" + portA);
            URI b = URI.create("http://127.0.0.1:" + portB);
            awaitHealthy(a, Duration.ofSeconds(90));
            awaitHealthy(b, Duration.ofSeconds(90));

            // Half the corpus through each server, both at once.
            Map<String, String> idOf = new HashMap<>();
            ExecutorService uploaders = Executors.newFixedThreadPool(2);
            try {
                List<Future<Map<String, String>>> halves = new ArrayList<>();
                for (int half = 0; half < 2; half++) {
                    URI server = half == 0 ? a : b;
                    List<Entry> mine = new ArrayList<>();
                    for (int i = half; i < corpus.size(); i += 2) {
                        mine.add(corpus.get(i));
                    }
                    halves.add(uploaders.submit(() -> {
                        Map<String, String> ids = new HashMap<>();
                        for (Entry e : mine) {
                            Multipart form = new Multipart().field("name", e.name());
                            if (Files.isDirectory(e.path())) {
                                form.directory(e.path());
                            } else {
                                form.file(e.path());
                            }
                            HttpResponse<String> r = HTTP.send(form.post(server.resolve("/api/models")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            assertEquals(201, r.statusCode(), e + " -> " + r.body());
                            ids.put(e.name(), TestServer.JSON.readTree(r.body()).get("id").asText());
                        }
                        return ids;
                    }));
                }
                for (Future<Map<String, String>> f : halves) {
                    idOf.putAll(f.get());
                }
            } finally {
                uploaders.shutdownNow();
            }
            assertEquals(corpus.size(), idOf.size());

            // SIGKILL the worker while it holds a job: its lease runs out and a server takes the job over.
            String workerOwner = worker.pid() + "@";
            int workers = 1;
            boolean killedHoldingAJob = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && !killedHoldingAJob) {
                if (runningJobsOf(user, schema, workerOwner) > 0) {
                    worker.destroyForcibly(); // SIGKILL: no shutdown hook, no lease given back
                    worker.waitFor();
                    killedHoldingAJob = runningJobsOf(user, schema, workerOwner) > 0;
                    if (!killedHoldingAJob) {
                        // it finished that job between the look and the kill: another worker, another try
                        String name = "worker" + ++workers;
                        worker = start(dir, name, Main.class.getName(), concat(List.of("worker", "--data",
                                dir.resolve(name).toString()), lake));
                        awaitLine(dir.resolve(name + ".log"), "Model Heritage worker:", Duration.ofSeconds(90));
                        workerOwner = worker.pid() + "@";
                    }
                } else if (finished(a, idOf.values()) == idOf.size()) {
                    break;
                } else {
                    pollInterval();
                }
            }
            assertTrue(killedHoldingAJob, "the worker never held a job to be killed with");

            deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (finished(a, idOf.values()) < idOf.size()) {
                assertTrue(System.nanoTime() < deadline, "not all models finished after the kill");
                pollInterval();
            }
            for (String id : idOf.values()) {
                JsonNode m = get(a, "/api/models/" + id);
                assertEquals("ready", m.get("status").asText(), m.toString());
            }
            assertEquals(corpus.size(), get(a, "/api/stats").get("models").asInt(), "none lost, none duplicated");
            assertEquals(corpus.size(), get(b, "/api/stats").get("models").asInt());
            assertTrue(takenOver(user, schema) >= 1, "a job ran twice: once in the killed worker, once after");

            // The bucket holds the models' files and nothing else: no orphan, nothing staged.
            Set<String> expectedBlobs = new TreeSet<>();
            for (Entry e : corpus) {
                try (Stream<Path> files = Files.isDirectory(e.path()) ? Files.list(e.path()) : Stream.of(e.path())) {
                    for (Path f : files.toList()) {
                        expectedBlobs.add(sha256(f));
                    }
                }
            }
            assertEquals(expectedBlobs, bucketObjects(endpoint, "lake/sha256/"));
            assertEquals(Set.of(), bucketObjects(endpoint, "lake/tmp/"));

            Lineage batch = CorpusLineageApiTest.batch(dir.resolve("eval"), corpus);
            lineage(a).assertSameAs(batch);
            lineage(b).assertSameAs(batch);
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                p.waitFor();
            }
            TestPostgres.dropSchema(user, schema);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private Process start(Path dir, String name, String mainClass, String... args) throws IOException {
        return start(dir, name, mainClass, List.of(args));
    }

    /** {@code java -cp <this test's classpath> MAIN ARGS}, its output in DIR/NAME.log. */
    private Process start(Path dir, String name, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    /** Polls a process's log for a line starting with {@code prefix}; returns the rest of it. */
    private static String awaitLine(Path log, String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length()).strip();
                    }
                }
            }
            pollInterval();
        }
        throw new AssertionError("no '" + prefix + "' in " + log + " after " + timeout + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    private static void awaitHealthy(URI server, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(server + " not healthy after " + timeout);
            }
            pollInterval();
        }
    }

    /** Between two looks at another process (its log, its port, the database): it cannot notify us. */
    private static void pollInterval() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static JsonNode get(URI server, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + " -> " + r.body());
        return TestServer.JSON.readTree(r.body());
    }

    private static int finished(URI server, java.util.Collection<String> ids) throws IOException, InterruptedException {
        int n = 0;
        for (String id : ids) {
            String status = get(server, "/api/models/" + id).get("status").asText();
            n += status.equals("ready") || status.equals("failed") ? 1 : 0;
        }
        return n;
    }

    /** What a server's API shows, every family's tree, by model name. */
    private static Lineage lineage(URI server) throws IOException, InterruptedException {
        Set<Set<String>> families = new HashSet<>();
        Map<String, String> parentOf = new HashMap<>();
        Map<String, Boolean> duplicate = new HashMap<>();
        Map<String, Double> confidence = new HashMap<>();
        Set<String> roots = new TreeSet<>();
        for (JsonNode f : get(server, "/api/families?limit=1000").get("families")) {
            JsonNode tree = get(server, "/api/families/" + f.get("id").asText() + "/tree");
            Map<String, String> nameOf = new TreeMap<>();
            Set<String> members = new TreeSet<>();
            for (JsonNode n : tree.get("nodes")) {
                nameOf.put(n.get("id").asText(), n.get("name").asText());
                members.add(n.get("name").asText());
                if (n.get("is_root").asBoolean()) {
                    roots.add(n.get("name").asText());
                }
            }
            families.add(members);
            for (JsonNode e : tree.get("edges")) {
                String child = nameOf.get(e.get("child").asText());
                assertTrue(parentOf.put(child, nameOf.get(e.get("parent").asText())) == null, child + " has two parents");
                duplicate.put(child, e.get("duplicate").asBoolean());
                confidence.put(child, e.get("confidence").asDouble());
            }
        }
        return new Lineage(families, parentOf, duplicate, confidence, roots);
    }

    private static String sha256(Path f) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static Set<String> bucketObjects(URI endpoint, String prefix) {
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .build()) {
            Set<String> out = new TreeSet<>();
            s3.listObjectsV2Paginator(r -> r.bucket("heritage").prefix(prefix)).contents()
                    .forEach(o -> out.add(o.key().substring(o.key().lastIndexOf('/') + 1)));
            return out;
        }
    }

    // ---- PostgreSQL

    private static int runningJobsOf(String user, String schema, String ownerPrefix) throws SQLException {
        try (Connection c = TestPostgres.connect(user); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".jobs WHERE state = 'RUNNING' AND owner LIKE '"
                     + ownerPrefix + "%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the schema is not migrated yet
            }
            throw e;
        }
    }

    private static int takenOver(String user, String schema) throws SQLException {
        try (Connection c = TestPostgres.connect(user); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".jobs WHERE attempts > 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
