package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.ops.BuildVersion;
import org.modelheritage.server.ops.LogFormat;
import org.slf4j.MDC;

/** Start-up failures are one line and exit 2; rejected input exits 2; --version; JSON log lines. */
class StartupAndExitTest {
    @TempDir
    Path dir;

    /** Runs the command line with stdout and stderr captured: {exit, stdout, stderr}. */
    static String[] run(String... args) {
        return captured(() -> Main.run(args));
    }

    /** Runs {@code action} with stdout and stderr captured: {its result, stdout, stderr}. */
    static String[] captured(java.util.function.IntSupplier action) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = action.getAsInt();
            return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void aPortInUseIsOneLineAndExitStatus2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            String[] r = run("serve", "--port", Integer.toString(port), "--data", dir.resolve("lake").toString());
            assertEquals("2", r[0], r[2]);
            List<String> lines = r[2].lines().toList();
            assertEquals(1, lines.size(), r[2]);
            assertTrue(lines.get(0).startsWith("heritage-server: cannot listen on 127.0.0.1:" + port + ": "), lines.get(0));
            assertTrue(lines.get(0).contains("--port"), lines.get(0));
        }
    }

    @Test
    void aLakeThatCannotBeOpenedIsOneLineAndExitStatus2() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        String[] r = run("serve", "--port", "0", "--data", file.toString());
        assertEquals("2", r[0], r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(r[2].startsWith("heritage-server: cannot open the lake"), r[2]);
    }

    @Test
    void aRejectedWeightFileExits2() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.safetensors"), "not weights");
        String[] r = run("ingest", "--data", dir.resolve("lake").toString(), bad.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("rejected 1"), r[1]);
    }

    @Test
    void healthcheckExits0ForAReadyServerAnd1ForNone() throws Exception {
        int port;
        try (TestServer s = new TestServer(dir.resolve("lake"))) {
            port = s.server.port();
            String[] ready = run("healthcheck", "--url", "http://127.0.0.1:" + port + "/health/ready");
            assertEquals("0", ready[0], ready[1]);
            assertTrue(ready[1].startsWith("200 {\"status\":\"ready\""), ready[1]);
        }
        String[] gone = run("healthcheck", "--url", "http://127.0.0.1:" + port + "/health/ready");
        assertEquals("1", gone[0], gone[1]);
        assertTrue(gone[1].startsWith("unreachable: "), gone[1]);
    }

    @Test
    void versionComesFromTheBuild() {
        String[] r = run("--version");
        assertEquals("0", r[0]);
        assertEquals("Model Heritage " + BuildVersion.get(), r[1].strip());
    }

    @Test
    void anUnknownLogFormatIsAUsageError() {
        String[] r = run("serve", "--log-format", "xml", "--data", dir.resolve("never").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("log format must be 'text' or 'json'"), r[2]);
        assertEquals(false, Files.exists(dir.resolve("never")));
    }

    @Test
    void textLogLinesGoToStderrDatedWithLevelThreadLoggerAndTheMdc() {
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        String[] r = captured(() -> {
            try {
                LogFormat.TEXT.configure(context);
                context.getLogger("org.modelheritage.test").info("plain {}", 1);
                MDC.put("requestId", "abc123");
                context.getLogger("org.modelheritage.test").info("with {}", 2);
                MDC.remove("requestId");
                context.getLogger("org.eclipse.jetty.Server").info("someone else's info: dropped");
                context.getLogger("org.eclipse.jetty.Server").warn("someone else's warning");
                context.getLogger("org.modelheritage.test").debug("below the default level: dropped");
                return 0;
            } finally {
                MDC.remove("requestId");
                context.stop();
            }
        });
        assertEquals("", r[1], "stdout stays for what commands print");
        List<String> lines = r[2].lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        String stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) ";
        assertTrue(lines.get(0).matches(stamp + "INFO  \\[.+\\] org\\.modelheritage\\.test - plain 1"), lines.get(0));
        assertTrue(lines.get(1).matches(stamp + "INFO  \\[.+\\] org\\.modelheritage\\.test \\[requestId=abc123\\] - with 2"), lines.get(1));
        assertTrue(lines.get(2).matches(stamp + "WARN  \\[.+\\] org\\.eclipse\\.jetty\\.Server - someone else's warning"), lines.get(2));
    }

    @Test
    void aConfigurationFileOnTheClassPathWinsOverTheTextFormat() {
        // the test class path has a logback-test.xml: the app's configurator steps aside for it
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        org.modelheritage.server.ops.TextLogConfigurator configurator = new org.modelheritage.server.ops.TextLogConfigurator();
        configurator.setContext(context);
        assertEquals(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertFalse(context.getLogger("ROOT").iteratorForAppenders().hasNext(), "nothing configured");
    }

    @Test
    void jsonLogLinesCarryTimestampLevelMessageAndTheMdc() throws Exception {
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        String[] r = captured(() -> {
            try {
                LogFormat.JSON.configure(context);
                MDC.put("requestId", "abc123");
                context.getLogger("org.modelheritage.test").info("hello {}", "world");
                return 0;
            } finally {
                MDC.remove("requestId");
                context.stop();
            }
        });
        List<String> lines = r[2].lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = TestServer.JSON.readTree(lines.get(0));
        assertEquals("hello world", line.get("message").asText());
        assertEquals("INFO", line.get("level").asText());
        assertEquals("org.modelheritage.test", line.get("logger_name").asText());
        assertEquals("abc123", line.get("requestId").asText());
        assertTrue(line.get("@timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*"),
                line.get("@timestamp").asText());
        assertEquals(LogFormat.TEXT, LogFormat.parse("TEXT"));
    }
}
