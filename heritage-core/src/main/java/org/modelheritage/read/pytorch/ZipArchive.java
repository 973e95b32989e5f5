package org.modelheritage.read.pytorch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.io.ChannelIo;

/**
 * A zip archive's central directory, read with our own parser (zip64 included) so that every
 * declared size and offset is checked against the real file size before it is trusted, and so
 * that entry data is then read by positional reads at known offsets, never through a stream.
 */
final class ZipArchive {
    /** Central directories of real PyTorch archives are KBs; this bounds a hostile one. */
    static final long MAX_CENTRAL_DIRECTORY = 64L << 20;
    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;

    /** One entry as the central directory declares it. */
    record Entry(String name, int method, int flags, long compressedSize, long size, long localHeaderOffset) {
    }

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;
    private final long centralDirectoryOffset;
    private final Map<String, Entry> entries;

    private ZipArchive(Path file, FileChannel channel, long fileSize, long centralDirectoryOffset,
            Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.fileSize = fileSize;
        this.centralDirectoryOffset = centralDirectoryOffset;
        this.entries = Collections.unmodifiableMap(entries);
    }

    Collection<Entry> entries() {
        return entries.values();
    }

    Entry entry(String name) {
        return entries.get(name);
    }

    static ZipArchive read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        int tailLength = (int) Math.min(fileSize, 22 + 0xFFFF);
        if (tailLength < 22) {
            throw new WeightFormatException(file, "byte 0", "file is " + fileSize
                    + " bytes, too short to be a zip archive (truncated?)");
        }
        ByteBuffer tail = ByteBuffer.wrap(ChannelIo.readBytes(channel, file, fileSize - tailLength, tailLength))
                .order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = tailLength - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD && i + 22 + (tail.getShort(i + 20) & 0xFFFF) == tailLength) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new WeightFormatException(file, "end of file", "no zip end-of-central-directory record: the archive "
                    + "is truncated or not a zip file");
        }
        long eocdPosition = fileSize - tailLength + eocd;
        long entryCount = tail.getShort(eocd + 10) & 0xFFFF;
        long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
        long cdOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
        int disk = tail.getShort(eocd + 4) & 0xFFFF;
        long cdEnd = eocdPosition;
        if (eocd >= 20 && tail.getInt(eocd - 20) == ZIP64_LOCATOR) {
            long z64 = tail.getLong(eocd - 12);
            if (z64 < 0 || z64 > eocdPosition - 20 - 56) {
                throw new WeightFormatException(file, "byte " + (eocdPosition - 20), "zip64 end record offset " + z64
                        + " lies outside the archive");
            }
            ByteBuffer rec = ByteBuffer.wrap(ChannelIo.readBytes(channel, file, z64, 56)).order(ByteOrder.LITTLE_ENDIAN);
            if (rec.getInt(0) != ZIP64_EOCD) {
                throw new WeightFormatException(file, "byte " + z64, "zip64 end-of-central-directory record is missing");
            }
            disk = rec.getInt(16);
            entryCount = rec.getLong(32);
            cdSize = rec.getLong(40);
            cdOffset = rec.getLong(48);
            cdEnd = z64;
        }
        if (disk != 0) {
            throw new WeightFormatException(file, "byte " + eocdPosition, "multi-disk zip archives are not supported");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > cdEnd || cdSize > cdEnd - cdOffset) {
            throw new WeightFormatException(file, "byte " + eocdPosition, "central directory [" + cdOffset + ", +" + cdSize
                    + ") lies outside the archive (" + fileSize + " bytes): truncated or corrupt");
        }
        if (cdSize > MAX_CENTRAL_DIRECTORY) {
            throw new WeightFormatException(file, "byte " + cdOffset, "central directory of " + cdSize
                    + " bytes is above the limit of " + MAX_CENTRAL_DIRECTORY);
        }
        if (entryCount < 0 || entryCount > cdSize / 46) {
            throw new WeightFormatException(file, "byte " + eocdPosition, "archive declares " + entryCount
                    + " entries, more than its central directory of " + cdSize + " bytes can hold");
        }
        ByteBuffer cd = ByteBuffer.wrap(ChannelIo.readBytes(channel, file, cdOffset, (int) cdSize))
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = 0;
        for (long n = 0; n < entryCount; n++) {
            long at = cdOffset + p;
            if (p > cdSize - 46 || cd.getInt(p) != CENTRAL) {
                throw new WeightFormatException(file, "byte " + at, "central directory entry " + n + " is malformed");
            }
            int flags = cd.getShort(p + 8) & 0xFFFF;
            int method = cd.getShort(p + 10) & 0xFFFF;
            long compressed = cd.getInt(p + 20) & 0xFFFFFFFFL;
            long size = cd.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLength = cd.getShort(p + 28) & 0xFFFF;
            int extraLength = cd.getShort(p + 30) & 0xFFFF;
            int commentLength = cd.getShort(p + 32) & 0xFFFF;
            int startDisk = cd.getShort(p + 34) & 0xFFFF;
            long localOffset = cd.getInt(p + 42) & 0xFFFFFFFFL;
            if ((long) p + 46 + nameLength + extraLength + commentLength > cdSize) {
                throw new WeightFormatException(file, "byte " + at, "central directory entry " + n
                        + " runs past the directory's end");
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(p + 46, nameBytes);
            String name = decodeName(file, at, nameBytes, flags);
            // zip64 extended information: the 8-byte values for fields that hold 0xFFFFFFFF
            int e = p + 46 + nameLength;
            int extraEnd = e + extraLength;
            while (e + 4 <= extraEnd) {
                int id = cd.getShort(e) & 0xFFFF;
                int length = cd.getShort(e + 2) & 0xFFFF;
                if (e + 4 + length > extraEnd) {
                    throw new WeightFormatException(file, "entry " + name, "malformed extra field in the central directory");
                }
                if (id == 0x0001) {
                    int q = e + 4;
                    int end = q + length;
                    if (size == 0xFFFFFFFFL) {
                        size = zip64Value(file, name, cd, q, end);
                        q += 8;
                    }
                    if (compressed == 0xFFFFFFFFL) {
                        compressed = zip64Value(file, name, cd, q, end);
                        q += 8;
                    }
                    if (localOffset == 0xFFFFFFFFL) {
                        localOffset = zip64Value(file, name, cd, q, end);
                        q += 8;
                    }
                    if (startDisk == 0xFFFF && q + 4 <= end) {
                        startDisk = cd.getInt(q);
                    }
                }
                e += 4 + length;
            }
            if (startDisk != 0) {
                throw new WeightFormatException(file, "entry " + name, "entry on another disk of a multi-disk archive");
            }
            if ((flags & 1) != 0) {
                throw new WeightFormatException(file, "entry " + name, "entry is encrypted");
            }
            if (localOffset < 0 || compressed < 0 || size < 0 || localOffset > cdOffset - 30
                    || compressed > cdOffset - localOffset - 30) {
                throw new WeightFormatException(file, "entry " + name, "entry declares " + compressed
                        + " bytes at offset " + localOffset + ", beyond the archive's " + cdOffset
                        + " bytes of entry data (a zip bomb or a truncated file)");
            }
            if (method == 0 && compressed != size) {
                throw new WeightFormatException(file, "entry " + name, "stored entry declares " + size
                        + " bytes but holds " + compressed);
            }
            if (entries.put(name, new Entry(name, method, flags, compressed, size, localOffset)) != null) {
                throw new WeightFormatException(file, "entry " + name, "the archive holds two entries of this name");
            }
            p += 46 + nameLength + extraLength + commentLength;
        }
        return new ZipArchive(file, channel, fileSize, cdOffset, entries);
    }

    private static long zip64Value(Path file, String name, ByteBuffer cd, int at, int end) throws WeightFormatException {
        if (at + 8 > end) {
            throw new WeightFormatException(file, "entry " + name, "zip64 extra field is too short");
        }
        long v = cd.getLong(at);
        if (v < 0) {
            throw new WeightFormatException(file, "entry " + name, "zip64 size or offset " + Long.toUnsignedString(v)
                    + " is out of range");
        }
        return v;
    }

    private static String decodeName(Path file, long at, byte[] bytes, int flags) throws WeightFormatException {
        if ((flags & 0x800) == 0) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WeightFormatException(file, "byte " + at, "entry name is not valid UTF-8");
        }
    }

    /** The file position of an entry's data, from its local header, checked against the file. */
    long dataOffset(Entry entry) throws IOException {
        ByteBuffer local = ByteBuffer.wrap(ChannelIo.readBytes(channel, file, entry.localHeaderOffset(), 30))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (local.getInt(0) != LOCAL) {
            throw new WeightFormatException(file, "entry " + entry.name(), "no local file header at byte "
                    + entry.localHeaderOffset());
        }
        int nameLength = local.getShort(26) & 0xFFFF;
        int extraLength = local.getShort(28) & 0xFFFF;
        long data = entry.localHeaderOffset() + 30 + nameLength + extraLength;
        if (data > centralDirectoryOffset || entry.compressedSize() > centralDirectoryOffset - data) {
            throw new WeightFormatException(file, "entry " + entry.name(), "entry data [" + data + ", +"
                    + entry.compressedSize() + ") runs past the entry area of the archive (" + fileSize
                    + " bytes): a zip bomb or a truncated file");
        }
        byte[] localName = ChannelIo.readBytes(channel, file, entry.localHeaderOffset() + 30, nameLength);
        byte[] expected = entry.name().getBytes((entry.flags() & 0x800) != 0 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        if (!Arrays.equals(localName, expected)) {
            throw new WeightFormatException(file, "entry " + entry.name(), "local header names a different entry");
        }
        return data;
    }

    /** A small entry's whole content (the pickle, byteorder), inflating it if deflated, at most {@code max} bytes. */
    byte[] readSmall(Entry entry, long max) throws IOException {
        if (entry.size() > max) {
            throw new WeightFormatException(file, "entry " + entry.name(), "entry of " + entry.size()
                    + " bytes is above the limit of " + max);
        }
        long data = dataOffset(entry);
        if (entry.method() == 0) {
            return ChannelIo.readBytes(channel, file, data, (int) entry.size());
        }
        if (entry.method() != 8) {
            throw new WeightFormatException(file, "entry " + entry.name(), "compression method " + entry.method()
                    + " is not supported");
        }
        if (entry.compressedSize() > max) {
            throw new WeightFormatException(file, "entry " + entry.name(), "compressed entry of "
                    + entry.compressedSize() + " bytes is above the limit of " + max);
        }
        byte[] compressed = ChannelIo.readBytes(channel, file, data, (int) entry.compressedSize());
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[(int) entry.size()];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0) {
                    break;
                }
                n += k;
            }
            if (n != out.length || !inflater.finished()) {
                throw new WeightFormatException(file, "entry " + entry.name(), "deflated data does not inflate to the "
                        + entry.size() + " bytes the archive declares");
            }
            return out;
        } catch (DataFormatException e) {
            throw new WeightFormatException(file, "entry " + entry.name(), "corrupt deflated data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
