package org.modelheritage.read.pytorch;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modelheritage.read.DType;
import org.modelheritage.read.io.TensorLayout;
import org.modelheritage.read.pickle.PickleException;
import org.modelheritage.read.pickle.PickleHooks;
import org.modelheritage.read.pickle.Py;

/**
 * The allow-list behind PyTorch's pickles: the globals of {@link TorchGlobal}, storages as
 * persistent ids, and the tensor rebuild functions, which here only record where a tensor's
 * data is ({@link TensorRef}). Everything else is refused with the global's name.
 */
final class TorchPickleHooks implements PickleHooks {
    /** How persistent ids look: the zip format's 5-tuples or the legacy format's 6-tuples. */
    enum Flavor { ZIP, LEGACY }

    private final Flavor flavor;
    /** Root storages by key, to check that every reference to one agrees. */
    private final Map<String, StorageRef> roots = new HashMap<>();

    TorchPickleHooks(Flavor flavor) {
        this.flavor = flavor;
    }

    /** Every root storage the pickle referenced, by key. */
    Map<String, StorageRef> roots() {
        return roots;
    }

    @Override
    public Object global(String module, String name) throws PickleException {
        Optional<TorchGlobal> g = TorchGlobal.lookup(module, name);
        if (g.isEmpty()) {
            throw new PickleException("refused pickle global " + module + "." + name
                    + ": only what PyTorch state dicts need is allowed (a pickle naming other globals can run code)");
        }
        return g.get();
    }

    @Override
    public Object call(Object callable, Py.Tuple args) throws PickleException {
        TorchGlobal g = allowedGlobal(callable, "REDUCE");
        switch (g.kind()) {
            case ORDERED_DICT, DICT -> {
                Py.Dict d = new Py.Dict();
                if (args.size() == 1) {
                    Object src = args.get(0);
                    if (src instanceof Py.Dict other) {
                        for (int i = 0; i < other.size(); i++) {
                            d.put(other.key(i), other.value(i));
                        }
                    } else {
                        for (Object pair : items(src, g)) {
                            if (!(pair instanceof Py.Tuple t) || t.size() != 2) {
                                throw new PickleException(g + " needs (key, value) pairs");
                            }
                            d.put(t.get(0), t.get(1));
                        }
                    }
                } else if (args.size() > 1) {
                    throw new PickleException(g + " with " + args.size() + " arguments");
                }
                return d;
            }
            case LIST -> {
                Py.PyList list = new Py.PyList();
                for (Object o : optionalItems(args, g)) {
                    list.add(o);
                }
                return list;
            }
            case TUPLE -> {
                return new Py.Tuple(optionalItems(args, g));
            }
            case SET -> {
                Py.PySet set = new Py.PySet();
                for (Object o : optionalItems(args, g)) {
                    set.add(o);
                }
                return set;
            }
            case BYTEARRAY -> {
                if (args.size() == 0) {
                    return new Py.Bytes(new byte[0]);
                }
                if (args.size() == 1 && args.get(0) instanceof Py.Bytes b) {
                    return b;
                }
                if (args.size() == 2 && args.get(0) instanceof String s && args.get(1) instanceof String enc) {
                    return encode(s, enc);
                }
                throw new PickleException(g + " with unexpected arguments");
            }
            case CODECS_ENCODE -> {
                if (args.size() == 2 && args.get(0) instanceof String s && args.get(1) instanceof String enc) {
                    return encode(s, enc);
                }
                throw new PickleException(g + " needs (str, encoding)");
            }
            case REBUILD_TENSOR -> {
                return rebuild(g, args, 4, null);
            }
            case REBUILD_TENSOR_V2 -> {
                if (args.size() != 6 && args.size() != 7) {
                    throw new PickleException(g + " needs 6 or 7 arguments, got " + args.size());
                }
                return rebuild(g, args, args.size(), null);
            }
            case REBUILD_TENSOR_V3 -> {
                if (args.size() != 7 && args.size() != 8) {
                    throw new PickleException(g + " needs 7 or 8 arguments, got " + args.size());
                }
                if (!(args.get(6) instanceof TorchGlobal d) || d.kind() != TorchGlobal.Kind.DTYPE) {
                    throw new PickleException(g + " needs a dtype as its 7th argument, got " + Py.typeName(args.get(6)));
                }
                if (d.dtype() == null) {
                    return new UnsupportedTensor("dtype " + d);
                }
                return rebuild(g, args, args.size(), d.dtype());
            }
            case REBUILD_PARAMETER, PARAMETER -> {
                if (args.size() < 1) {
                    throw new PickleException(g + " without the tensor");
                }
                return tensorArg(args.get(0), g);
            }
            case REBUILD_FROM_TYPE -> {
                if (args.size() != 4 || !(args.get(2) instanceof Py.Tuple inner)) {
                    throw new PickleException(g + " needs (function, type, args, state)");
                }
                TorchGlobal type = allowedGlobal(args.get(1), g.qualifiedName());
                if (type.kind() != TorchGlobal.Kind.PARAMETER && type.kind() != TorchGlobal.Kind.TENSOR_TYPE) {
                    throw new PickleException(g + " of type " + type + ": only Tensor and Parameter are allowed");
                }
                return tensorArg(call(args.get(0), inner), g);
            }
            case UNSUPPORTED_TENSOR -> {
                return new UnsupportedTensor("a tensor rebuilt by " + g);
            }
            case SIZE -> {
                return new Py.Tuple(optionalItems(args, g));
            }
            case DEVICE -> {
                if (args.size() >= 1 && args.get(0) instanceof String s) {
                    return s;
                }
                throw new PickleException(g + " needs a device name");
            }
            default -> throw new PickleException("calling " + g + " is not allowed");
        }
    }

    @Override
    public Object instantiate(Object cls, Py.Tuple args) throws PickleException {
        TorchGlobal g = allowedGlobal(cls, "NEWOBJ");
        return switch (g.kind()) {
            case ORDERED_DICT, DICT -> new Py.Dict();
            case LIST -> new Py.PyList();
            case SET -> new Py.PySet();
            case PARAMETER -> call(g, args);
            default -> throw new PickleException("instantiating " + g + " is not allowed");
        };
    }

    @Override
    public void build(Object instance, Object state) throws PickleException {
        // OrderedDict state (a state dict's _metadata) and tensor/parameter state carry nothing we read
        if (!(instance instanceof Py.Dict || instance instanceof TensorRef || instance instanceof UnsupportedTensor)) {
            throw new PickleException("BUILD on a " + Py.typeName(instance) + " is not allowed");
        }
    }

    @Override
    public Object persistentLoad(Object pid) throws PickleException {
        if (!(pid instanceof Py.Tuple t) || t.size() == 0) {
            throw new PickleException("persistent id is a " + Py.typeName(pid) + ", not a tuple");
        }
        String kind = text(t.get(0));
        if (!"storage".equals(kind)) {
            throw new PickleException("persistent id of kind " + (kind == null ? Py.typeName(t.get(0)) : "'" + kind + "'")
                    + " is not allowed" + ("module".equals(kind) ? " (a pickled nn.Module: save model.state_dict() instead)" : ""));
        }
        int expected = flavor == Flavor.ZIP ? 5 : 6;
        if (t.size() != expected) {
            throw new PickleException("storage persistent id has " + t.size() + " fields, not " + expected);
        }
        if (!(t.get(1) instanceof TorchGlobal type) || (type.kind() != TorchGlobal.Kind.STORAGE_TYPE
                && type.kind() != TorchGlobal.Kind.UNTYPED_STORAGE_TYPE)) {
            throw new PickleException("storage persistent id names a " + Py.typeName(t.get(1)) + ", not a storage type");
        }
        String key = text(t.get(2));
        if (key == null || key.isEmpty() || key.length() > 256) {
            throw new PickleException("storage key must be a short string, got " + Py.typeName(t.get(2)));
        }
        long numel = nonNegative(t.get(4), "storage size");
        int elementSize = type.dtype() == null ? 1 : type.dtype().byteSize();
        if (numel > Long.MAX_VALUE / elementSize) {
            throw new PickleException("storage " + key + " of " + numel + " elements is impossibly large");
        }
        StorageRef root = new StorageRef(key, type, elementSize, 0, numel * elementSize);
        StorageRef seen = roots.putIfAbsent(key, root);
        if (seen != null) {
            if (!seen.type().equals(type) || seen.byteLength() != root.byteLength()) {
                throw new PickleException("storage " + key + " is described twice, differently (" + seen.type() + " of "
                        + seen.byteLength() + " bytes, then " + type + " of " + root.byteLength() + " bytes)");
            }
            root = seen;
        }
        if (flavor == Flavor.LEGACY && t.get(5) != Py.NONE) {
            // a pre-1.x storage view: (view_key, offset, size) in elements of its root
            if (!(t.get(5) instanceof Py.Tuple view) || view.size() != 3) {
                throw new PickleException("storage view metadata must be (key, offset, size)");
            }
            long offset = nonNegative(view.get(1), "storage view offset");
            long size = nonNegative(view.get(2), "storage view size");
            if (offset > numel || size > numel - offset) {
                throw new PickleException("storage view [" + offset + ", +" + size + ") lies outside storage " + key
                        + " of " + numel + " elements");
            }
            return new StorageRef(key, type, elementSize, offset * elementSize, size * elementSize);
        }
        return root;
    }

    /** _rebuild_tensor(_v2/_v3)(storage, storage_offset, size, stride, ...). */
    private Object rebuild(TorchGlobal g, Py.Tuple args, int arity, DType explicitDtype) throws PickleException {
        if (args.size() != arity || arity < 4) {
            throw new PickleException(g + " needs " + arity + " arguments, got " + args.size());
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw new PickleException(g + " needs a storage first, got " + Py.typeName(args.get(0)));
        }
        long offset = nonNegative(args.get(1), "storage offset");
        long[] shape = ints(args.get(2), "size");
        long[] strides = ints(args.get(3), "stride");
        DType dtype = explicitDtype != null ? explicitDtype : storage.type().dtype();
        if (dtype == null) {
            return new UnsupportedTensor("storage type " + storage.type());
        }
        Optional<String> problem = TensorLayout.checkView(shape, strides, offset, storage.byteLength() / dtype.byteSize());
        if (problem.isPresent()) {
            throw new PickleException("tensor on " + storage + ": " + problem.get());
        }
        return new TensorRef(storage, dtype, offset, shape, strides);
    }

    private static Object tensorArg(Object o, TorchGlobal g) throws PickleException {
        if (o instanceof TensorRef || o instanceof UnsupportedTensor) {
            return o;
        }
        throw new PickleException(g + " needs a tensor, got " + Py.typeName(o));
    }

    private static TorchGlobal allowedGlobal(Object o, String op) throws PickleException {
        if (o instanceof TorchGlobal g) {
            return g;
        }
        throw new PickleException(op + " on a " + Py.typeName(o) + ", not an allowed global");
    }

    private static List<Object> optionalItems(Py.Tuple args, TorchGlobal g) throws PickleException {
        if (args.size() == 0) {
            return List.of();
        }
        if (args.size() == 1) {
            return items(args.get(0), g);
        }
        throw new PickleException(g + " with " + args.size() + " arguments");
    }

    private static List<Object> items(Object o, TorchGlobal g) throws PickleException {
        if (o instanceof Py.PyList l) {
            return l.items();
        }
        if (o instanceof Py.Tuple t) {
            return t.items();
        }
        if (o instanceof Py.PySet s) {
            return s.items();
        }
        throw new PickleException(g + " of a " + Py.typeName(o) + " is not allowed");
    }

    private static Py.Bytes encode(String s, String encoding) throws PickleException {
        String enc = encoding.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        switch (enc) {
            case "latin1", "latin-1", "iso-8859-1", "l1" -> {
                byte[] out = new byte[s.length()];
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c > 0xFF) {
                        throw new PickleException("cannot encode U+" + Integer.toHexString(c) + " as latin1");
                    }
                    out[i] = (byte) c;
                }
                return new Py.Bytes(out);
            }
            case "utf-8", "utf8" -> {
                return new Py.Bytes(s.getBytes(StandardCharsets.UTF_8));
            }
            default -> throw new PickleException("encoding " + encoding + " is not supported");
        }
    }

    private static String text(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof Py.Bytes b) {
            return new String(b.data(), StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    private static long nonNegative(Object o, String what) throws PickleException {
        if (o instanceof Long v && v >= 0) {
            return v;
        }
        throw new PickleException(what + " must be a non-negative int, got " + (o instanceof Long ? o : Py.typeName(o)));
    }

    private static long[] ints(Object o, String what) throws PickleException {
        if (!(o instanceof Py.Tuple t)) {
            throw new PickleException(what + " must be a tuple, got " + Py.typeName(o));
        }
        if (t.size() > TensorLayout.MAX_RANK) {
            throw new PickleException(what + " has " + t.size() + " dimensions, more than " + TensorLayout.MAX_RANK);
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v)) {
                throw new PickleException(what + " must hold ints, got " + Py.typeName(t.get(i)));
            }
            out[i] = v;
        }
        return out;
    }
}
