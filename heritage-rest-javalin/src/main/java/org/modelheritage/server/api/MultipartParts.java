package org.modelheritage.server.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.fileupload2.core.AbstractRequestContext;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.RequestContext;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletRequestContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The parts of a {@code multipart/form-data} body as they arrive, each body an {@link InputStream}
 * read straight from the request: Apache Commons FileUpload 2's streaming item iterator, which
 * holds one 4 KB window and never spools a part to memory or disk (the servlet container's own
 * multipart support would write every part to disk first).
 *
 * <p>What the uploads need on top of the library: at most {@value #MAX_PARTS} parts and
 * {@value #MAX_PART_HEADER_BYTES} bytes of headers per part; every parsing failure, whenever it
 * surfaces (also while a part's body is being stored), as a {@link MalformedMultipartException}
 * (a 400), so a blob store copying a body passes it on unchanged; file names decoded as UTF-8 (what
 * browsers send) with curl's backslash escapes undone. Parts without a form-data name are skipped
 * by the library (they cannot be a field of the form).
 *
 * <p>Use: call {@link #next()} until it returns null; read (or ignore) each part's body before
 * asking for the next one, unread bytes are skipped.
 */
public final class MultipartParts {
    static final int MAX_PARTS = 10_000;
    static final int MAX_PART_HEADER_BYTES = 16 * 1024;

    private final FileItemInputIterator items;
    private int parts;

    /**
     * One field of the form: its name, its file name if it is a file, and its body.
     *
     * @param name        the form field's name
     * @param fileName    the file's name, UTF-8 decoded with curl's backslash escapes undone; null for a text field
     * @param contentType the part's Content-Type; null when it sent none
     * @param body        the part's bytes, streamed from the request; valid until {@link #next()} is called again
     */
    public record Part(String name, String fileName, String contentType, InputStream body) {
        /** {@return whether the part is a file (it has a file name) rather than a text field} */
        public boolean isFile() {
            return fileName != null;
        }
    }

    private MultipartParts(RequestContext request) throws MalformedMultipartException {
        JakartaServletFileUpload<?, ?> upload = new JakartaServletFileUpload<>();
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        upload.setMaxPartHeaderSize(MAX_PART_HEADER_BYTES);
        // Sizes are the lake's to limit (it counts the file bytes it stores): no request or file cap here.
        upload.setMaxSize(-1);
        upload.setMaxFileSize(-1);
        try {
            this.items = upload.getItemIterator(request);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** The parts of a servlet request's body. */
    static MultipartParts of(HttpServletRequest request) throws MalformedMultipartException {
        return new MultipartParts(new JakartaServletRequestContext(request));
    }

    /**
     * The parts of a body with this Content-Type header (tests, and bodies not from a servlet).
     *
     * @param body        the request body; read as the parts are, not closed
     * @param contentType the request's Content-Type: {@code multipart/form-data} with its boundary
     * @return the parts, read one by one by {@link #next()}
     * @throws MalformedMultipartException when the content type is not multipart or has no boundary
     */
    public static MultipartParts of(InputStream body, String contentType) throws MalformedMultipartException {
        return new MultipartParts(new AbstractRequestContext<InputStream>(name -> null, () -> -1L, body) {
            @Override
            public String getCharacterEncoding() {
                return null;
            }

            @Override
            public String getContentType() {
                return contentType;
            }

            @Override
            public InputStream getInputStream() {
                return body;
            }
        });
    }

    /** True for a {@code multipart/form-data} content type with a boundary. */
    static boolean isFormData(String contentType) {
        if (contentType == null || !contentType.strip().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            return false;
        }
        byte[] boundary = new JakartaServletFileUpload<>().getBoundary(contentType);
        return boundary != null && boundary.length > 0;
    }

    /**
     * The next part. Skips what is left of the previous part.
     *
     * @return the next part, or null after the closing boundary
     * @throws MalformedMultipartException when the body is not well-formed, a part's headers pass
     *     {@value #MAX_PART_HEADER_BYTES} bytes or there are more than {@value #MAX_PARTS} parts
     * @throws IOException when the body cannot be read
     */
    public Part next() throws IOException {
        FileItemInput item;
        try {
            if (!items.hasNext()) {
                return null;
            }
            item = items.next();
        } catch (FileUploadException e) {
            throw malformed(e);
        }
        if (++parts > MAX_PARTS) {
            throw new MalformedMultipartException("more than " + MAX_PARTS + " parts");
        }
        String fileName = item.isFormField() ? null : unescape(item.getName());
        return new Part(item.getFieldName(), fileName, item.getContentType(), new Body(item.getInputStream()));
    }

    /** curl escapes '"' and '\' in file names with a backslash; browsers send '"' as %22 and no escapes. */
    static String unescape(String name) {
        if (name == null || name.indexOf('\\') < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length() && (name.charAt(i + 1) == '"' || name.charAt(i + 1) == '\\')) {
                c = name.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static MalformedMultipartException malformed(IOException e) {
        if (e instanceof MalformedMultipartException m) {
            return m;
        }
        String reason = e instanceof FileUploadSizeException ? "part headers longer than " + MAX_PART_HEADER_BYTES + " bytes"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        MalformedMultipartException out = new MalformedMultipartException(reason);
        out.initCause(e);
        return out;
    }

    /** A part's body: the library's failures become {@link MalformedMultipartException}; I/O errors pass as they are. */
    private static final class Body extends FilterInputStream {
        Body(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (FileUploadException e) {
                throw malformed(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (FileUploadException e) {
                throw malformed(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (FileUploadException e) {
                throw malformed(e);
            }
        }
    }
}
