package org.modelheritage.read.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modelheritage.read.FloatSink;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightFormat;

/**
 * A {@link WeightFile} whose header has been validated into one {@link TensorLayout} per tensor.
 * Reads are positional, so concurrent {@link #read} calls from several threads are safe.
 */
public class LayoutWeightFile implements WeightFile {
    private final Path path;
    private final WeightFormat format;
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
    private final Map<String, TensorLayout> layouts = new LinkedHashMap<>();
    private final List<TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final List<? extends Closeable> resources;

    /**
     * @param layouts every tensor's layout, in file order; its key is the tensor name
     * @param resources what {@link #close} closes (the file channels)
     */
    public LayoutWeightFile(Path path, WeightFormat format, Map<String, TensorLayout> layouts,
            Map<String, String> metadata, List<? extends Closeable> resources) {
        this.path = path;
        this.format = format;
        List<TensorInfo> list = new ArrayList<>(layouts.size());
        for (Map.Entry<String, TensorLayout> e : layouts.entrySet()) {
            TensorInfo info = new TensorInfo(e.getKey(), e.getValue().dtype(), e.getValue().shapeInternal());
            infos.put(e.getKey(), info);
            this.layouts.put(e.getKey(), e.getValue());
            list.add(info);
        }
        this.tensors = Collections.unmodifiableList(list);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.resources = List.copyOf(resources);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public WeightFormat format() {
        return format;
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Optional<TensorInfo> tensor(String name) {
        return Optional.ofNullable(infos.get(name));
    }

    /** Where a tensor's data lies in its file. */
    public Optional<TensorLayout> layout(String name) {
        return Optional.ofNullable(layouts.get(name));
    }

    @Override
    public void read(String name, FloatSink sink) throws IOException {
        TensorLayout layout = layouts.get(name);
        if (layout == null) {
            throw new IllegalArgumentException("no tensor named " + name + " in " + path);
        }
        TensorStreamer.stream(layout, sink);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return format.id() + " " + path + " (" + tensors.size() + " tensors)";
    }
}
