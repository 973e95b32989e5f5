package org.modelheritage.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.modelheritage.read.io.ChannelIo;
import org.modelheritage.read.pytorch.TorchLegacyReader;
import org.modelheritage.read.pytorch.TorchZipReader;
import org.modelheritage.read.safetensors.SafetensorsReader;
import org.modelheritage.read.safetensors.ShardedSafetensorsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens any supported weight file, detecting its format from its content. */
public final class WeightReaders {
    private static final Logger LOG = LoggerFactory.getLogger(WeightReaders.class);

    private WeightReaders() {
    }

    /**
     * Opens a weight file, or a directory holding a sharded safetensors checkpoint, under
     * {@link ReadLimits#defaults()}.
     *
     * @param path a safetensors file, a PyTorch zip or legacy file (whatever its extension), or a
     *     directory with a {@code *.safetensors.index.json} and its shards
     * @return the open file, its header read; the caller closes it
     * @throws WeightFormatException if the content is not a weight file we can read
     * @throws IOException if the file cannot be read at all (missing, unreadable)
     */
    public static WeightFile open(Path path) throws IOException {
        return open(path, ReadLimits.defaults());
    }

    /**
     * Opens a weight file or sharded checkpoint under limits: a file beyond them is refused with a
     * {@link WeightFormatException}.
     *
     * @param path   the file, or the checkpoint's directory
     * @param limits what the reader accepts from one file
     * @return the open file, its header read; the caller closes it
     * @throws WeightFormatException if the content is malformed, unsupported or beyond the limits
     * @throws IOException if the file cannot be read at all (missing, unreadable)
     */
    public static WeightFile open(Path path, ReadLimits limits) throws IOException {
        if (Files.isDirectory(path)) {
            return guard(path, () -> ShardedSafetensorsReader.open(path, limits));
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        WeightFormat format;
        try {
            format = detect(path, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return guard(path, () -> switch (format) {
            case SAFETENSORS -> SafetensorsReader.open(path, channel, limits);
            case PYTORCH_ZIP -> TorchZipReader.open(path, channel, limits);
            case PYTORCH_LEGACY -> TorchLegacyReader.open(path, channel, limits);
            case SHARDED_SAFETENSORS -> throw new AssertionError("a file is never sharded");
        });
    }

    /**
     * The format of a file or directory, from its first bytes (or, for a directory, its index
     * file); nothing past the first 16 bytes is read.
     *
     * @param path a file, or a checkpoint's directory
     * @return the format the content shows
     * @throws WeightFormatException if the content is no format we read (an empty file included),
     *     or the directory has no index file
     * @throws IOException if the file cannot be read
     */
    public static WeightFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            ShardedSafetensorsReader.findIndex(path);
            return WeightFormat.SHARDED_SAFETENSORS;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return detect(path, channel);
        }
    }

    private static WeightFormat detect(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        int n = (int) Math.min(size, 16);
        ByteBuffer head = ByteBuffer.allocate(n);
        ChannelIo.readFully(channel, path, head, 0);
        byte[] b = head.array();
        if (n >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
            return WeightFormat.PYTORCH_ZIP;
        }
        if (n >= 2 && (b[0] & 0xFF) == 0x80 && b[1] >= 2 && b[1] <= 5) {
            return WeightFormat.PYTORCH_LEGACY;
        }
        if (n >= 9 && b[8] == '{') {
            return WeightFormat.SAFETENSORS;
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(n, 8); i++) {
            hex.append(String.format("%02x ", b[i] & 0xFF));
        }
        throw new WeightFormatException(path, "byte 0", size == 0 ? "file is empty"
                : "unrecognized content (first bytes " + hex.toString().trim() + "): not safetensors, a PyTorch zip "
                        + "archive or a legacy torch.save file");
    }

    private interface Opener {
        WeightFile open() throws IOException;
    }

    /**
     * Readers report bad input as {@link WeightFormatException}; should a reader bug let another
     * runtime exception through, the caller still gets the one typed exception (with the bug as
     * its cause), and the log says so.
     */
    private static WeightFile guard(Path path, Opener opener) throws IOException {
        try {
            return opener.open();
        } catch (RuntimeException e) {
            LOG.warn("reader bug on {}: {}", path, e.toString(), e);
            throw new WeightFormatException(path, "", "unreadable (" + e + ")", e);
        }
    }
}
