package org.modelheritage.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small pickle assembler for tests and benchmarks: it writes opcodes, so it can make the
 * pickles PyTorch writes as well as malformed and malicious ones.
 */
public final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public PickleWriter() {
        this(2);
    }

    public PickleWriter(int protocol) {
        out.write(0x80);
        out.write(protocol);
    }

    /** No PROTO opcode (a protocol 0/1 pickle). */
    public static PickleWriter bare() {
        PickleWriter w = new PickleWriter(2);
        w.out.reset();
        return w;
    }

    public PickleWriter op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    public PickleWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public PickleWriter stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    public PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        int32(b.length);
        out.writeBytes(b);
        return this;
    }

    public PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            return int32((int) v);
        }
        out.write(0x8a);
        out.write(8);
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public PickleWriter int32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
        return this;
    }

    public PickleWriter mark() {
        return op('(');
    }

    public PickleWriter tuple() {
        return op('t');
    }

    public PickleWriter ints(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    public PickleWriter reduce() {
        return op('R');
    }

    public PickleWriter emptyDict() {
        return op('}');
    }

    public PickleWriter setItems() {
        return op('u');
    }

    public PickleWriter orderedDict() {
        return global("collections", "OrderedDict").op(')').reduce();
    }

    /** A zip-format storage persistent id: ('storage', torch.TYPE, key, 'cpu', numel), then BINPERSID. */
    public PickleWriter storage(String storageType, String key, long numel) {
        return mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel).tuple().op('Q');
    }

    /** A legacy-format storage persistent id (6 fields, no view). */
    public PickleWriter legacyStorage(String storageType, String key, long numel) {
        return mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel).op('N').tuple()
                .op('Q');
    }

    /** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()). */
    public PickleWriter tensorV2(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        storage(storageType, key, numel).integer(offset).ints(size).ints(stride).op(0x89).orderedDict();
        return tuple().reduce();
    }

    public PickleWriter stop() {
        return op('.');
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    /** A state-dict pickle (an OrderedDict of tensors), as torch.save writes one. */
    public static byte[] stateDict(TensorSpec... tensors) {
        PickleWriter w = new PickleWriter().orderedDict().mark();
        for (TensorSpec t : tensors) {
            w.str(t.name()).tensorV2(t.storageType(), t.key(), t.numel(), t.offset(), t.shape(), t.stride());
        }
        return w.setItems().stop().bytes();
    }

    /** One tensor of a state-dict pickle: a view on storage {@code key} of {@code numel} elements. */
    public record TensorSpec(String name, String storageType, String key, long numel, long offset, long[] shape,
            long[] stride) {
        /** A contiguous tensor filling its own storage. */
        public static TensorSpec contiguous(String name, String storageType, String key, long... shape) {
            long numel = 1;
            for (long d : shape) {
                numel *= d;
            }
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= Math.max(1, shape[i]);
            }
            return new TensorSpec(name, storageType, key, numel, 0, shape, stride);
        }
    }
}
