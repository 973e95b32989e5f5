package org.modelheritage.read.safetensors;

import org.modelheritage.read.ReadLimits;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;
import org.modelheritage.read.io.LayoutWeightFile;

/** Opens one {@code .safetensors} file: the header is validated whole at open, data is read on demand. */
public final class SafetensorsReader {
    private SafetensorsReader() {
    }

    public static WeightFile open(Path file) throws IOException {
        return open(file, FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Opens from a channel this takes over (it is closed with the file, or on failure). */
    public static WeightFile open(Path file, FileChannel channel) throws IOException {
        return open(file, channel, ReadLimits.defaults());
    }

    /** Opens from a channel this takes over, refusing a header beyond {@code limits}. */
    public static WeightFile open(Path file, FileChannel channel, ReadLimits limits) throws IOException {
        try {
            SafetensorsHeader header = SafetensorsHeader.read(file, channel, limits);
            return new LayoutWeightFile(file, WeightFormat.SAFETENSORS, header.layouts(file, channel),
                    header.metadata(), List.of(channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
