package org.modelheritage.server.api;

import io.javalin.http.BadRequestResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.modelheritage.store.Model;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.lake.ModelUpload;
import org.modelheritage.lake.UploadTooLargeException;

/**
 * Turns a {@code multipart/form-data} request into a lake upload while it arrives: each
 * {@code file} part streams straight into the blob store, the text fields are kept, and the
 * upload is committed once the body ends. Fields may come in any order. On any failure the
 * upload is closed uncommitted, which removes whatever it had stored.
 */
final class MultipartUpload {
    /** Room for the multipart framing and the text fields on top of the file-size limit. */
    static final long FRAMING_ALLOWANCE = 1024 * 1024;
    private static final int MAX_TEXT_FIELD = 64 * 1024;

    private MultipartUpload() {
    }

    static Model receive(HttpServletRequest request, ModelLake lake) throws IOException {
        if (!MultipartParts.isFormData(request.getContentType())) {
            throw new BadRequestResponse("expected a multipart/form-data body with a file and a name");
        }
        long limit = lake.options().maxUploadBytes();
        long declared = request.getContentLengthLong();
        if (declared > limit + FRAMING_ALLOWANCE) {
            throw new UploadTooLargeException(limit); // refused before reading a byte
        }
        String name = null;
        String description = null;
        try (ModelUpload upload = lake.beginUpload()) {
            MultipartParts parts = MultipartParts.of(request);
            MultipartParts.Part part;
            while ((part = parts.next()) != null) {
                switch (part.name()) {
                    case "file" -> {
                        if (!part.isFile()) {
                            throw new BadRequestResponse("the 'file' field must be a file, not text");
                        }
                        upload.addFile(part.fileName(), part.body());
                    }
                    case "name" -> name = text(part);
                    case "description" -> description = text(part);
                    default -> { } // unknown fields are skipped by the parser
                }
            }
            return upload.commit(name, description);
        }
    }

    private static String text(MultipartParts.Part part) throws IOException {
        InputStream body = part.body();
        byte[] bytes = body.readNBytes(MAX_TEXT_FIELD + 1);
        if (bytes.length > MAX_TEXT_FIELD) {
            throw new BadRequestResponse("field '" + part.name() + "' is longer than " + MAX_TEXT_FIELD + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
