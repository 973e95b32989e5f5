package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests Jetty refuses before any route answer in the API's JSON, as every other error does. */
class JettyErrorsTest {
    @TempDir
    static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws IOException {
        s = new TestServer(dir);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    /** Sends {@code head} as it is (Connection: close) and returns the raw response. */
    static String raw(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @CsvSource({"uri-too-long,414", "headers-too-large,431", "negative-length,400", "nul,400", "dot-dot,400"})
    void jettyRefusalsAreJson(String kind, int status) throws IOException {
        String request = switch (kind) {
            case "uri-too-long" -> "GET /api/models?q=" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            case "headers-too-large" -> "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(70_000)
                    + "\r\nConnection: close\r\n\r\n";
            case "negative-length" -> "POST /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\nConnection: close\r\n\r\n";
            case "nul" -> "GET /api/models/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            case "dot-dot" -> "GET /../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            default -> throw new AssertionError(kind);
        };
        String response = raw(request);
        assertTrue(response.startsWith("HTTP/1.1 " + status), kind + ": " + response);
        int split = response.indexOf("\r\n\r\n");
        String headers = response.substring(0, split).toLowerCase(Locale.ROOT);
        String body = response.substring(split + 4);
        assertTrue(headers.contains("content-type: application/json"), kind + ": " + response);
        assertTrue(body.startsWith("{\"error\":\""), kind + ": " + response);
        assertEquals(200, s.get("/health").status(), "the server goes on");
    }
}
