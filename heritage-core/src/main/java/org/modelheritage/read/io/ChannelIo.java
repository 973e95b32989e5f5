package org.modelheritage.read.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.modelheritage.read.WeightFormatException;

/** Positional reads that either fill the buffer or report a truncated file. */
public final class ChannelIo {
    private ChannelIo() {
    }

    /** Reads {@code dst.remaining()} bytes at {@code position}; end of file first is a {@link WeightFormatException}. */
    public static void readFully(FileChannel channel, Path file, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new WeightFormatException(file, "byte " + pos,
                        "unexpected end of file (the file is shorter than its header says; truncated?)");
            }
            pos += n;
        }
    }

    /** Reads {@code length} bytes at {@code position} into a new array; the caller bounds {@code length}. */
    public static byte[] readBytes(FileChannel channel, Path file, long position, int length) throws IOException {
        byte[] out = new byte[length];
        readFully(channel, file, ByteBuffer.wrap(out), position);
        return out;
    }
}
