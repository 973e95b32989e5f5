package org.modelheritage.testing;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip archives the way torch.save does (STORED entries, data aligned to 64 bytes), for
 * tests and benchmarks: entries may be streamed (any size, zip64 when needed or forced), left
 * sparse (a hole of zeros, for multi-GB tests), or deflated.
 */
public final class TorchZipWriter implements Closeable {
    /** Writes exactly the entry's declared size to the channel. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    private record Written(byte[] name, int method, long crc, long compressedSize, long size, long offset) {
    }

    private final FileChannel channel;
    private final boolean forceZip64;
    private final List<Written> entries = new ArrayList<>();

    public TorchZipWriter(Path file) throws IOException {
        this(file, false);
    }

    public TorchZipWriter(Path file, boolean forceZip64) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.forceZip64 = forceZip64;
    }

    public TorchZipWriter add(String name, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        return add(name, data.length, crc.getValue(), ch -> write(ch, ByteBuffer.wrap(data)));
    }

    /** A stored entry whose body is streamed; its CRC is left 0 (our reader does not check it). */
    public TorchZipWriter add(String name, long size, Body body) throws IOException {
        return add(name, size, 0, body);
    }

    /** A stored entry of {@code size} zero bytes written as a hole (a sparse file). */
    public TorchZipWriter addSparse(String name, long size) throws IOException {
        return add(name, size, 0, ch -> ch.position(ch.position() + size));
    }

    public TorchZipWriter addDeflated(String name, byte[] data) throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buf = new byte[data.length + 64];
        int n = deflater.deflate(buf);
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long offset = channel.position();
        writeLocal(nameBytes, 8, crc.getValue(), n, data.length, 0);
        write(channel, ByteBuffer.wrap(buf, 0, n));
        entries.add(new Written(nameBytes, 8, crc.getValue(), n, data.length, offset));
        return this;
    }

    private TorchZipWriter add(String name, long size, long crc, Body body) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long offset = channel.position();
        boolean zip64 = forceZip64 || size >= 0xFFFFFFFFL;
        int fixed = 30 + nameBytes.length + (zip64 ? 20 : 0);
        int padding = (int) ((64 - (offset + fixed + 4) % 64) % 64); // torch aligns data to 64 bytes
        writeLocal(nameBytes, 0, crc, size, size, padding);
        long start = channel.position();
        body.writeTo(channel);
        if (channel.position() - start != size) {
            throw new IllegalStateException("entry " + name + " body wrote " + (channel.position() - start)
                    + " bytes, not " + size);
        }
        entries.add(new Written(nameBytes, 0, crc, size, size, offset));
        return this;
    }

    private void writeLocal(byte[] name, int method, long crc, long compressed, long size, int padding)
            throws IOException {
        boolean zip64 = forceZip64 || size >= 0xFFFFFFFFL || compressed >= 0xFFFFFFFFL;
        int extra = (zip64 ? 20 : 0) + (padding > 0 ? 4 + padding : 0);
        ByteBuffer b = ByteBuffer.allocate(30 + name.length + extra).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0x800).putShort((short) method)
                .putShort((short) 0).putShort((short) 0x21).putInt((int) crc)
                .putInt(zip64 ? -1 : (int) compressed).putInt(zip64 ? -1 : (int) size)
                .putShort((short) name.length).putShort((short) extra).put(name);
        if (zip64) {
            b.putShort((short) 1).putShort((short) 16).putLong(size).putLong(compressed);
        }
        if (padding > 0) {
            b.putShort((short) 0x4246).putShort((short) padding).put(new byte[padding]);
        }
        b.flip();
        write(channel, b);
    }

    @Override
    public void close() throws IOException {
        try {
            long cdOffset = channel.position();
            boolean zip64 = forceZip64;
            for (Written e : entries) {
                boolean big = forceZip64 || e.size() >= 0xFFFFFFFFL || e.offset() >= 0xFFFFFFFFL;
                zip64 |= big;
                ByteBuffer b = ByteBuffer.allocate(46 + e.name().length + (big ? 28 : 0)).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(0x02014b50).putShort((short) 45).putShort((short) (big ? 45 : 20)).putShort((short) 0x800)
                        .putShort((short) e.method()).putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc())
                        .putInt(big ? -1 : (int) e.compressedSize()).putInt(big ? -1 : (int) e.size())
                        .putShort((short) e.name().length).putShort((short) (big ? 28 : 0)).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putInt(0).putInt(big ? -1 : (int) e.offset())
                        .put(e.name());
                if (big) {
                    b.putShort((short) 1).putShort((short) 24).putLong(e.size()).putLong(e.compressedSize())
                            .putLong(e.offset());
                }
                b.flip();
                write(channel, b);
            }
            long cdSize = channel.position() - cdOffset;
            zip64 |= cdOffset >= 0xFFFFFFFFL || entries.size() >= 0xFFFF;
            if (zip64) {
                long z64 = channel.position();
                ByteBuffer b = ByteBuffer.allocate(56 + 20).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(entries.size()).putLong(entries.size()).putLong(cdSize).putLong(cdOffset);
                b.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
                b.flip();
                write(channel, b);
            }
            ByteBuffer b = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) (zip64 ? -1 : entries.size())).putShort((short) (zip64 ? -1 : entries.size()))
                    .putInt(zip64 ? -1 : (int) cdSize).putInt(zip64 ? -1 : (int) cdOffset).putShort((short) 0);
            b.flip();
            write(channel, b);
        } finally {
            channel.close();
        }
    }

    private static void write(FileChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
