package org.modelheritage.read.pytorch;

import org.modelheritage.read.ReadLimits;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.io.ChannelIo;
import org.modelheritage.read.io.LayoutWeightFile;
import org.modelheritage.read.io.TensorLayout;
import org.modelheritage.read.pickle.PickleException;
import org.modelheritage.read.pickle.PickleInput;
import org.modelheritage.read.pickle.Py;
import org.modelheritage.read.pickle.RestrictedUnpickler;

/**
 * Opens the legacy (before PyTorch 1.6) {@code torch.save} format: pickled magic number,
 * protocol version and system info; the main pickle, whose storages are persistent ids; a
 * pickled list of storage keys; then, for each key in that order, an 8-byte little-endian
 * element count and the storage's raw little-endian bytes. Storage positions are found by
 * walking those headers, each checked against the file size.
 */
public final class TorchLegacyReader {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long PROTOCOL_VERSION = 1001;

    private TorchLegacyReader() {
    }

    public static WeightFile open(Path file) throws IOException {
        return open(file, FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Opens from a channel this takes over (it is closed with the file, or on failure). */
    public static WeightFile open(Path file, FileChannel channel) throws IOException {
        return open(file, channel, ReadLimits.defaults());
    }

    /** Opens from a channel this takes over, refusing a file whose tensors would read beyond {@code limits}. */
    public static WeightFile open(Path file, FileChannel channel, ReadLimits limits) throws IOException {
        try {
            return read(file, channel, limits);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static WeightFile read(Path file, FileChannel channel, ReadLimits limits) throws IOException {
        long fileSize = channel.size();
        // all the pickles come before the storages; together they are bounded like a zip's data.pkl
        PickleInput in = PickleInput.of(channel, file, 0, Math.min(fileSize, TorchFiles.MAX_PICKLE_BYTES));
        TorchPickleHooks hooks = new TorchPickleHooks(TorchPickleHooks.Flavor.LEGACY);
        RestrictedUnpickler unpickler = new RestrictedUnpickler(hooks, file);
        Object magic = unpickler.load(in, "");
        if (!(magic instanceof BigInteger m && m.equals(MAGIC))) {
            throw new WeightFormatException(file, "byte 0", "a pickle, but not a torch.save file: it does not start "
                    + "with PyTorch's magic number");
        }
        long at = in.position();
        Object protocol = unpickler.load(in, "");
        if (!(protocol instanceof Long p && p == PROTOCOL_VERSION)) {
            throw new WeightFormatException(file, "byte " + at, "torch.save protocol version "
                    + (protocol instanceof Long ? protocol : Py.typeName(protocol)) + " is not supported (1001 is)");
        }
        at = in.position();
        if (!(unpickler.load(in, "") instanceof Py.Dict)) {
            throw new WeightFormatException(file, "byte " + at, "torch.save system info is not a dict");
        }
        long mainStart = in.position();
        Object root = unpickler.load(in, "");
        at = in.position();
        Object keyList = unpickler.load(in, "");
        if (!(keyList instanceof Py.PyList keys)) {
            throw new WeightFormatException(file, "byte " + at, "the list of storage keys is a "
                    + Py.typeName(keyList) + ", not a list");
        }
        Map<String, Object> stateDict;
        try {
            stateDict = StateDictLocator.locate(root);
        } catch (PickleException e) {
            throw new WeightFormatException(file, "byte " + mainStart, e.getMessage());
        }
        Map<String, Long> positions = walkStorages(file, channel, fileSize, in.position(), keys, hooks.roots());
        Map<String, TensorLayout> layouts = TorchFiles.layouts(file, channel, stateDict,
                s -> positions.get(s.key()), ByteOrder.LITTLE_ENDIAN, "", limits);
        return new LayoutWeightFile(file, WeightFormat.PYTORCH_LEGACY, layouts, Map.of(), List.of(channel));
    }

    /** The file position of each storage's data, from the size headers that precede each one. */
    private static Map<String, Long> walkStorages(Path file, FileChannel channel, long fileSize, long start,
            Py.PyList keys, Map<String, StorageRef> roots) throws IOException {
        Map<String, Long> positions = new HashMap<>();
        Set<String> seen = new HashSet<>();
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long position = start;
        for (Object k : keys.items()) {
            if (!(k instanceof String key)) {
                throw new WeightFormatException(file, "byte " + position, "storage key is a " + Py.typeName(k)
                        + ", not a str");
            }
            if (!seen.add(key)) {
                throw new WeightFormatException(file, "byte " + position, "storage key " + key + " is listed twice");
            }
            StorageRef root = roots.get(key);
            if (root == null) {
                throw new WeightFormatException(file, "byte " + position, "storage " + key
                        + " is listed but no tensor uses it, so its element size is unknown");
            }
            if (position > fileSize - 8) {
                throw new WeightFormatException(file, "byte " + position, "file ends before storage " + key
                        + " (truncated?)");
            }
            header.clear();
            ChannelIo.readFully(channel, file, header, position);
            long count = header.getLong(0);
            long available = fileSize - position - 8;
            if (count < 0 || count > available / root.elementSize()) {
                throw new WeightFormatException(file, "byte " + position, "storage " + key + " declares "
                        + Long.toUnsignedString(count) + " elements of " + root.elementSize() + " bytes but only "
                        + available + " bytes remain in the file (truncated?)");
            }
            long bytes = count * root.elementSize();
            if (bytes != root.byteLength()) {
                throw new WeightFormatException(file, "byte " + position, "storage " + key + " holds " + bytes
                        + " bytes but the pickle declares " + root.byteLength());
            }
            positions.put(key, position + 8);
            position += 8 + bytes;
        }
        for (String key : roots.keySet()) {
            if (!positions.containsKey(key)) {
                throw new WeightFormatException(file, "byte " + start, "the pickle uses storage " + key
                        + " but the storage list does not include it");
            }
        }
        return positions;
    }
}
