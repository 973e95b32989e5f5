package org.modelheritage.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The behaviour every {@link BlobStore} adapter must have; each test gets a fresh store. */
public abstract class BlobStoreContract {

    /** A URI for a new, empty blob store. */
    protected abstract URI newStoreUri() throws Exception;

    /** Temp files the adapter left behind (a local store checks its temp folder). */
    protected abstract long leftoverTempFiles() throws IOException;

    /** How many bytes the big-blob test streams; a few GB, beyond 2 GiB. */
    protected long bigBlobBytes() {
        return 3_000_000_000L;
    }

    protected URI uri;
    protected BlobStore blobs;

    @BeforeEach
    void openFresh() throws Exception {
        uri = newStoreUri();
        blobs = Stores.openBlobs(uri);
    }

    @AfterEach
    void close() {
        blobs.close();
    }

    private static String sha(byte[] data) {
        return HexFormat.of().formatHex(DirectoryBlobStore.sha256().digest(data));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPutHandsItsHashToTheClaimBeforeTheBlobIsThereAndAFailedClaimStoresNothing() throws IOException {
        byte[] data = TestModels.bytes(200_000, 11);
        List<String> claimed = new ArrayList<>();
        StoredBlob put = blobs.put(new ByteArrayInputStream(data), Long.MAX_VALUE, sha256 -> {
            assertFalse(blobs.exists(sha256), "claimed before it is published");
            claimed.add(sha256);
        });
        assertEquals(List.of(sha(data)), claimed);
        assertTrue(put.created());
        StoredBlob again = blobs.put(new ByteArrayInputStream(data), Long.MAX_VALUE, claimed::add);
        assertFalse(again.created());
        assertEquals(List.of(sha(data), sha(data)), claimed, "a put of stored bytes claims them too");

        byte[] other = TestModels.bytes(200_000, 12);
        IOException refused = new IOException("no hold");
        assertSame(refused, assertThrows(IOException.class,
                () -> blobs.put(new ByteArrayInputStream(other), Long.MAX_VALUE, sha256 -> {
                    throw refused;
                })));
        assertFalse(blobs.exists(sha(other)));
        assertEquals(0, leftoverTempFiles());
    }

    @Test
    void putThenOpenGivesTheSameBytes() throws IOException {
        byte[] data = TestModels.bytes(200_000, 1);
        StoredBlob put = blobs.put(new ByteArrayInputStream(data));
        assertEquals(new BlobRef(sha(data), data.length), put.ref());
        assertTrue(put.created());
        assertArrayEquals(data, readAll(blobs.open(put.ref().sha256())));
        assertTrue(blobs.exists(sha(data)));
        assertEquals(put.ref(), blobs.stat(sha(data)).orElseThrow());
        blobs.localPath(sha(data)).ifPresent(p -> assertEquals(data.length, p.toFile().length()));
        assertEquals(0, leftoverTempFiles());
    }

    @Test
    void emptyBlob() throws IOException {
        StoredBlob put = blobs.put(new ByteArrayInputStream(new byte[0]));
        assertEquals(new BlobRef("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0), put.ref());
        assertArrayEquals(new byte[0], readAll(blobs.open(put.ref().sha256())));
    }

    @Test
    void identicalBytesAreStoredOnce() throws IOException {
        byte[] data = "same weights".getBytes(StandardCharsets.UTF_8);
        StoredBlob first = blobs.put(new ByteArrayInputStream(data));
        StoredBlob second = blobs.put(new ByteArrayInputStream(data));
        assertTrue(first.created());
        assertFalse(second.created());
        assertEquals(first.ref(), second.ref());
        try (Stream<BlobRef> all = blobs.list()) {
            assertEquals(List.of(first.ref()), all.toList());
        }
        assertEquals(0, leftoverTempFiles());
    }

    @Test
    @Timeout(60)
    void concurrentPutsOfTheSameBytesCreateItOnce() throws Exception {
        byte[] data = TestModels.bytes(1_000_000, 5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StoredBlob>> puts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                puts.add(pool.submit(() -> {
                    go.await();
                    return blobs.put(new ByteArrayInputStream(data));
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<StoredBlob> f : puts) {
                StoredBlob b = f.get();
                assertEquals(new BlobRef(sha(data), data.length), b.ref());
                created += b.created() ? 1 : 0;
            }
            assertEquals(1, created);
            assertArrayEquals(data, readAll(blobs.open(sha(data))));
            assertEquals(0, leftoverTempFiles());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBlobOverTheLimitLeavesNothingBehind() throws IOException {
        byte[] data = TestModels.bytes(100_001, 2);
        BlobTooLargeException e = assertThrows(BlobTooLargeException.class,
                () -> blobs.put(new ByteArrayInputStream(data), 100_000));
        assertEquals(100_000, e.limit());
        assertFalse(blobs.exists(sha(data)));
        try (Stream<BlobRef> all = blobs.list()) {
            assertEquals(0, all.count());
        }
        assertEquals(0, leftoverTempFiles());
        byte[] exact = TestModels.bytes(100_000, 2);
        assertEquals(100_000, blobs.put(new ByteArrayInputStream(exact), 100_000).ref().size());
    }

    @Test
    void aFailingStreamLeavesNothingBehind() {
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 70_000) {
                    throw new IOException("client went away");
                }
                return 1;
            }
        };
        assertThrows(IOException.class, () -> blobs.put(broken));
        try (Stream<BlobRef> all = blobs.list()) {
            assertEquals(0, all.count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try {
            assertEquals(0, leftoverTempFiles());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deleteListAndMissingBlobs() throws IOException {
        List<BlobRef> refs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            refs.add(blobs.put(new ByteArrayInputStream(TestModels.bytes(100 + i, i))).ref());
        }
        try (Stream<BlobRef> all = blobs.list()) {
            assertEquals(Set.copyOf(refs), all.collect(Collectors.toSet()));
        }
        assertTrue(blobs.delete(refs.get(3).sha256()));
        assertFalse(blobs.delete(refs.get(3).sha256()));
        assertFalse(blobs.exists(refs.get(3).sha256()));
        assertTrue(blobs.stat(refs.get(3).sha256()).isEmpty());
        assertTrue(blobs.localPath(refs.get(3).sha256()).isEmpty());
        assertThrows(NoSuchFileException.class, () -> blobs.open(refs.get(3).sha256()));
        try (Stream<BlobRef> all = blobs.list()) {
            assertEquals(19, all.count());
        }
        assertThrows(IllegalArgumentException.class, () -> blobs.open("../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> blobs.exists("ABC"));
    }

    @Test
    void blobsSurviveReopening() throws IOException {
        byte[] data = TestModels.bytes(5000, 9);
        BlobRef ref = blobs.put(new ByteArrayInputStream(data)).ref();
        blobs.close();
        blobs = Stores.openBlobs(uri);
        assertArrayEquals(data, readAll(blobs.open(ref.sha256())));
    }

    /**
     * Streams a blob of several GB through put and open in a JVM whose heap is 64 MB: buffering it
     * anywhere would fail with OutOfMemoryError.
     */
    @Test
    @Timeout(600)
    void severalGigabytesStreamThroughASmallHeap() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                BigBlobCheck.class.getName(), uri.toString(), Long.toString(bigBlobBytes()))
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = child.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        String last = out.lines().filter(l -> l.startsWith("ok ")).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] parts = last.split(" ");
        assertEquals(bigBlobBytes(), Long.parseLong(parts[2]));
        long peakHeap = Long.parseLong(parts[3]);
        assertTrue(peakHeap < 64L << 20, "peak heap " + peakHeap);
        assertFalse(blobs.exists(parts[1]), "the child deletes the blob it wrote");
        assertEquals(0, leftoverTempFiles());
    }
}
