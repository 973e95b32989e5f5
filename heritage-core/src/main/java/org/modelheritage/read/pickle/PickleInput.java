package org.modelheritage.read.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.modelheritage.read.io.ChannelIo;

/** The bytes a pickle is read from, with a hard end: the unpickler never reads past {@link #limit()}. */
public abstract class PickleInput {
    /** The next byte, or -1 at the limit. */
    public abstract int read() throws IOException;

    /** Fills {@code dst[off, off+len)}; the caller has checked {@code len <= remaining()}. */
    public abstract void readFully(byte[] dst, int off, int len) throws IOException;

    /** The position of the next byte, in the file or entry the pickle is in. */
    public abstract long position();

    /** The position where input ends. */
    public abstract long limit();

    public final long remaining() {
        return limit() - position();
    }

    /** A pickle held in memory (a zip entry); positions count from the entry's start. */
    public static PickleInput of(byte[] data) {
        return new PickleInput() {
            private int pos;

            @Override
            public int read() {
                return pos < data.length ? data[pos++] & 0xFF : -1;
            }

            @Override
            public void readFully(byte[] dst, int off, int len) {
                System.arraycopy(data, pos, dst, off, len);
                pos += len;
            }

            @Override
            public long position() {
                return pos;
            }

            @Override
            public long limit() {
                return data.length;
            }
        };
    }

    /** Pickles read in sequence from a file region; positions are file positions. */
    public static PickleInput of(FileChannel channel, Path file, long start, long limit) {
        return new ChannelInput(channel, file, start, limit);
    }

    private static final class ChannelInput extends PickleInput {
        private final FileChannel channel;
        private final Path file;
        private final long limit;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
        private long bufferStart;
        private long pos;

        ChannelInput(FileChannel channel, Path file, long start, long limit) {
            this.channel = channel;
            this.file = file;
            this.limit = limit;
            this.pos = start;
            this.bufferStart = start;
            buffer.limit(0);
        }

        @Override
        public int read() throws IOException {
            if (pos >= limit) {
                return -1;
            }
            if (pos - bufferStart >= buffer.limit()) {
                refill();
            }
            return buffer.get((int) (pos++ - bufferStart)) & 0xFF;
        }

        private void refill() throws IOException {
            bufferStart = pos;
            buffer.clear().limit((int) Math.min(buffer.capacity(), limit - pos));
            ChannelIo.readFully(channel, file, buffer, pos);
            buffer.flip();
        }

        @Override
        public void readFully(byte[] dst, int off, int len) throws IOException {
            while (len > 0) {
                if (pos - bufferStart >= buffer.limit()) {
                    refill();
                }
                int at = (int) (pos - bufferStart);
                int n = Math.min(len, buffer.limit() - at);
                buffer.get(at, dst, off, n);
                off += n;
                len -= n;
                pos += n;
            }
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public long limit() {
            return limit;
        }
    }
}
