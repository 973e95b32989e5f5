package org.modelheritage.read;

import java.io.IOException;
import java.nio.file.Path;

/** Opens any supported weight file, detecting its format from its content. */
public final class WeightReaders {
    private WeightReaders() {
    }

    /**
     * Opens a weight file, or a directory holding a sharded safetensors checkpoint.
     *
     * @throws WeightFormatException if the content is not a weight file we can read
     */
    public static WeightFile open(Path path) throws IOException {
        throw new WeightFormatException(path, "", "no reader implemented yet");
    }
}
