package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.read.Rejects.rejects;
import static org.modelheritage.read.Rejects.safetensors;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.safetensors.SafetensorsReader;
import org.modelheritage.testing.Fixtures;

/** Each way a safetensors file can be broken gives a WeightFormatException that says how. */
class SafetensorsBadInputTest {
    @TempDir
    Path dir;

    private Path file(String header, int dataBytes) throws IOException {
        return safetensors(dir.resolve("t.safetensors"), header, new byte[dataBytes]);
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.path("f32.safetensors"));
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
        rejects(cut, "beyond the data section", "truncated");
        Files.write(cut, java.util.Arrays.copyOf(whole, 5));
        rejects(cut, "unrecognized content");
        Files.write(cut, java.util.Arrays.copyOf(whole, 30));
        rejects(cut, "goes beyond the end of the file");
    }

    @Test
    void tooShortForTheLengthField() throws IOException {
        Path p = dir.resolve("short");
        Files.write(p, new byte[] {1, 2, 3});
        WeightFormatException e = org.junit.jupiter.api.Assertions.assertThrows(WeightFormatException.class,
                () -> SafetensorsReader.open(p));
        assertEquals("byte 0", e.location());
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes();
        rejects(safetensors(dir.resolve("x"), 1L << 40, h, new byte[4]), "header length 1099511627776",
                "goes beyond the end of the file");
        rejects(safetensors(dir.resolve("y"), -1, h, new byte[4]), "18446744073709551615");
    }

    @Test
    void hugeHeader() throws IOException {
        // a sparse 150 MB file whose header claims 120 MB: above the 100 MB cap, refused before reading it
        Path p = dir.resolve("huge.safetensors");
        safetensors(p, 120_000_000L, "{".getBytes(), new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(150_000_000L);
        }
        rejects(p, "above the limit of 100000000 bytes");
    }

    @Test
    void nonUtf8Header() throws IOException {
        byte[] h = "{\"a\u00ff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1);
        WeightFormatException e = rejects(safetensors(dir.resolve("u"), h.length, h, new byte[4]), "not valid UTF-8");
        assertEquals("byte 11", e.location());
        // an overlong encoding of '/' and a lone surrogate are invalid too
        byte[] overlong = "{\"a\u00c0\u00af\":{}}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        rejects(safetensors(dir.resolve("o"), overlong.length, overlong, new byte[0]), "not valid UTF-8");
        byte[] surrogate = "{\"a\u00ed\u00a0\u0080\":{}}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        rejects(safetensors(dir.resolve("s"), surrogate.length, surrogate, new byte[0]), "not valid UTF-8");
    }

    @Test
    void overlappingOffsets() throws IOException {
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap", "tensor a");
    }

    @Test
    void offsetsThatLeaveAGapOrTrailingBytes() throws IOException {
        // the reproduction: 4 bytes between two tensors that no tensor accounts for
        WeightFormatException gap = rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16),
                "data_offsets [12, 16] leave a gap of 4 bytes after tensor a [0, 8]");
        assertEquals("tensor b", gap.location());
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "leave a gap of 4 bytes at the start of the data section");
        WeightFormatException trailing = rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 11),
                "the data section is 11 bytes but its tensors fill 8; 3 bytes after the last tensor belong to none");
        org.junit.jupiter.api.Assertions.assertTrue(trailing.location().startsWith("byte "), trailing.location());
        // an empty tensor inside another's bytes is refused as the safetensors crate refuses it
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8), "overlap those of tensor a");
        // listed out of order but back to back: fine
        try (WeightFile wf = WeightReaders.open(file("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12))) {
            assertEquals(2, wf.tensors().size());
        }
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 12),
                "reach beyond the data section, which is 12 bytes");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 12), "end before they begin");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999999]}}", 8),
                "not a non-negative 64-bit integer");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", 8), "3 values, not 2");
    }

    @Test
    void shapeAndSizeMismatch() throws IOException {
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
                "span 8 bytes but shape [3] of F32 needs 12");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8), "non-negative");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8), "non-negative");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8),
                "too many elements");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", 8), "not an array");
    }

    @Test
    void unknownOrMissingDtype() throws IOException {
        rejects(file("{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype \"Q4_K\"");
        rejects(file("{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype \"f32\"");
        rejects(file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "lacks dtype");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "lacks data_offsets");
    }

    @Test
    void malformedJson() throws IOException {
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "Duplicate field 'a'");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} trailing", 8), "malformed header JSON");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]", 8), "malformed header JSON");
        rejects(file("{\"a\":7}", 0), "tensor \"a\" is a number, not an object");
        rejects(file("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__ value of \"k\" is a number, not a string");
        rejects(file("{\"__metadata__\":[\"k\"]}", 0), "__metadata__ is malformed");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"extra\":"
                + "[".repeat(20_000) + "]".repeat(20_000) + "}}", 0), "nesting depth");
        WeightFormatException e = org.junit.jupiter.api.Assertions.assertThrows(WeightFormatException.class,
                () -> SafetensorsReader.open(file("[1,2,3]   ", 0)));
        assertEquals("byte 8", e.location());
    }

    @Test
    void emptyTensorsMayShareAnOffsetAndPaddingIsAllowed() throws IOException {
        try (WeightFile wf = WeightReaders.open(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"c\":{\"dtype\":\"BOOL\",\"shape\":[0,7],\"data_offsets\":[4,4]}}     ", 4))) {
            assertEquals(3, wf.tensors().size());
            assertEquals(0, wf.readFloats("a").length);
            assertEquals(4, wf.readFloats("b").length);
        }
    }
}
