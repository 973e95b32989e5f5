package org.modelheritage.read.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modelheritage.read.DType;
import org.modelheritage.read.ReadLimits;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.io.ChannelIo;
import org.modelheritage.read.io.TensorLayout;

/**
 * A safetensors header, validated whole before any data is touched, by the rules of the
 * safetensors crate: an 8-byte little-endian length; that many bytes of UTF-8 JSON (below a cap)
 * holding one object; each entry a known dtype, a shape of non-negative integers and
 * {@code data_offsets [begin, end]} inside the data section with {@code end - begin} equal to
 * the element count times the dtype size; the tensors' bytes back to back, neither overlapping
 * nor leaving a gap, and filling the data section to the end of the file; an optional
 * {@code __metadata__} map of strings to strings.
 */
public final class SafetensorsHeader {
    /** The safetensors crate's limit on the header length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final JsonFactory JSON = JsonFactory.builder()
            // tensor names are nearly all distinct: canonicalizing or interning them only costs
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(40)
                    .maxNameLength(1 << 20)
                    .maxStringLength((int) MAX_HEADER_BYTES)
                    .build())
            .build();

    /** One tensor's header entry; offsets are relative to the data section. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private final List<Entry> entries;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata, long dataStart) {
        this.entries = Collections.unmodifiableList(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.dataStart = dataStart;
    }

    /** The tensors in the order the header lists them. */
    public List<Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The file position where the data section (and offset 0) begins. */
    public long dataStart() {
        return dataStart;
    }

    /** Each entry's layout in {@code channel}, keyed by name, in header order. */
    public Map<String, TensorLayout> layouts(Path file, FileChannel channel) {
        Map<String, TensorLayout> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            out.put(e.name(), TensorLayout.contiguous(file, channel, dataStart + e.begin(), e.dtype(),
                    ByteOrder.LITTLE_ENDIAN, e.shape()));
        }
        return out;
    }

    /** Reads and validates the header of the safetensors file open in {@code channel}, under the default limits. */
    public static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        return read(file, channel, ReadLimits.defaults());
    }

    /** Reads and validates the header, refusing it beyond {@code limits} before it costs memory. */
    public static SafetensorsHeader read(Path file, FileChannel channel, ReadLimits limits) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new WeightFormatException(file, "byte 0",
                    "file is " + fileSize + " bytes, too short for the 8-byte safetensors header length (truncated?)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ChannelIo.readFully(channel, file, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > fileSize - 8) {
            throw new WeightFormatException(file, "byte 0", "header length " + Long.toUnsignedString(headerLength)
                    + " goes beyond the end of the file (" + fileSize + " bytes); the file is truncated or not safetensors");
        }
        if (headerLength > limits.maxHeaderBytes()) {
            throw new WeightFormatException(file, "byte 0", "header length " + headerLength
                    + " is above the limit of " + limits.maxHeaderBytes() + " bytes");
        }
        if (headerLength < 2) {
            throw new WeightFormatException(file, "byte 0", "header length " + headerLength
                    + " is too small to hold a JSON object");
        }
        byte[] header = ChannelIo.readBytes(channel, file, 8, (int) headerLength);
        checkUtf8(file, header);
        if (header[0] != '{') {
            throw new WeightFormatException(file, "byte 8", "header does not start with '{'");
        }
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(header)) {
            expect(file, p, p.nextToken(), JsonToken.START_OBJECT, "the header");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("__metadata__")) {
                    readMetadata(file, p, value, metadata, limits.maxMetadataBytes());
                } else {
                    if (entries.size() >= limits.maxTensors()) {
                        throw error(file, p.currentTokenLocation(), "more than " + limits.maxTensors()
                                + " tensors, the limit for one model");
                    }
                    entries.add(readEntry(file, p, name, value));
                }
            }
            expect(file, p, t, JsonToken.END_OBJECT, "the header");
            if (p.nextToken() != null) {
                throw error(file, p.currentTokenLocation(), "content after the header's JSON object");
            }
        } catch (JsonProcessingException e) {
            throw error(file, e.getLocation(), "malformed header JSON: " + e.getOriginalMessage());
        }
        checkOffsets(file, entries, dataStart, dataLength);
        return new SafetensorsHeader(entries, metadata, dataStart);
    }

    private static void checkUtf8(Path file, byte[] header) throws WeightFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(Math.min(header.length, 8192));
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw new WeightFormatException(file, "byte " + (8 + in.position()), "header is not valid UTF-8");
            }
            if (r.isUnderflow()) {
                break;
            }
            out.clear();
        }
    }

    private static void readMetadata(Path file, JsonParser p, JsonToken value, Map<String, String> metadata,
            long maxChars) throws IOException {
        long chars = 0;
        expect(file, p, value, JsonToken.START_OBJECT, "__metadata__");
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                throw error(file, p.currentTokenLocation(), "__metadata__ value of \"" + key + "\" is " + describe(v)
                        + ", not a string");
            }
            String text = p.getText();
            chars += key.length() + text.length();
            if (chars > maxChars) {
                throw error(file, p.currentTokenLocation(), "__metadata__ is larger than the limit of "
                        + maxChars + " characters");
            }
            metadata.put(key, text);
        }
        expect(file, p, t, JsonToken.END_OBJECT, "__metadata__");
    }

    private static Entry readEntry(Path file, JsonParser p, String name, JsonToken value) throws IOException {
        JsonLocation where = p.currentTokenLocation();
        if (value != JsonToken.START_OBJECT) {
            throw error(file, where, "tensor \"" + name + "\" is " + describe(value) + ", not an object");
        }
        DType dtype = null;
        long[] shape = null;
        long[] offsets = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (v != JsonToken.VALUE_STRING) {
                        throw error(file, p.currentTokenLocation(), "tensor \"" + name + "\" dtype is " + describe(v));
                    }
                    String text = p.getText();
                    dtype = parseDType(text).orElseThrow(() -> error(file, p.currentTokenLocation(), "tensor \"" + name
                            + "\" has unknown dtype \"" + text + "\" (known: " + Arrays.toString(DType.values()) + ")"));
                }
                case "shape" -> shape = readInts(file, p, v, name, "shape", -1);
                case "data_offsets" -> offsets = readInts(file, p, v, name, "data_offsets", 2);
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw error(file, p.currentTokenLocation(), "tensor \"" + name + "\" entry is malformed");
        }
        if (dtype == null || shape == null || offsets == null) {
            throw error(file, where, "tensor \"" + name + "\" lacks "
                    + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        if (shape.length > TensorLayout.MAX_RANK) {
            throw error(file, where, "tensor \"" + name + "\" has " + shape.length + " dimensions, more than "
                    + TensorLayout.MAX_RANK);
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** Exact, case-sensitive safetensors dtype names. */
    private static Optional<DType> parseDType(String text) {
        for (DType d : DType.values()) {
            if (d.name().equals(text)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static long[] readInts(Path file, JsonParser p, JsonToken v, String name, String field, int exactLength)
            throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw error(file, p.currentTokenLocation(), "tensor \"" + name + "\" " + field + " is " + describe(v)
                    + ", not an array");
        }
        long[] values = new long[4];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw error(file, p.currentTokenLocation(), "tensor \"" + name + "\" " + field
                        + " holds " + (t == JsonToken.VALUE_NUMBER_INT ? p.getText() : describe(t))
                        + ", not a non-negative 64-bit integer");
            }
            if (n == TensorLayout.MAX_RANK + 1) {
                throw error(file, p.currentTokenLocation(), "tensor \"" + name + "\" " + field + " is too long");
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = p.getLongValue();
        }
        if (exactLength >= 0 && n != exactLength) {
            throw error(file, p.currentTokenLocation(), "tensor \"" + name + "\" " + field + " has " + n
                    + " values, not " + exactLength);
        }
        return Arrays.copyOf(values, n);
    }

    private static void checkOffsets(Path file, List<Entry> entries, long dataStart, long dataLength)
            throws WeightFormatException {
        for (Entry e : entries) {
            String where = "tensor " + e.name();
            Optional<Long> count = TensorLayout.elementCount(e.shape());
            if (count.isEmpty() || count.get() > Long.MAX_VALUE / e.dtype().byteSize()) {
                throw new WeightFormatException(file, where, "shape " + Arrays.toString(e.shape())
                        + " has too many elements");
            }
            if (e.end() < e.begin()) {
                throw new WeightFormatException(file, where, "data_offsets [" + e.begin() + ", " + e.end()
                        + "] end before they begin");
            }
            if (e.end() > dataLength) {
                throw new WeightFormatException(file, where, "data_offsets [" + e.begin() + ", " + e.end()
                        + "] reach beyond the data section, which is " + dataLength + " bytes (from byte " + dataStart
                        + "); the file is truncated or the header is wrong");
            }
            long expected = count.get() * e.dtype().byteSize();
            if (e.end() - e.begin() != expected) {
                throw new WeightFormatException(file, where, "data_offsets [" + e.begin() + ", " + e.end() + "] span "
                        + (e.end() - e.begin()) + " bytes but shape " + Arrays.toString(e.shape()) + " of " + e.dtype()
                        + " needs " + expected);
            }
        }
        // As the safetensors crate: sorted by offsets, each tensor begins where the one before ends
        // (empty ones included) and the last ends where the file does. A gap or trailing bytes are
        // data no tensor accounts for, which no writer produces and which could hide anything.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long end = 0;
        Entry prev = null;
        for (Entry cur : byOffset) {
            if (cur.begin() < end) {
                throw new WeightFormatException(file, "tensor " + cur.name(), "data_offsets [" + cur.begin() + ", "
                        + cur.end() + "] overlap those of tensor " + prev.name() + " [" + prev.begin() + ", "
                        + prev.end() + "]");
            }
            if (cur.begin() > end) {
                throw new WeightFormatException(file, "tensor " + cur.name(), "data_offsets [" + cur.begin() + ", "
                        + cur.end() + "] leave a gap of " + (cur.begin() - end) + " bytes "
                        + (prev == null ? "at the start of the data section"
                        : "after tensor " + prev.name() + " [" + prev.begin() + ", " + prev.end() + "]")
                        + "; safetensors tensors lie back to back");
            }
            if (cur.end() > end) {
                end = cur.end();
                prev = cur;
            }
        }
        if (end != dataLength) {
            throw new WeightFormatException(file, "byte " + (dataStart + end), "the data section is " + dataLength
                    + " bytes but its tensors fill " + end + "; " + (dataLength - end)
                    + " bytes after the last tensor belong to none");
        }
    }

    private static void expect(Path file, JsonParser p, JsonToken actual, JsonToken expected, String what)
            throws WeightFormatException {
        if (actual != expected) {
            throw error(file, p.currentTokenLocation(), what + " is malformed: expected " + describe(expected)
                    + " but found " + describe(actual));
        }
    }

    private static WeightFormatException error(Path file, JsonLocation location, String reason) {
        String where = location == null || location.getByteOffset() < 0 ? "header"
                : "byte " + (8 + location.getByteOffset());
        return new WeightFormatException(file, where, reason);
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the header";
        }
        return switch (t) {
            case START_OBJECT, END_OBJECT -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case FIELD_NAME -> "a field name";
            default -> t.toString();
        };
    }
}
