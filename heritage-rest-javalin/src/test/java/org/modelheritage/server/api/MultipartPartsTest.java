package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The multipart parser the uploads use (Apache Commons FileUpload 2 behind {@link MultipartParts}):
 * bodies round-trip whatever the network's chunking, with near-misses of the boundary planted in
 * them; every malformed body, random ones included, is a {@link MalformedMultipartException}.
 */
class MultipartPartsTest {

    record Field(String name, String fileName, byte[] body) {
    }

    static byte[] encode(String boundary, List<Field> fields, String preamble, String epilogue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.UTF_8));
        for (Field f : fields) {
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            String disp = "Content-Disposition: form-data; name=\"" + f.name() + "\""
                    + (f.fileName() == null ? "" : "; filename=\"" + f.fileName() + "\"");
            out.writeBytes((disp + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (f.fileName() != null) {
                out.writeBytes("Content-Type: application/octet-stream\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            out.writeBytes(f.body());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n" + epilogue).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Hands out the bytes in randomly sized small reads, as a network would. */
    static InputStream choppy(byte[] data, Random random) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000)));
            }
        };
    }

    static MultipartParts parts(InputStream in, String boundary) throws IOException {
        return MultipartParts.of(in, "multipart/form-data; boundary=" + boundary);
    }

    static List<Field> parse(InputStream in, String boundary) throws IOException {
        MultipartParts stream = parts(in, boundary);
        List<Field> out = new ArrayList<>();
        MultipartParts.Part part;
        while ((part = stream.next()) != null) {
            out.add(new Field(part.name(), part.fileName(), part.body().readAllBytes()));
        }
        assertNull(stream.next());
        return out;
    }

    @Test
    void parsesFieldsAndFilesWhateverTheChunking() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            String boundary = "----WebKitFormBoundary" + Long.toHexString(random.nextLong());
            List<Field> fields = new ArrayList<>();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                byte[] body = new byte[random.nextInt(4) == 0 ? random.nextInt(200_000) : random.nextInt(50)];
                random.nextBytes(body);
                // Plant near-misses of the delimiter in the body.
                if (body.length > 100) {
                    byte[] near = ("\r\n--" + boundary.substring(0, boundary.length() - 1)).getBytes(StandardCharsets.UTF_8);
                    int at = random.nextInt(body.length - near.length - 1);
                    System.arraycopy(near, 0, body, at, near.length);
                    body[at + near.length] = '!'; // not the boundary's last character

                    body[body.length - 1] = '\r';
                }
                fields.add(new Field("f" + i, random.nextBoolean() ? "file" + i + ".bin" : null, body));
            }
            byte[] encoded = encode(boundary, fields, random.nextBoolean() ? "preamble\r\n" : "", "epilogue");
            List<Field> parsed;
            try {
                parsed = parse(choppy(encoded, random), boundary);
            } catch (IOException e) {
                throw new AssertionError("round " + round + " sizes " + fields.stream().map(f -> f.body().length).toList(), e);
            }
            assertEquals(fields.size(), parsed.size());
            for (int i = 0; i < fields.size(); i++) {
                assertEquals(fields.get(i).name(), parsed.get(i).name());
                assertEquals(fields.get(i).fileName(), parsed.get(i).fileName());
                assertArrayEquals(fields.get(i).body(), parsed.get(i).body(), "round " + round + " field " + i);
            }
        }
    }

    @Test
    void unreadBodiesAreSkipped() throws IOException {
        byte[] big = new byte[300_000];
        new Random(1).nextBytes(big);
        byte[] encoded = encode("xyz", List.of(new Field("file", "a.bin", big), new Field("name", null, "hello".getBytes(StandardCharsets.UTF_8))), "", "");
        MultipartParts stream = parts(new ByteArrayInputStream(encoded), "xyz");
        assertEquals("file", stream.next().name());
        MultipartParts.Part name = stream.next();
        assertEquals("name", name.name());
        assertEquals("hello", new String(name.body().readAllBytes(), StandardCharsets.UTF_8));
        assertNull(stream.next());
    }

    @Test
    void fileNamesWithQuotesAndUnicode() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mod\u00e8le \\\"v2\\\".pt\"\r\n\r\nabc\r\n--b--";
        MultipartParts stream = parts(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b");
        MultipartParts.Part part = stream.next();
        assertEquals("mod\u00e8le \"v2\".pt", part.fileName());
        assertTrue(part.isFile());
        assertEquals("abc", new String(part.body().readAllBytes(), StandardCharsets.UTF_8));
        assertNull(stream.next());
    }

    @Test
    void truncatedBodyIsMalformed() {
        byte[] encoded = encode("b", List.of(new Field("file", "a.bin", new byte[1000])), "", "");
        byte[] truncated = java.util.Arrays.copyOf(encoded, 600);
        assertThrows(MalformedMultipartException.class, () -> parse(new ByteArrayInputStream(truncated), "b"));
    }

    @Test
    void partsWithoutAFormDataNameAreSkipped() throws IOException {
        String body = "--b\r\nContent-Type: text/plain\r\n\r\nabc\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nkept\r\n--b--";
        List<Field> parsed = parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b");
        assertEquals(1, parsed.size());
        assertEquals("kept", new String(parsed.get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void tooManyPartsIsMalformed() {
        List<Field> many = new ArrayList<>();
        for (int i = 0; i <= MultipartParts.MAX_PARTS; i++) {
            many.add(new Field("f", null, new byte[0]));
        }
        byte[] encoded = encode("b", many, "", "");
        MalformedMultipartException e = assertThrows(MalformedMultipartException.class,
                () -> parse(new ByteArrayInputStream(encoded), "b"));
        assertEquals("more than 10000 parts", e.getMessage());
    }

    @Test
    void overlongPartHeadersAreMalformed() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"" + "n".repeat(MultipartParts.MAX_PART_HEADER_BYTES)
                + "\"\r\n\r\nabc\r\n--b--";
        MalformedMultipartException e = assertThrows(MalformedMultipartException.class,
                () -> parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b"));
        assertEquals("part headers longer than 16384 bytes", e.getMessage());
    }

    @Test
    void aBodyThatEndsInsideAPartIsMalformedWhileThePartIsRead() throws IOException {
        byte[] encoded = encode("b", List.of(new Field("file", "a.bin", new byte[100_000])), "", "");
        byte[] truncated = java.util.Arrays.copyOf(encoded, 50_000);
        MultipartParts.Part part = parts(new ByteArrayInputStream(truncated), "b").next();
        assertThrows(MalformedMultipartException.class, () -> part.body().readAllBytes(),
                "the store copying the body sees the parser's exception, not the library's");
    }

    /**
     * Bounded fuzz: random bytes flipped, cut, or inserted into valid bodies. Each one parses or
     * is a MalformedMultipartException, nothing else, and every read ends.
     */
    @Test
    void mutatedBodiesParseOrAreMalformed() throws IOException {
        Random random = new Random(7);
        int malformed = 0;
        for (int round = 0; round < 3000; round++) {
            String boundary = "fz" + Integer.toHexString(random.nextInt());
            List<Field> fields = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                byte[] body = new byte[random.nextInt(300)];
                random.nextBytes(body);
                fields.add(new Field("f" + i, random.nextBoolean() ? "x" + i + ".bin" : null, body));
            }
            byte[] data = encode(boundary, fields, "", "");
            for (int m = 0, mutations = 1 + random.nextInt(4); m < mutations; m++) {
                int at = random.nextInt(data.length);
                switch (random.nextInt(3)) {
                    case 0 -> data[at] = (byte) random.nextInt(256);
                    case 1 -> data = java.util.Arrays.copyOf(data, at);
                    default -> {
                        byte[] grown = new byte[data.length + 1];
                        System.arraycopy(data, 0, grown, 0, at);
                        grown[at] = (byte) "\r\n-\"; =".charAt(random.nextInt(7));
                        System.arraycopy(data, at, grown, at + 1, data.length - at);
                        data = grown;
                    }
                }
                if (data.length == 0) {
                    break;
                }
            }
            try {
                parse(choppy(data, random), boundary);
            } catch (MalformedMultipartException e) {
                malformed++;
            }
        }
        assertTrue(malformed > 500, "the mutations broke bodies: " + malformed);
    }

    @Test
    void fileNamesInRfc2231AndRawUtf8() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''mod%C3%A8le.pt\r\n\r\nabc\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\u00e9t\u00e9.pt\"\r\n\r\nabc\r\n--b--";
        List<Field> parsed = parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b");
        assertEquals("mod\u00e8le.pt", parsed.get(0).fileName());
        assertEquals("\u00e9t\u00e9.pt", parsed.get(1).fileName());
    }

    @Test
    void formDataContentTypes() {
        assertTrue(MultipartParts.isFormData("multipart/form-data; boundary=abc"));
        assertTrue(MultipartParts.isFormData("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""));
        assertFalse(MultipartParts.isFormData("application/json"));
        assertFalse(MultipartParts.isFormData("multipart/form-data"));
        assertFalse(MultipartParts.isFormData(null));
    }
}
