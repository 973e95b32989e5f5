package org.modelheritage.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A pull parser for {@code multipart/form-data} (RFC 7578) that hands each part's body out as an
 * {@link InputStream} while the request is still arriving. Nothing is buffered beyond one fixed
 * window, so a part of many gigabytes streams straight to its destination; the servlet container's
 * own multipart support would first spool every part to disk.
 *
 * <p>Use: call {@link #next()} until it returns null; read (or ignore) each part's body before
 * asking for the next one — unread bytes are skipped. Malformed input raises
 * {@link MalformedMultipartException}.
 */
public final class MultipartStream {
    private static final int WINDOW = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_PARTS = 10_000;

    private final InputStream in;
    /** "\r\n--" + boundary: what ends every part body. */
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private boolean finished;
    private int parts;
    private PartBody current;

    /** A parser of the multipart body {@code in}, whose parts are separated by {@code boundary}. */
    public MultipartStream(InputStream in, String boundary) throws MalformedMultipartException {
        this.in = Objects.requireNonNull(in, "in");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new MalformedMultipartException("missing or invalid multipart boundary");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[WINDOW + delimiter.length];
        // The first boundary line has no CRLF before it; pretend it does so one delimiter fits all.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /**
     * The boundary parameter of a {@code multipart/form-data} content type, or null when the
     * content type is not multipart/form-data or has no boundary.
     */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        HeaderValue value = HeaderValue.parse(contentType);
        if (!value.value().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        String boundary = value.param("boundary");
        return boundary == null || boundary.isEmpty() ? null : boundary;
    }

    /** The next part, or null after the closing boundary. Skips what is left of the previous part. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.skipRest();
            current = null;
        } else if (parts == 0) {
            skipPreamble();
        }
        // We stand just after a delimiter: "--" closes the body, else CRLF starts a part's headers.
        if (!ensure(2)) {
            throw new MalformedMultipartException("request body ends right after a boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        skipTransportPadding();
        if (++parts > MAX_PARTS) {
            throw new MalformedMultipartException("more than " + MAX_PARTS + " parts");
        }
        Map<String, String> headers = readHeaders();
        HeaderValue disposition = HeaderValue.parse(headers.getOrDefault("content-disposition", ""));
        if (!disposition.value().equalsIgnoreCase("form-data")) {
            throw new MalformedMultipartException("part without a form-data Content-Disposition");
        }
        String name = disposition.param("name");
        if (name == null) {
            throw new MalformedMultipartException("part without a name");
        }
        current = new PartBody();
        return new Part(name, disposition.param("filename"), headers.get("content-type"), current);
    }

    private void skipPreamble() throws IOException {
        // Everything up to the first delimiter is preamble (usually nothing).
        PartBody preamble = new PartBody();
        preamble.skipRest();
    }

    /** After the boundary, optional linear whitespace then CRLF (RFC 2046 transport padding). */
    private void skipTransportPadding() throws IOException {
        while (true) {
            if (!ensure(1)) {
                throw new MalformedMultipartException("request body ends inside a boundary line");
            }
            byte b = buf[pos];
            if (b == ' ' || b == '\t') {
                pos++;
                continue;
            }
            if (!ensure(2) || buf[pos] != '\r' || buf[pos + 1] != '\n') {
                throw new MalformedMultipartException("boundary line not followed by CRLF");
            }
            pos += 2;
            return;
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine();
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("part headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("malformed part header line");
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    /** One CRLF-terminated line, decoded as UTF-8 (browsers send UTF-8 file names raw). */
    private String readLine() throws IOException {
        int scanned = 0; // bytes after pos already known to hold no CRLF start
        while (true) {
            for (int i = pos + scanned; i + 1 < lim; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 2;
                    return line;
                }
            }
            scanned = Math.max(0, lim - pos - 1);
            if (lim - pos >= MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("part header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (!fill()) {
                throw new MalformedMultipartException("request body ends inside the part headers");
            }
        }
    }

    /** Makes at least n bytes available from pos, unless the input ends first. */
    private boolean ensure(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Moves unread bytes to the front of the window and reads more; false at end of input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            throw new IllegalStateException("multipart window full");
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }

    /** Index of the delimiter in buf[from, lim), or -1. */
    private int indexOfDelimiter(int from) {
        byte first = delimiter[0];
        int last = lim - delimiter.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** One part of the form: its field name, its file name if it is a file, and its body. */
    public record Part(String name, String fileName, String contentType, InputStream body) {
        /** Whether this part is a file (it has a file name). */
        public boolean isFile() {
            return fileName != null;
        }
    }

    /** A part's body: reads up to the next delimiter, then reports end of stream. */
    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int at = indexOfDelimiter(pos);
                int available;
                if (at >= 0) {
                    available = at - pos;
                    if (available == 0) {
                        pos += delimiter.length;
                        done = true;
                        return -1;
                    }
                } else {
                    // Bytes that cannot be the start of a delimiter are safe to hand out.
                    available = lim - pos - (delimiter.length - 1);
                    if (available <= 0) {
                        if (!fill()) {
                            throw new MalformedMultipartException("request body ends inside a part (no closing boundary)");
                        }
                        continue;
                    }
                }
                int n = Math.min(len, available);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        }
    }

    /** A header value with parameters: {@code form-data; name="file"; filename="a b.pt"}. */
    record HeaderValue(String value, Map<String, String> params) {
        String param(String name) {
            return params.get(name.toLowerCase(Locale.ROOT));
        }

        static HeaderValue parse(String header) {
            int n = header.length();
            int semi = header.indexOf(';');
            String value = (semi < 0 ? header : header.substring(0, semi)).trim();
            Map<String, String> params = new LinkedHashMap<>();
            int i = semi < 0 ? n : semi + 1;
            while (i < n) {
                while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ';')) {
                    i++;
                }
                int eq = header.indexOf('=', i);
                if (eq < 0) {
                    break;
                }
                String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
                i = eq + 1;
                StringBuilder val = new StringBuilder();
                if (i < n && header.charAt(i) == '"') {
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        char c = header.charAt(i);
                        // Browsers escape only '"' (as %22) and not backslashes in file names,
                        // so a backslash escapes only a following quote or backslash.
                        if (c == '\\' && i + 1 < n && (header.charAt(i + 1) == '"' || header.charAt(i + 1) == '\\')) {
                            c = header.charAt(++i);
                        }
                        val.append(c);
                        i++;
                    }
                    i++;
                } else {
                    int end = header.indexOf(';', i);
                    end = end < 0 ? n : end;
                    val.append(header, i, end);
                    i = end;
                }
                params.putIfAbsent(key, key.endsWith("*") ? val.toString() : val.toString().trim());
            }
            return new HeaderValue(value, params);
        }
    }
}
