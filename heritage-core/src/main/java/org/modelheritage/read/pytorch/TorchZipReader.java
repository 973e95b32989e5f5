package org.modelheritage.read.pytorch;

import org.modelheritage.read.ReadLimits;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.io.LayoutWeightFile;
import org.modelheritage.read.io.TensorLayout;
import org.modelheritage.read.pickle.PickleException;
import org.modelheritage.read.pickle.PickleInput;
import org.modelheritage.read.pickle.RestrictedUnpickler;

/**
 * Opens a {@code torch.save} zip archive (PyTorch 1.6 and later; {@code .pt}, {@code .pth},
 * {@code .bin}...): {@code PREFIX/data.pkl} is read with the restricted unpickler, the state dict
 * located in it, and each storage {@code PREFIX/data/KEY} must be an uncompressed entry whose
 * data is then read in place. {@code PREFIX/byteorder}, when present, gives the data's byte order.
 */
public final class TorchZipReader {
    private TorchZipReader() {
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
        ZipArchive zip = ZipArchive.read(file, channel);
        List<ZipArchive.Entry> pickles = new ArrayList<>();
        for (ZipArchive.Entry e : zip.entries()) {
            int slash = e.name().indexOf('/');
            if (slash > 0 && e.name().substring(slash + 1).equals("data.pkl")) {
                pickles.add(e);
            }
        }
        if (pickles.size() != 1) {
            throw new WeightFormatException(file, "", pickles.isEmpty()
                    ? "zip archive holds no PREFIX/data.pkl entry, so it is not a torch.save file"
                    : "zip archive holds " + pickles.size() + " data.pkl entries; expected one");
        }
        ZipArchive.Entry pickleEntry = pickles.get(0);
        String prefix = pickleEntry.name().substring(0, pickleEntry.name().length() - "data.pkl".length());
        ByteOrder order = byteOrder(file, zip, prefix);
        String where = "entry " + pickleEntry.name();
        byte[] pickle = zip.readSmall(pickleEntry, TorchFiles.MAX_PICKLE_BYTES);
        TorchPickleHooks hooks = new TorchPickleHooks(TorchPickleHooks.Flavor.ZIP);
        Object root = new RestrictedUnpickler(hooks, file).load(PickleInput.of(pickle), where);
        Map<String, Object> stateDict;
        try {
            stateDict = StateDictLocator.locate(root);
        } catch (PickleException e) {
            throw new WeightFormatException(file, where, e.getMessage());
        }
        Map<String, Long> positions = new HashMap<>();
        for (Object value : stateDict.values()) {
            if (!(value instanceof TensorRef t) || positions.containsKey(t.storage().key())) {
                continue;
            }
            StorageRef storage = hooks.roots().get(t.storage().key());
            String name = prefix + "data/" + storage.key();
            ZipArchive.Entry entry = zip.entry(name);
            if (entry == null) {
                throw new WeightFormatException(file, "entry " + name, "the pickle references storage "
                        + storage.key() + " but the archive has no entry " + name);
            }
            if (entry.method() != 0) {
                throw new WeightFormatException(file, "entry " + name, "storage entry is compressed (method "
                        + entry.method() + "); torch.save stores tensor data uncompressed");
            }
            if (entry.size() < storage.byteLength()) {
                throw new WeightFormatException(file, "entry " + name, "storage " + storage.key() + " of " + storage.type()
                        + " needs " + storage.byteLength() + " bytes but the entry holds " + entry.size());
            }
            positions.put(storage.key(), zip.dataOffset(entry));
        }
        Map<String, TensorLayout> layouts = TorchFiles.layouts(file, channel, stateDict,
                s -> positions.get(s.key()), order, where, limits);
        return new LayoutWeightFile(file, WeightFormat.PYTORCH_ZIP, layouts, Map.of(), List.of(channel));
    }

    private static ByteOrder byteOrder(Path file, ZipArchive zip, String prefix) throws IOException {
        ZipArchive.Entry entry = zip.entry(prefix + "byteorder");
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN; // before PyTorch 2.1, always little-endian
        }
        String text = new String(zip.readSmall(entry, 16), StandardCharsets.US_ASCII).trim();
        return switch (text) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new WeightFormatException(file, "entry " + entry.name(), "byteorder is \"" + text
                    + "\", not \"little\" or \"big\"");
        };
    }
}
