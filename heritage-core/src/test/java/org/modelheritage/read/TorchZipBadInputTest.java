package org.modelheritage.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelheritage.read.Rejects.rejects;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.testing.Fixtures;
import org.modelheritage.testing.PickleWriter;
import org.modelheritage.testing.PickleWriter.TensorSpec;
import org.modelheritage.testing.TorchZipWriter;

/** Broken, hostile and unsupported PyTorch zip archives are refused with a message that says why. */
class TorchZipBadInputTest {
    @TempDir
    Path dir;

    private Path zip(byte[] pickle, byte[]... storages) throws IOException {
        Path p = dir.resolve("m.pt");
        try (TorchZipWriter w = new TorchZipWriter(p)) {
            w.add("archive/data.pkl", pickle);
            for (int i = 0; i < storages.length; i++) {
                w.add("archive/data/" + i, storages[i]);
            }
        }
        return p;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void aValidHandMadeArchiveReads() throws IOException {
        Path p = zip(PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 2, 2)),
                floats(1, 2, 3, 4));
        try (WeightFile wf = WeightReaders.open(p)) {
            assertEquals(WeightFormat.PYTORCH_ZIP, wf.format());
            assertTrue(Arrays.equals(new float[] {1, 2, 3, 4}, wf.readFloats("w")));
        }
    }

    @Test
    void zipBombDeclaredSizeFarAboveTheFile() throws IOException {
        Path p = zip(PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 2, 2)), floats(1, 2, 3, 4));
        byte[] b = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // set every central-directory entry's sizes to 3 GB
        for (int i = 0; i + 4 <= b.length; i++) {
            if (bb.getInt(i) == 0x02014b50) {
                bb.putInt(i + 20, (int) 3_000_000_000L);
                bb.putInt(i + 24, (int) 3_000_000_000L);
            }
        }
        Files.write(p, b);
        rejects(p, "declares 3000000000 bytes", "zip bomb");
    }

    @Test
    void zip64EntryClaimingExabytes() throws IOException {
        Path p = dir.resolve("z64.pt");
        try (TorchZipWriter w = new TorchZipWriter(p, true)) {
            w.add("archive/data.pkl", PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 1)));
            w.add("archive/data/0", floats(1));
        }
        byte[] b = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= b.length; i++) {
            if (bb.getInt(i) == 0x02014b50) {
                int nameLength = bb.getShort(i + 28);
                bb.putLong(i + 46 + nameLength + 4, 1L << 60); // the zip64 extra's uncompressed size
                bb.putLong(i + 46 + nameLength + 12, 1L << 60);
            }
        }
        Files.write(p, b);
        rejects(p, "declares 1152921504606846976 bytes", "zip bomb");
    }

    @Test
    void truncatedArchive() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.path("model.pt"));
        Path p = dir.resolve("cut.pt");
        Files.write(p, Arrays.copyOf(whole, whole.length / 2));
        rejects(p, "no zip end-of-central-directory record");
        Files.write(p, Arrays.copyOf(whole, 10));
        rejects(p, "too short to be a zip archive");
    }

    @Test
    void centralDirectoryOutsideTheFile() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.path("model.pt"));
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = b.length - 22;
        assertEquals(0x06054b50, bb.getInt(eocd));
        assertEquals(0x07064b50, bb.getInt(eocd - 20), "torch writes zip64 end records");
        int z64 = (int) bb.getLong(eocd - 12);
        bb.putLong(z64 + 48, 0x7FFFFFF0L);
        Path p = dir.resolve("cd.pt");
        Files.write(p, b);
        rejects(p, "central directory", "lies outside the archive");
    }

    @Test
    void compressedStorageIsRefused() throws IOException {
        Path p = dir.resolve("deflated.pt");
        try (TorchZipWriter w = new TorchZipWriter(p)) {
            w.addDeflated("archive/data.pkl", PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 4)));
            w.addDeflated("archive/data/0", floats(1, 2, 3, 4));
        }
        // a deflated data.pkl is inflated (bounded); a deflated storage is refused
        rejects(p, "entry archive/data/0", "compressed (method 8)");
    }

    @Test
    void missingOrShortStorage() throws IOException {
        rejects(zip(PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 4))),
                "has no entry archive/data/0");
        rejects(zip(PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 4)), floats(1, 2)),
                "needs 16 bytes but the entry holds 8");
    }

    @Test
    void viewOutsideItsStorage() throws IOException {
        byte[] pickle = PickleWriter.stateDict(
                new TensorSpec("w", "FloatStorage", "0", 4, 2, new long[] {2, 2}, new long[] {2, 1}));
        rejects(zip(pickle, floats(1, 2, 3, 4)), "reaches element 5 of a storage of 4 elements");
        byte[] negative = PickleWriter.stateDict(
                new TensorSpec("w", "FloatStorage", "0", 4, 3, new long[] {2}, new long[] {-1}));
        rejects(zip(negative, floats(1, 2, 3, 4)), "negative stride");
    }

    @Test
    void expandedViewsAreBounded() throws IOException {
        // a 1-element storage seen as 2^40 elements: refused rather than streamed for hours
        byte[] pickle = PickleWriter.stateDict(
                new TensorSpec("w", "FloatStorage", "0", 1, 0, new long[] {1L << 20, 1L << 20}, new long[] {0, 0}));
        rejects(zip(pickle, floats(1)), "expanded views (stride 0)");
    }

    @Test
    void noDataPkl() throws IOException {
        Path p = dir.resolve("nopkl.pt");
        try (TorchZipWriter w = new TorchZipWriter(p)) {
            w.add("archive/other.txt", new byte[] {1});
        }
        rejects(p, "no PREFIX/data.pkl entry");
        try (TorchZipWriter w = new TorchZipWriter(p)) {
            w.add("a/data.pkl", PickleWriter.stateDict());
            w.add("b/data.pkl", PickleWriter.stateDict());
        }
        rejects(p, "2 data.pkl entries");
    }

    @Test
    void duplicateEntries() throws IOException {
        Path p = dir.resolve("dup.pt");
        try (TorchZipWriter w = new TorchZipWriter(p)) {
            w.add("archive/data.pkl", PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 1)));
            w.add("archive/data/0", floats(1));
            w.add("archive/data/0", floats(2));
        }
        rejects(p, "two entries of this name");
    }

    @Test
    void badByteOrder() throws IOException {
        Path p = dir.resolve("bo.pt");
        try (TorchZipWriter w = new TorchZipWriter(p)) {
            w.add("archive/data.pkl", PickleWriter.stateDict(TensorSpec.contiguous("w", "FloatStorage", "0", 1)));
            w.add("archive/byteorder", "middle".getBytes());
            w.add("archive/data/0", floats(1));
        }
        rejects(p, "byteorder is \"middle\"");
    }

    @Test
    void forbiddenGlobals() throws IOException {
        String[][] globals = {{"os", "system"}, {"posix", "system"}, {"builtins", "eval"}, {"builtins", "exec"},
            {"builtins", "getattr"}, {"__builtin__", "apply"}, {"subprocess", "Popen"}, {"torch", "load"},
            {"numpy.core.multiarray", "_reconstruct"}, {"torch.nn.modules.linear", "Linear"}};
        for (String[] g : globals) {
            byte[] pickle = new PickleWriter().global(g[0], g[1]).mark().str("x").tuple().reduce().stop().bytes();
            WeightFormatException e = rejects(zip(pickle), "refused pickle global " + g[0] + "." + g[1]);
            assertEquals("entry archive/data.pkl, pickle byte 2 (opcode GLOBAL)", e.location());
            byte[] stacked = new PickleWriter(4).stackGlobal(g[0], g[1]).stop().bytes();
            rejects(zip(stacked), "refused pickle global " + g[0] + "." + g[1], "STACK_GLOBAL");
        }
        // an allowed global used in a way that is not allowed
        rejects(zip(new PickleWriter().global("torch", "FloatStorage").mark().integer(5).tuple().reduce().stop().bytes()),
                "calling torch.FloatStorage is not allowed");
        rejects(zip(new PickleWriter().op(']').op(0x8f).op('b').stop().bytes()), "BUILD on a list is not allowed");
        rejects(zip(new PickleWriter().op(0x82, 1).stop().bytes()), "extension-registry");
    }

    @Test
    void malformedOpcodes() throws IOException {
        rejects(zip(new PickleWriter().op(0xFF).stop().bytes()), "unknown pickle opcode 0xff");
        rejects(zip(new PickleWriter().op('}').bytes()), "ends without a STOP opcode");
        rejects(zip(new PickleWriter().op('R').stop().bytes()), "stack underflow");
        rejects(zip(new PickleWriter().op('h', 7).stop().bytes()), "memo key 7 was never stored");
        rejects(zip(new PickleWriter().op('X').int32(1 << 30).stop().bytes()), "goes beyond the end of the pickle data");
        rejects(zip(new PickleWriter().op('X').int32(2).op(0xC3, 0x28).stop().bytes()), "not valid UTF-8");
        rejects(zip(new PickleWriter().op(0x8b).int32(Integer.MAX_VALUE).stop().bytes()), "LONG4");
        rejects(zip(new PickleWriter().op('}').mark().str("k").setItems().stop().bytes()), "odd number");
        rejects(zip(new PickleWriter().op('}').op('N').op('a').stop().bytes()), "APPEND onto a dict");
        rejects(zip(new PickleWriter().op(0x80, 9).stop().bytes()), "protocol 9");
        rejects(zip(new PickleWriter().op('t').stop().bytes()), "no MARK");
        rejects(zip(new PickleWriter().op('c').raw("os".getBytes()).stop().bytes()), "not terminated by a newline");
        rejects(zip(new PickleWriter().op(0x95).raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, 0x7F}).stop().bytes()),
                "FRAME");
        rejects(zip(new PickleWriter().op(0x97).stop().bytes()), "out-of-band");
    }

    @Test
    void notAStateDict() throws IOException {
        rejects(zip(new PickleWriter().op(']').stop().bytes()), "holds a list, not a state dict");
        rejects(zip(new PickleWriter().op('}').stop().bytes()), "holds no tensors");
        byte[] optimizerOnly = new PickleWriter().op('}').mark().str("optimizer").orderedDict().mark().str("exp_avg")
                .tensorV2("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}).setItems().setItems().stop().bytes();
        rejects(zip(optimizerOnly, floats(1)), "optimizer or scheduler state but no model state dict");
        byte[] lone = new PickleWriter().tensorV2("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}).stop().bytes();
        rejects(zip(lone, floats(1)), "single tensor");
        byte[] complex = PickleWriter.stateDict(TensorSpec.contiguous("c", "ComplexFloatStorage", "0", 1));
        rejects(zip(complex, new byte[8]), "tensor c", "torch.ComplexFloatStorage is not supported");
    }

    @Test
    void deepNestingCannotOverflowTheStack() throws IOException {
        int depth = 200_000;
        PickleWriter lists = new PickleWriter();
        for (int i = 0; i < depth; i++) {
            lists.mark();
        }
        for (int i = 0; i < depth; i++) {
            lists.op('l');
        }
        rejects(zip(lists.stop().bytes()), "holds a list");
        PickleWriter dicts = new PickleWriter();
        for (int i = 0; i < depth; i++) {
            dicts.mark().str("k");
        }
        dicts.tensorV2("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1});
        for (int i = 0; i < depth; i++) {
            dicts.op('d');
        }
        rejects(zip(dicts.stop().bytes(), floats(1)), "nested more than 32 deep");
        // a dict that contains itself
        byte[] cycle = new PickleWriter().op('}').op('q', 0).mark().str("self").op('h', 0).setItems().stop().bytes();
        rejects(zip(cycle), "holds no tensors");
    }

    @Test
    void objectBudgetStopsPickleBombs() throws IOException {
        PickleWriter w = new PickleWriter().op(']');
        for (int i = 0; i < 2_100_000; i++) {
            w.op('N', 'a');
        }
        rejects(zip(w.stop().bytes()), "more than 4000000 objects");
        // a "billion laughs": each list holds the previous one ten times; cheap to store, bounded to walk
        PickleWriter laughs = new PickleWriter().op('}').op('q', 0).op(']');
        for (int level = 0; level < 30; level++) {
            laughs.op('q', 1);
            laughs.op(']');
            for (int i = 0; i < 10; i++) {
                laughs.op('h', 1).op('a');
            }
        }
        rejects(zip(laughs.stop().bytes()), "holds a list");
    }
}
