package org.modelheritage.read.pytorch;

import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.modelheritage.read.ReadLimits;
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
            Function<StorageRef, Long> storagePosition, ByteOrder order, String where, ReadLimits limits)
            throws WeightFormatException {
        String in = where.isEmpty() ? "" : " (" + where + ")";
        if (stateDict.size() > limits.maxTensors()) {
            throw new WeightFormatException(file, "", stateDict.size() + " tensors, more than the limit of "
                    + limits.maxTensors() + " for one model" + in);
        }
        Map<String, TensorLayout> layouts = new LinkedHashMap<>();
        long expanded = 0;
        // Elements all tensors read together, against those their distinct storages hold: views of
        // one storage each read it again, so 10,000 of them cost 10,000 passes over a few MB.
        Set<List<Long>> storages = new HashSet<>();
        long storageElements = 0;
        long readElements = 0;
        for (Map.Entry<String, Object> e : stateDict.entrySet()) {
            if (e.getValue() instanceof UnsupportedTensor u) {
                throw new WeightFormatException(file, "tensor " + e.getKey(), u.what() + " is not supported");
            }
            TensorRef t = (TensorRef) e.getValue();
            StorageRef s = t.storage();
            TensorLayout layout = TensorLayout.view(file, channel, storagePosition.apply(s) + s.byteOffset(),
                    s.byteLength(), t.dtype(), order, t.shape(), t.strides(), t.storageOffset());
            long ownElements = s.byteLength() / t.dtype().byteSize();
            if (storages.add(List.of(storagePosition.apply(s) + s.byteOffset(), s.byteLength()))) {
                storageElements += ownElements;
            }
            if (layout.elementCount() > ownElements) {
                expanded += layout.elementCount() - ownElements;
                if (expanded > MAX_EXPANDED_ELEMENTS) {
                    throw new WeightFormatException(file, "tensor " + e.getKey(), "expanded views (stride 0) add more "
                            + "than " + MAX_EXPANDED_ELEMENTS + " elements beyond their storages; refusing the file" + in);
                }
            }
            readElements += layout.elementCount();
            if (readElements > limits.maxReadFactor() * storageElements + MAX_EXPANDED_ELEMENTS) {
                throw new WeightFormatException(file, "tensor " + e.getKey(), "the tensors read " + readElements
                        + " elements so far from storages holding " + storageElements + ", more than "
                        + limits.maxReadFactor() + " times (views of one storage are each read again); refusing the file" + in);
            }
            layouts.put(e.getKey(), layout);
        }
        return layouts;
    }
}
