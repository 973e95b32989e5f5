package org.modelheritage.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Builds multipart/form-data request bodies for tests. */
final class Multipart {
    private final String boundary = "----heritage" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Multipart field(String name, String value) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        write(value);
        write("\r\n");
        return this;
    }

    Multipart file(String fileName, byte[] bytes) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(bytes);
        write("\r\n");
        return this;
    }

    Multipart file(Path path) throws IOException {
        return file(path.getFileName().toString(), Files.readAllBytes(path));
    }

    /** Every file of a directory (a sharded checkpoint), as several 'file' parts. */
    Multipart directory(Path dir) throws IOException {
        try (var list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                file(p);
            }
        }
        return this;
    }

    HttpRequest.Builder post(java.net.URI uri) {
        write("--" + boundary + "--\r\n");
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    private void write(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
