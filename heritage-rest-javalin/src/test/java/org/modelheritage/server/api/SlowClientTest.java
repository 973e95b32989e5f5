package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.RateLimits;

/**
 * Slow clients against a real server over raw sockets: a body trickling in below the minimum rate
 * is ended by the server, a silent one by the idle timeout, and uploads beyond the bound are
 * refused at once with 503 while the server keeps answering everyone else.
 */
class SlowClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "slowloris";

    @TempDir
    Path dir;

    /** A raw HTTP response: status line, headers (lower-cased names), body; or how the connection ended. */
    record Raw(int status, String headers, String body, boolean closedWithoutAnswer) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    HeritageServer start(ConnectionLimits limits) throws IOException {
        ModelLake lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkers(1)
                .withWorkDir(dir.resolve("work")));
        try {
            return new HeritageServer(lake, ServerOptions.ephemeral().withRateLimits(RateLimits.none())
                    .withConnectionLimits(limits)).start();
        } catch (RuntimeException e) {
            lake.close();
            throw e;
        }
    }

    static void stop(HeritageServer server) {
        try {
            server.close();
        } finally {
            server.lake().close();
        }
    }

    /** The head of a multipart upload claiming a large body, and its first bytes. */
    static byte[] uploadHead(int contentLength) {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.safetensors\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        return ("POST /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                + "\r\nContent-Length: " + contentLength + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    static Socket connect(HeritageServer server, Duration readTimeout) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
    }

    /** Reads what the server sends until it closes the connection (or the read timeout passes: an exception). */
    static Raw readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                got.write(buffer, 0, n);
                if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // reset by the server: what was read so far is the answer
        }
        String text = got.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return new Raw(0, "", "", true);
        }
        int split = text.indexOf("\r\n\r\n");
        return new Raw(Integer.parseInt(text.substring(9, 12)), text.substring(0, split).toLowerCase(Locale.ROOT),
                text.substring(split + 4), false);
    }

    /** A response with a Content-Length whose body is all there. */
    private static boolean complete(String text) {
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        for (String line : text.substring(0, split).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring(15).strip());
                return text.getBytes(StandardCharsets.ISO_8859_1).length - split - 4 >= length;
            }
        }
        return false;
    }

    static Raw request(HeritageServer server, String method, String path, byte[] body) throws IOException {
        try (Socket socket = connect(server, Duration.ofSeconds(30))) {
            OutputStream out = socket.getOutputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Type: multipart/form-data; boundary=" + BOUNDARY
                    + "\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return readResponse(socket);
        }
    }

    static long tempFiles(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(dir)) {
            return list.count();
        }
    }

    /** A complete multipart body whose file is not weights: a 400 once it gets through. */
    static byte[] garbageUpload() {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.bin\"\r\n\r\nnot weights\r\n--"
                + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aBodyTricklingBelowTheMinimumRateIsEndedByTheServer() throws Exception {
        // A long idle timeout, so that only the data rate can end the trickle: 1 byte every 100 ms
        // (10 B/s) against a minimum of 1,000 B/s.
        HeritageServer server = start(ConnectionLimits.defaults().withIdleTimeout(Duration.ofSeconds(60))
                .withMinRequestDataRate(1000).withMaxConcurrentUploads(0));
        try (Socket socket = connect(server, Duration.ofSeconds(30))) {
            OutputStream out = socket.getOutputStream();
            out.write(uploadHead(10_000_000));
            out.flush();
            int sent = 0;
            boolean refused = false;
            // At most 300 bytes (30 s of trickle) before giving up on the server ending it.
            for (; sent < 300; sent++) {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException e) {
                    refused = true; // the server closed the connection
                    break;
                }
                if (socket.getInputStream().available() > 0) {
                    refused = true;
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the attacker's pace
            }
            assertTrue(refused, "the server still took the trickle after " + sent + " bytes");
            assertTrue(sent < 300);
            Raw r = readResponse(socket);
            if (!r.closedWithoutAnswer()) {
                assertEquals(408, r.status(), r.toString());
                assertTrue(r.headers().contains("content-type: application/json"), r.toString());
                assertTrue(r.json().get("error").asText().contains("too slow"), r.body());
            }
            Raw health = request(server, "GET", "/health", null);
            assertEquals(200, health.status(), health.toString());
            assertEquals(0, server.lake().models(null, 0, 10).total(), "nothing kept of the cut upload");
        } finally {
            stop(server);
        }
    }

    @Test
    void aSilentUploadIsEndedByTheIdleTimeout() throws Exception {
        HeritageServer server = start(ConnectionLimits.defaults().withIdleTimeout(Duration.ofSeconds(1))
                .withMinRequestDataRate(0).withMaxConcurrentUploads(0));
        try (Socket socket = connect(server, Duration.ofSeconds(20))) {
            socket.getOutputStream().write(uploadHead(10_000_000));
            socket.getOutputStream().flush();
            Raw r;
            try {
                r = readResponse(socket);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept a silent upload open for 20 s with a 1 s idle timeout", e);
            }
            if (!r.closedWithoutAnswer()) {
                assertEquals(408, r.status(), r.toString());
                assertTrue(r.headers().contains("content-type: application/json"), r.toString());
            }
        } finally {
            stop(server);
        }
    }

    @Test
    void uploadsBeyondTheBoundGet503WithRetryAfterAndReadsGoOn() throws Exception {
        HeritageServer server = start(ConnectionLimits.defaults().withIdleTimeout(Duration.ofSeconds(3))
                .withMinRequestDataRate(0).withMaxConcurrentUploads(2));
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = connect(server, Duration.ofSeconds(30));
                s.getOutputStream().write(uploadHead(10_000_000));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // Both hold their slot once each streams into a temp file of the blob store.
            Path tmp = dir.resolve("lake").resolve("blobs").resolve("tmp");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (tempFiles(tmp) < 2) {
                assertTrue(System.nanoTime() < deadline, "the slow uploads never reached the handler");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // poll interval, bounded by the deadline
            }
            Raw refused = request(server, "POST", "/api/models", garbageUpload());
            assertEquals(503, refused.status(), refused.toString());
            assertTrue(refused.headers().contains("retry-after: " + ConnectionLimits.RETRY_AFTER_SECONDS), refused.toString());
            assertTrue(refused.headers().contains("content-type: application/json"), refused.toString());
            assertEquals("the server is taking 2 uploads already; try again later", refused.json().get("error").asText());

            Raw health = request(server, "GET", "/health", null);
            assertEquals(200, health.status(), health.toString());
            assertEquals(200, request(server, "GET", "/api/models", null).status());

            // The idle timeout ends both slow uploads, and their slots come back.
            for (Socket s : slow) {
                Raw r = readResponse(s);
                assertFalse(r.status() == 201, r.toString());
            }
            Raw after = request(server, "POST", "/api/models", garbageUpload());
            assertEquals(400, after.status(), "a slot is free again: " + after);
            assertEquals(0, tempFiles(tmp), "nothing left of the slow uploads");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
            stop(server);
        }
    }
}
