package org.modelheritage.store.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file writes that a crash cannot leave half done: temp file, fsync, atomic rename, fsync of the folder. */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code data} to {@code target} through a temp file in {@code staging} (same file system). */
    static void write(Path staging, Path target, byte[] data) throws IOException {
        Path temp = Files.createTempFile(staging, target.getFileName().toString() + "-", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            publish(temp, target);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Renames a complete, fsynced temp file over {@code target} and makes the rename durable. */
    static void publish(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
    }

    /** Makes a folder's entries durable (a rename, a deletion); a no-op where the OS cannot. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a folder for sync; the rename itself is still atomic.
        }
    }
}
