package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.server.ops.BuildVersion;
import org.modelheritage.server.ops.LakeMetrics;
import org.modelheritage.server.ops.RequestLog;
import org.modelheritage.store.Stores;
import org.slf4j.LoggerFactory;

/** /metrics, /health/live, /health/ready, request ids and the request log, on a lake whose stores are timed. */
class OpsEndpointsTest {
    @TempDir
    Path dir;
    TestServer s;
    LakeMetrics metrics;

    @BeforeEach
    void start() throws Exception {
        Path data = dir.resolve("lake");
        metrics = new LakeMetrics();
        LakeOptions options = LakeOptions.defaults().withWorkDir(data.resolve("work"));
        ModelLake lake = ModelLake.open(metrics.timed(Stores.openMetadata(ModelLake.defaultStoreUri(data))),
                metrics.timed(Stores.openBlobs(ModelLake.defaultBlobUri(data))), options);
        s = new TestServer(data, lake, new HeritageServer(lake, TestServer.options(), Clock.systemUTC(), metrics).start());
    }

    @AfterEach
    void stop() {
        s.close();
        metrics.close();
    }

    @Test
    void liveAndReadyAnswerWithoutATokenAndHealthNamesTheVersion() {
        TestServer.Reply live = s.get("/health/live");
        assertEquals(200, live.status(), live.body());
        assertEquals("live", live.json().get("status").asText());
        assertEquals(BuildVersion.get(), live.json().get("version").asText());
        assertTrue(BuildVersion.get().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), BuildVersion.get());

        TestServer.Reply ready = s.get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("ready", ready.json().get("status").asText());
        assertEquals("ok", ready.json().get("checks").get("store").asText());
        assertEquals("ok", ready.json().get("checks").get("workers").asText());
        assertEquals("ok", ready.json().get("checks").get("blobs").asText());

        TestServer.Reply health = s.get("/health");
        assertEquals(BuildVersion.get(), health.json().get("version").asText());
        assertEquals("Model Heritage " + BuildVersion.get(), Main.commandLine().getCommandSpec().version()[0]);
    }

    @Test
    void metricsCountUploadsJobsLineageStoreCallsAndRequestsByRoute() throws Exception {
        byte[] weights = TestWeights.safetensors(TestWeights.random(2, 16, 7));
        TestServer.Reply up = s.upload("m1", "m1.safetensors", weights);
        assertEquals(201, up.status(), up.body());
        assertEquals(400, s.upload("bad", "bad.safetensors", new byte[] {1, 2, 3}).status());
        String id = up.json().get("id").asText();
        assertTrue(s.lake.awaitIdle(Duration.ofSeconds(60)));
        s.get("/api/models/" + id);
        s.get("/api/models/" + id);
        s.get("/no/such/page");

        TestServer.Reply r = s.get("/metrics");
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        String text = r.body();
        assertEquals(1.0, value(text, "heritage_upload_size_bytes_count{outcome=\"accepted\"}"));
        assertEquals((double) weights.length, value(text, "heritage_upload_size_bytes_sum{outcome=\"accepted\"}"));
        assertEquals(1.0, value(text, "heritage_upload_size_bytes_count{outcome=\"refused\"}"));
        assertEquals(1.0, value(text, "heritage_upload_duration_seconds_count{outcome=\"accepted\"}"));
        assertEquals(1.0, value(text, "heritage_job_duration_seconds_count{outcome=\"done\"}"));
        assertEquals(1.0, value(text, "heritage_lineage_update_seconds_count{family_size=\"1\"}"));
        assertEquals(0.0, value(text, "heritage_jobs{state=\"queued\"}"));
        assertEquals(0.0, value(text, "heritage_jobs{state=\"running\"}"));
        assertEquals(1.0, value(text, "heritage_models{status=\"ready\"}"));
        assertEquals(1.0, value(text, "heritage_families"));
        assertEquals(2.0, value(text, "heritage_workers_alive"));
        assertEquals(2.0, value(text, "heritage_workers_configured"));
        assertEquals(1.0, value(text, "heritage_blob_store_blobs"));
        assertEquals((double) weights.length, value(text, "heritage_blob_store_bytes"));
        assertEquals(1.0, value(text, "heritage_build_info{version=\"" + BuildVersion.get() + "\"}"));
        assertEquals(2.0, value(text, "http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/api/models/{id}\"}"));
        assertEquals(1.0, value(text, "http_server_requests_seconds_count{method=\"POST\",status=\"201\",uri=\"/api/models\"}"));
        assertEquals(1.0, value(text, "http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"UNMATCHED\"}"));
        assertTrue(value(text, "heritage_store_operation_seconds_count{operation=\"put\",outcome=\"ok\",store=\"blobs\"}") >= 2);
        assertTrue(value(text, "heritage_store_operation_seconds_count{operation=\"apply\",outcome=\"ok\",store=\"metadata\"}") >= 2);
        assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}") > 0
                || text.contains("jvm_memory_used_bytes{area=\"heap\""), "JVM metrics are there");
        assertTrue(text.contains("# TYPE http_server_requests_seconds histogram"), "route timers are histograms");
    }

    @Test
    void metricsNeedTheReaderRoleLikeTheApi(@TempDir Path other) throws Exception {
        try (TestServer closed = new TestServer(other.resolve("lake"), TestServer.options().withHost("0.0.0.0")
                .withAnonymous(org.modelheritage.server.access.Anonymous.NONE))) {
            TestServer.Reply r = closed.get("/metrics");
            assertEquals(401, r.status(), r.body());
            assertEquals(200, closed.get("/health/live").status());
            assertEquals(200, closed.get("/health/ready").status());
        }
    }

    @Test
    void everyRequestHasAnIdInItsHeaderAndInItsInfoLogLine() {
        Logger requestLogger = (Logger) LoggerFactory.getLogger(RequestLog.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        requestLogger.addAppender(lines);
        ch.qos.logback.classic.Level before = requestLogger.getLevel();
        requestLogger.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            TestServer.Reply mine = s.send(HttpRequest.newBuilder(s.uri("/api/stats")).header("X-Request-Id", "trace-42.a").GET());
            assertEquals("trace-42.a", mine.header("X-Request-Id"), "a sane client id is kept");
            TestServer.Reply fresh = s.send(HttpRequest.newBuilder(s.uri("/api/stats")).header("X-Request-Id", "not a sane id/with spaces").GET());
            assertTrue(fresh.header("X-Request-Id").matches("[0-9a-f]{16}"), fresh.header("X-Request-Id"));
            TestServer.Reply refused = s.send(HttpRequest.newBuilder(s.uri("/api/stats")).header("Authorization", "Bearer nope").GET());
            assertEquals(401, refused.status());
            assertNotEquals(null, refused.header("X-Request-Id"), "a refused request has an id too");

            List<ILoggingEvent> events = List.copyOf(lines.list);
            assertEquals(3, events.size(), events.toString());
            assertEquals(ch.qos.logback.classic.Level.INFO, events.get(0).getLevel());
            assertEquals("GET /api/stats -> 200 in " + events.get(0).getArgumentArray()[3] + " ms", events.get(0).getFormattedMessage());
            assertEquals("trace-42.a", events.get(0).getMDCPropertyMap().get("requestId"));
            assertEquals(fresh.header("X-Request-Id"), events.get(1).getMDCPropertyMap().get("requestId"));
            assertEquals(refused.header("X-Request-Id"), events.get(2).getMDCPropertyMap().get("requestId"));
            assertTrue(events.get(2).getFormattedMessage().startsWith("GET /api/stats -> 401 in "));
        } finally {
            requestLogger.detachAppender(lines);
            requestLogger.setLevel(before);
        }
    }

    /** The value of one sample line of the Prometheus text. */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no sample " + series + " in\n" + text.lines()
                    .filter(l -> l.startsWith(series.replaceAll("[{].*", ""))).toList());
        }
        return Double.parseDouble(m.group(1));
    }
}
