package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A file part 16 times larger than the heap streams through the multipart parser and is hashed on
 * the way: a child JVM with a 16 MB heap parses a 256 MiB body made on the fly (nothing of it is
 * ever held whole) and prints the part's SHA-256, which must equal the generator's.
 */
class MultipartBoundedMemoryTest {
    static final long FILE_BYTES = 256L * 1024 * 1024;
    static final String BOUNDARY = "----heritage-bounded-memory";

    /** Deterministic pseudo-random bytes (xorshift), made as they are read. */
    static final class Generated extends InputStream {
        private long left;
        private long state = 0x9E3779B97F4A7C15L;

        Generated(long bytes) {
            this.left = bytes;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            left -= n;
            return n;
        }
    }

    static InputStream body() {
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbig\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        return new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream(head.getBytes(StandardCharsets.US_ASCII)), new Generated(FILE_BYTES),
                new java.io.ByteArrayInputStream(tail.getBytes(StandardCharsets.US_ASCII)))));
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream d = new DigestInputStream(in, sha)) {
            d.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The child: parses the generated body, prints "PART name SHA256" for each file part. */
    public static void main(String[] args) throws Exception {
        MultipartParts parts = MultipartParts.of(body(), "multipart/form-data; boundary=" + BOUNDARY);
        MultipartParts.Part part;
        while ((part = parts.next()) != null) {
            if (part.isFile()) {
                System.out.println("PART " + part.fileName() + " " + sha256(part.body()));
            }
        }
    }

    @Test
    void aFileSixteenTimesTheHeapStreamsAndIsHashed() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx16m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                MultipartBoundedMemoryTest.class.getName()).redirectErrorStream(true).start();
        String expected = sha256(new Generated(FILE_BYTES));
        String out;
        try (InputStream in = child.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("the child did not finish");
        }
        assertEquals("PART big.bin " + expected, out);
        assertEquals(0, child.exitValue(), out);
    }
}
