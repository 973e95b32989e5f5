package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Assertions for bad input: one {@link WeightFormatException} whose message names the cause. */
final class Rejects {
    private Rejects() {
    }

    /** Opens {@code path} and reads every tensor; asserts it fails with a message holding each fragment. */
    static WeightFormatException rejects(Path path, String... fragments) {
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> readAll(path));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should mention \"" + f + "\"");
        }
        assertNotNull(e.file(), "names the file");
        assertTrue(e.getMessage().startsWith(e.file().toString()), e.getMessage());
        assertFalse(e.getCause() instanceof RuntimeException, "a reader bug surfaced: " + e.getCause());
        return e;
    }

    /** Opens and fully reads every tensor. */
    static void readAll(Path path) throws IOException {
        try (WeightFile wf = WeightReaders.open(path)) {
            for (TensorInfo t : wf.tensors()) {
                long[] n = {0};
                wf.read(t.name(), (values, length) -> n[0] += length);
                if (n[0] != t.elementCount()) {
                    throw new AssertionError(t + " streamed " + n[0] + " values");
                }
            }
        }
    }

    /** A safetensors file from a header string and data bytes. */
    static Path safetensors(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return safetensors(file, h.length, h, data);
    }

    static Path safetensors(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        Files.write(file, b.array());
        return file;
    }
}
