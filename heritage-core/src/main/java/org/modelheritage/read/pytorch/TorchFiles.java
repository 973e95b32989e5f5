package org.modelheritage.read.pytorch;

import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.io.TensorLayout;

/** What the zip and legacy readers share: turning the located state dict into layouts. */
final class TorchFiles {
    /**
     * Views may repeat storage elements (stride 0, as {@code expand} makes); this bounds how many
     * elements beyond their storages' sizes a file's tensors may add, so reading stays
     * proportional to the file.
     */
    static final long MAX_EXPANDED_ELEMENTS = 1L << 26;
    /** data.pkl of real checkpoints is KBs to a few MB. */
    static final long MAX_PICKLE_BYTES = 64L << 20;

    private TorchFiles() {
    }

    /**
     * @param storagePosition the file position of a root storage's first byte, by key
     */
    static Map<String, TensorLayout> layouts(Path file, FileChannel channel, Map<String, Object> stateDict,
            Function<StorageRef, Long> storagePosition, ByteOrder order, String where) throws WeightFormatException {
        Map<String, TensorLayout> layouts = new LinkedHashMap<>();
        long expanded = 0;
        for (Map.Entry<String, Object> e : stateDict.entrySet()) {
            if (e.getValue() instanceof UnsupportedTensor u) {
                throw new WeightFormatException(file, "tensor " + e.getKey(), u.what() + " is not supported");
            }
            TensorRef t = (TensorRef) e.getValue();
            StorageRef s = t.storage();
            TensorLayout layout = TensorLayout.view(file, channel, storagePosition.apply(s) + s.byteOffset(),
                    s.byteLength(), t.dtype(), order, t.shape(), t.strides(), t.storageOffset());
            long storageElements = s.byteLength() / t.dtype().byteSize();
            if (layout.elementCount() > storageElements) {
                expanded += layout.elementCount() - storageElements;
                if (expanded > MAX_EXPANDED_ELEMENTS) {
                    throw new WeightFormatException(file, "tensor " + e.getKey(), "expanded views (stride 0) add more "
                            + "than " + MAX_EXPANDED_ELEMENTS + " elements beyond their storages; refusing the file"
                            + (where.isEmpty() ? "" : " (" + where + ")"));
                }
            }
            layouts.put(e.getKey(), layout);
        }
        return layouts;
    }
}
