package org.modelheritage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path temp;
    private Path dir;

    @Override
    protected URI newStoreUri() {
        dir = temp.resolve("blobs");
        return dir.toUri();
    }

    @Override
    protected long leftoverTempFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            return s.count();
        }
    }

    @Test
    void opensRelativeAndAbsoluteFileUris() {
        assertTrue(Stores.openBlobs(URI.create("file:" + temp.resolve("a"))) instanceof DirectoryBlobStore);
        assertEquals(Path.of("rel/dir"), Stores.fileUriPath(URI.create("file:rel/dir")));
        assertEquals(Path.of("/abs/dir"), Stores.fileUriPath(URI.create("file:/abs/dir")));
        assertEquals(Path.of("/abs/dir"), Stores.fileUriPath(URI.create("file:///abs/dir")));
    }

    @Test
    void unknownSchemesAreRefusedWithTheKnownOnes() {
        NoStoreProviderException e = assertThrows(NoStoreProviderException.class,
                () -> Stores.openBlobs(URI.create("s3://bucket/prefix"), Map.of()));
        assertTrue(e.getMessage().contains("file:DIR"), e.getMessage());
        assertTrue(e.getMessage().contains("s3://bucket/prefix"), e.getMessage());
    }

    /** A store opened while a put has hashed its bytes but not yet published them (a backup, another process). */
    @Test
    void aPutKeepsItsTempFileLockedUntilTheBlobIsPublished() throws IOException {
        byte[] data = TestModels.bytes(100_000, 21);
        StoredBlob put = blobs.put(new java.io.ByteArrayInputStream(data), Long.MAX_VALUE,
                sha256 -> Stores.openBlobs(dir.toUri()).close()); // sweeps the temp files nobody holds
        assertTrue(put.created());
        assertTrue(blobs.exists(put.ref().sha256()));
        assertEquals(0, leftoverTempFiles());
    }

    @Test
    void abandonedTempFilesAreRemovedOnOpenButLiveOnesAreKept() throws IOException {
        Path tmp = dir.resolve("tmp");
        Path abandoned = Files.writeString(tmp.resolve("put-1.tmp"), "half an upload");
        Path live = Files.writeString(tmp.resolve("put-2.tmp"), "an upload in progress");
        try (FileChannel ch = FileChannel.open(live, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            DirectoryBlobStore.open(dir).close();
            assertFalse(Files.exists(abandoned));
            assertTrue(Files.exists(live));
        }
        DirectoryBlobStore.open(dir).close();
        assertEquals(List.of(), Files.list(tmp).toList());
    }
}
