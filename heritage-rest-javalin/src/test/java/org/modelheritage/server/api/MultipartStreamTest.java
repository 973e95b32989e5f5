package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class MultipartStreamTest {

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

    static List<Field> parse(InputStream in, String boundary) throws IOException {
        MultipartStream stream = new MultipartStream(in, boundary);
        List<Field> out = new ArrayList<>();
        MultipartStream.Part part;
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
        MultipartStream stream = new MultipartStream(new ByteArrayInputStream(encoded), "xyz");
        assertEquals("file", stream.next().name());
        MultipartStream.Part name = stream.next();
        assertEquals("name", name.name());
        assertEquals("hello", new String(name.body().readAllBytes(), StandardCharsets.UTF_8));
        assertNull(stream.next());
    }

    @Test
    void fileNamesWithQuotesAndUnicode() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mod\u00e8le \\\"v2\\\".pt\"\r\n\r\nabc\r\n--b--";
        MultipartStream stream = new MultipartStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b");
        MultipartStream.Part part = stream.next();
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
    void missingDispositionIsMalformed() {
        String body = "--b\r\nContent-Type: text/plain\r\n\r\nabc\r\n--b--";
        assertThrows(MalformedMultipartException.class,
                () -> parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b"));
    }

    @Test
    void boundaryFromContentType() {
        assertEquals("abc", MultipartStream.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b", MultipartStream.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""));
        assertNull(MultipartStream.boundaryOf("application/json"));
        assertNull(MultipartStream.boundaryOf("multipart/form-data"));
        assertNull(MultipartStream.boundaryOf(null));
    }
}
