package org.modelheritage.read.safetensors;

import org.modelheritage.read.ReadLimits;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.io.ChannelIo;
import org.modelheritage.read.io.LayoutWeightFile;
import org.modelheritage.read.io.TensorLayout;

/**
 * Opens a directory holding a sharded safetensors checkpoint: one {@code *.safetensors.index.json}
 * whose {@code weight_map} names, for each tensor, the shard file (in the same directory) that
 * holds it. Every shard's header is validated at open, and the index must agree with the shards
 * exactly: every mapped tensor is in its shard, and no shard holds a tensor the index does not
 * map to it.
 */
public final class ShardedSafetensorsReader {
    /** Far above any real index (a few hundred KB for the largest models). */
    public static final long MAX_INDEX_BYTES = 64L << 20;
    private static final String INDEX_SUFFIX = ".safetensors.index.json";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNameLength(1 << 20).build())
            .build();

    private ShardedSafetensorsReader() {
    }

    /** The index file in {@code dir}; exactly one must be there. */
    public static Path findIndex(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + INDEX_SUFFIX)) {
            for (Path p : files) {
                found.add(p);
            }
        }
        if (found.isEmpty()) {
            throw new WeightFormatException(dir, "", "directory holds no *" + INDEX_SUFFIX
                    + ", so it is not a sharded safetensors checkpoint");
        }
        if (found.size() > 1) {
            found.sort(null);
            throw new WeightFormatException(dir, "", "directory holds several index files " + found
                    + "; keep one checkpoint per directory");
        }
        return found.get(0);
    }

    public static WeightFile open(Path dir) throws IOException {
        return open(dir, ReadLimits.defaults());
    }

    /** Opens under {@code limits}: the tensor limit counts all shards together. */
    public static WeightFile open(Path dir, ReadLimits limits) throws IOException {
        Path index = findIndex(dir);
        Map<String, String> weightMap = readWeightMap(index);
        if (weightMap.size() > limits.maxTensors()) {
            throw new WeightFormatException(index, "weight_map", weightMap.size() + " tensors, more than the limit of "
                    + limits.maxTensors() + " for one model");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            byShard.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        List<FileChannel> channels = new ArrayList<>();
        try {
            Map<String, TensorLayout> shardLayouts = new HashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
                Path shard = shardPath(dir, index, e.getKey());
                FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ);
                channels.add(channel);
                SafetensorsHeader header = SafetensorsHeader.read(shard, channel, limits);
                if (metadata.isEmpty()) {
                    metadata.putAll(header.metadata());
                }
                Map<String, TensorLayout> layouts = header.layouts(shard, channel);
                for (String name : layouts.keySet()) {
                    String mapped = weightMap.get(name);
                    if (mapped == null) {
                        throw new WeightFormatException(shard, "tensor " + name, "shard holds a tensor the index "
                                + index.getFileName() + " does not list");
                    }
                    if (!mapped.equals(e.getKey())) {
                        throw new WeightFormatException(shard, "tensor " + name, "tensor is duplicated: the index "
                                + index.getFileName() + " maps it to shard " + mapped);
                    }
                }
                for (String name : e.getValue()) {
                    TensorLayout layout = layouts.get(name);
                    if (layout == null) {
                        throw new WeightFormatException(shard, "tensor " + name, "the index " + index.getFileName()
                                + " maps this tensor to the shard, but the shard does not hold it");
                    }
                    shardLayouts.put(name, layout);
                }
            }
            Map<String, TensorLayout> ordered = new LinkedHashMap<>();
            for (String name : weightMap.keySet()) {
                ordered.put(name, shardLayouts.get(name));
            }
            return new LayoutWeightFile(dir, WeightFormat.SHARDED_SAFETENSORS, ordered, metadata, channels);
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : channels) {
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static Path shardPath(Path dir, Path index, String shard) throws WeightFormatException {
        if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals(".") || shard.equals("..")
                || shard.indexOf('\0') >= 0) {
            throw new WeightFormatException(index, "weight_map", "shard name \"" + shard
                    + "\" is not a plain file name in the checkpoint's directory");
        }
        Path p = dir.resolve(shard);
        if (!Files.isRegularFile(p)) {
            throw new WeightFormatException(index, "weight_map", "shard " + shard + " is missing from " + dir);
        }
        return p;
    }

    /** Tensor name to shard file name, in index order. */
    static Map<String, String> readWeightMap(Path index) throws IOException {
        Map<String, String> weightMap = new LinkedHashMap<>();
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(index, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_INDEX_BYTES) {
                throw new WeightFormatException(index, "", "index is " + size + " bytes, above the limit of "
                        + MAX_INDEX_BYTES);
            }
            bytes = ChannelIo.readBytes(channel, index, 0, (int) size);
        }
        boolean sawMap = false;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WeightFormatException(index, "byte 0", "index is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (!field.equals("weight_map")) {
                    p.skipChildren();
                    continue;
                }
                sawMap = true;
                if (v != JsonToken.START_OBJECT) {
                    throw new WeightFormatException(index, "weight_map", "weight_map is not an object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        throw new WeightFormatException(index, "weight_map", "shard of tensor " + name
                                + " is not a string");
                    }
                    weightMap.put(name, p.getText());
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new WeightFormatException(index, "byte " + p.currentTokenLocation().getByteOffset(),
                        "index JSON is malformed");
            }
        } catch (JsonProcessingException e) {
            throw new WeightFormatException(index, e.getLocation() == null ? "" : "byte " + e.getLocation().getByteOffset(),
                    "malformed index JSON: " + e.getOriginalMessage());
        }
        if (!sawMap) {
            throw new WeightFormatException(index, "", "index has no weight_map");
        }
        return weightMap;
    }
}
