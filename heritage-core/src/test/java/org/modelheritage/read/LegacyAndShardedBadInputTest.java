package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.read.Rejects.rejects;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.testing.Fixtures;
import org.modelheritage.testing.PickleWriter;

/** Legacy torch.save files, sharded checkpoints and format detection, with bad input of each kind. */
class LegacyAndShardedBadInputTest {
    @TempDir
    Path dir;

    private static final byte[] MAGIC = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
        (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'};

    /** A legacy file: magic, protocol, sys_info, main pickle, key list, then each storage (count, floats). */
    private Path legacy(byte[] main, List<String> keys, long[] counts, float[]... storages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(new PickleWriter().integer(1001).stop().bytes());
        out.writeBytes(new PickleWriter().op('}').stop().bytes());
        out.writeBytes(main);
        PickleWriter list = new PickleWriter().op(']').mark();
        keys.forEach(list::str);
        out.writeBytes(list.op('e').stop().bytes());
        for (int i = 0; i < storages.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(8 + 4 * storages[i].length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(counts[i]);
            for (float v : storages[i]) {
                b.putFloat(v);
            }
            out.writeBytes(b.array());
        }
        Path p = dir.resolve("legacy.pt");
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] mainPickle(String key, long numel) {
        PickleWriter w = new PickleWriter().orderedDict().mark().str("w");
        w.global("torch._utils", "_rebuild_tensor_v2").mark().legacyStorage("FloatStorage", key, numel).integer(0)
                .ints(numel).ints(1).op(0x89).orderedDict().tuple().reduce();
        return w.setItems().stop().bytes();
    }

    @Test
    void handMadeLegacyFileReads() throws IOException {
        Path p = legacy(mainPickle("140", 3), List.of("140"), new long[] {3}, new float[] {1, 2, 3});
        try (WeightFile wf = WeightReaders.open(p)) {
            assertEquals(WeightFormat.PYTORCH_LEGACY, wf.format());
            assertArrayEquals(new float[] {1, 2, 3}, wf.readFloats("w"));
        }
    }

    @Test
    void legacyBadInput() throws IOException {
        Path p = legacy(mainPickle("140", 3), List.of("140"), new long[] {3}, new float[] {1, 2, 3});
        byte[] whole = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(whole, whole.length - 4));
        rejects(p, "storage 140 declares 3 elements of 4 bytes but only 8 bytes remain");
        Files.write(p, Arrays.copyOf(whole, 40));
        rejects(p, "truncated");
        rejects(legacy(mainPickle("140", 3), List.of("140"), new long[] {2}, new float[] {1, 2, 3}),
                "holds 8 bytes but the pickle declares 12");
        rejects(legacy(mainPickle("140", 3), List.of("140"), new long[] {1L << 62}, new float[] {1, 2, 3}),
                "declares 4611686018427387904 elements");
        rejects(legacy(mainPickle("140", 3), List.of("140", "999"), new long[] {3}, new float[] {1, 2, 3}),
                "storage 999 is listed but no tensor uses it");
        rejects(legacy(mainPickle("140", 3), List.of(), new long[0]), "the storage list does not include it");
        rejects(legacy(mainPickle("140", 3), List.of("140", "140"), new long[] {3}, new float[] {1, 2, 3}),
                "listed twice");
        Path wrongMagic = dir.resolve("plain.pt");
        Files.write(wrongMagic, new PickleWriter().op('}').stop().bytes());
        rejects(wrongMagic, "not a torch.save file");
        byte[] v = Files.readAllBytes(legacy(mainPickle("1", 1), List.of("1"), new long[] {1}, new float[] {1}));
        v[MAGIC.length + 3] = 0x10; // protocol version 1001 -> 1010... (BININT2 low byte)
        Files.write(p, v);
        rejects(p, "protocol version", "is not supported");
    }

    @Test
    void legacyRefusesPickledModules() throws IOException {
        byte[] main = new PickleWriter().mark().str("module").global("torch.nn.modules.linear", "Linear").str("src")
                .tuple().op('Q').stop().bytes();
        rejects(legacy(main, List.of(), new long[0]), "refused pickle global torch.nn.modules.linear.Linear");
        byte[] moduleId = new PickleWriter().mark().str("module").str("x").str("src").tuple().op('Q').stop().bytes();
        rejects(legacy(moduleId, List.of(), new long[0]), "kind 'module'", "save model.state_dict() instead");
    }

    private Path shardedCopy(String name) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        try (var files = Files.list(Fixtures.path("sharded"))) {
            for (Path f : files.toList()) {
                Files.copy(f, d.resolve(f.getFileName().toString()));
            }
        }
        return d;
    }

    private static void editIndex(Path d, String from, String to) throws IOException {
        Path index = d.resolve("model.safetensors.index.json");
        String text = Files.readString(index);
        if (!text.contains(from)) {
            throw new AssertionError("index does not contain " + from);
        }
        Files.writeString(index, text.replace(from, to));
    }

    @Test
    void shardedBadInput() throws IOException {
        Path d = shardedCopy("s1");
        Files.delete(d.resolve("model-00002-of-00002.safetensors"));
        rejects(d, "shard model-00002-of-00002.safetensors is missing");

        d = shardedCopy("s2");
        // shard 1 also holds 2.bias, which the index maps to shard 2
        Path shard1 = d.resolve("model-00001-of-00002.safetensors");
        List<SafetensorsWriter.Tensor> tensors = new java.util.ArrayList<>();
        try (WeightFile original = WeightReaders.open(Fixtures.path("sharded/model-00001-of-00002.safetensors"))) {
            for (TensorInfo t : original.tensors()) {
                tensors.add(new SafetensorsWriter.Tensor(t.name(), t.dtype(), t.shape(), original.readFloats(t.name())));
            }
        }
        tensors.add(new SafetensorsWriter.Tensor("2.bias", DType.F32, new long[] {3}, new float[3]));
        SafetensorsWriter.write(shard1, tensors, Map.of());
        rejects(d, "tensor 2.bias", "duplicated", "maps it to shard model-00002-of-00002.safetensors");

        d = shardedCopy("s3");
        editIndex(d, "\"2.bias\": \"model-00002-of-00002.safetensors\",", "");
        rejects(d, "shard holds a tensor the index", "does not list");

        d = shardedCopy("s4");
        editIndex(d, "\"2.bias\"", "\"2.bias\": \"model-00002-of-00002.safetensors\", \"ghost\"");
        rejects(d, "tensor ghost", "the shard does not hold it");

        d = shardedCopy("s5");
        editIndex(d, "\"model-00002-of-00002.safetensors\"", "\"../model-00002-of-00002.safetensors\"");
        rejects(d, "is not a plain file name");

        d = shardedCopy("s6");
        editIndex(d, "\"weight_map\"", "\"weight_map\": 3, \"x\"");
        rejects(d, "weight_map is not an object");

        d = shardedCopy("s7");
        Files.writeString(d.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"a\": ");
        rejects(d, "malformed index JSON");

        d = shardedCopy("s8");
        Files.write(d.resolve("model-00001-of-00002.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        WeightFormatException e = rejects(d, "goes beyond the end of the file");
        assertEquals(d.resolve("model-00001-of-00002.safetensors"), e.file(), "names the shard at fault");

        d = shardedCopy("s9");
        Files.copy(d.resolve("model.safetensors.index.json"), d.resolve("other.safetensors.index.json"));
        rejects(d, "several index files");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        rejects(empty, "no *.safetensors.index.json");
    }

    @Test
    void formatComesFromContentNotTheName() throws IOException {
        Map<String, WeightFormat> cases = Map.of("model.pt", WeightFormat.PYTORCH_ZIP, "f32.safetensors",
                WeightFormat.SAFETENSORS, "legacy.pt", WeightFormat.PYTORCH_LEGACY, "bf16.bin", WeightFormat.PYTORCH_ZIP);
        String[] names = {"weights.safetensors", "weights.pt", "weights.bin", "weights.pth", "weights", "weights.txt"};
        for (Map.Entry<String, WeightFormat> c : cases.entrySet()) {
            for (String name : names) {
                Path p = dir.resolve(name);
                Files.copy(Fixtures.path(c.getKey()), p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (WeightFile wf = WeightReaders.open(p)) {
                    assertEquals(c.getValue(), wf.format(), c.getKey() + " as " + name);
                }
            }
        }
        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        rejects(empty, "file is empty");
        Path text = dir.resolve("notes.pt");
        Files.writeString(text, "these are not weights at all");
        rejects(text, "unrecognized content (first bytes 74 68 65 73 65 20 61 72)");
        Path gguf = dir.resolve("model.gguf");
        Files.write(gguf, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 0, 0, 0, 0});
        rejects(gguf, "unrecognized content");
    }
}
