package org.modelheritage.store;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.util.Arrays;

/**
 * Run in a small-heap child JVM by {@link BlobStoreContract}: puts a generated stream of N bytes,
 * reads it back comparing every byte with a regenerated stream, and prints "ok SHA SIZE PEAK_HEAP_BYTES".
 */
public final class BigBlobCheck {
    private BigBlobCheck() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        long size = Long.parseLong(args[1]);
        try (BlobStore blobs = Stores.openBlobs(uri)) {
            StoredBlob put = blobs.put(new GeneratedStream(size, 42));
            if (put.ref().size() != size || !put.created()) {
                throw new AssertionError("unexpected put result " + put);
            }
            try (InputStream in = blobs.open(put.ref().sha256()); GeneratedStream expected = new GeneratedStream(size, 42)) {
                byte[] got = new byte[1 << 16];
                byte[] want = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = in.read(got)) != -1) {
                    int m = expected.readNBytes(want, 0, n);
                    if (m != n || !Arrays.equals(got, 0, n, want, 0, n)) {
                        throw new AssertionError("content differs near byte " + total);
                    }
                    total += n;
                }
                if (total != size) {
                    throw new AssertionError("read back " + total + " bytes, expected " + size);
                }
            }
            String sha = put.ref().sha256();
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            blobs.delete(sha);
            System.out.println("ok " + sha + " " + size + " " + peak);
        }
    }

    /**
     * Deterministic bytes generated on the fly, fast: block {@code k} (1 MiB) is a fixed random table
     * rotated by {@code k * 4099}, so every block differs and a misplaced block is caught.
     */
    static final class GeneratedStream extends InputStream {
        private static final int TABLE = 1 << 20;
        private final byte[] table;
        private final long size;
        private long pos;

        GeneratedStream(long size, int seed) {
            this.size = size;
            this.table = TestModels.bytes(TABLE, seed);
        }

        @Override
        public int read() {
            if (pos >= size) {
                return -1;
            }
            byte[] one = new byte[1];
            read(one, 0, 1);
            return one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            int done = 0;
            while (done < n) {
                long block = pos >>> 20;
                int inBlock = (int) (pos & (TABLE - 1));
                int start = (int) ((inBlock + block * 4099) & (TABLE - 1));
                int run = Math.min(Math.min(n - done, TABLE - inBlock), TABLE - start);
                System.arraycopy(table, start, b, off + done, run);
                done += run;
                pos += run;
            }
            return n;
        }
    }
}
