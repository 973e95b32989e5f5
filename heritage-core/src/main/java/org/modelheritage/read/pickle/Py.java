package org.modelheritage.read.pickle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python values a pickle builds. Python ints are {@code Long} (or {@code BigInteger} when
 * large), floats {@code Double}, bools {@code Boolean}, strs {@code String}. Containers compare
 * by identity, so no equals or hashCode ever recurses through a (possibly cyclic or very deep)
 * structure from the file.
 */
public final class Py {
    private Py() {
    }

    /** Python's None. */
    public static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A tuple; immutable. */
    public static final class Tuple {
        private final List<Object> items;

        public Tuple(List<Object> items) {
            this.items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        public static Tuple of(Object... items) {
            return new Tuple(Arrays.asList(items));
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }

        public List<Object> items() {
            return items;
        }
    }

    /** A list. */
    public static final class PyList {
        private final List<Object> items = new ArrayList<>();

        public void add(Object item) {
            items.add(item);
        }

        public List<Object> items() {
            return items;
        }
    }

    /** A set or frozenset; elements are kept in order and not deduplicated. */
    public static final class PySet {
        private final List<Object> items = new ArrayList<>();

        public void add(Object item) {
            items.add(item);
        }

        public List<Object> items() {
            return items;
        }
    }

    /** bytes or bytearray. */
    public static final class Bytes {
        private final byte[] data;

        public Bytes(byte[] data) {
            this.data = data;
        }

        public byte[] data() {
            return data.clone();
        }

        public int length() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }
    }

    /**
     * A dict (or OrderedDict), in insertion order. Keys that are plain values (str, int, float,
     * bool, None, bytes) replace an equal earlier key as in Python; other keys (tuples...) are
     * compared by identity.
     */
    public static final class Dict {
        private final List<Object> keys = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();
        private final Map<Object, Integer> index = new HashMap<>();

        public void put(Object key, Object value) {
            if (isPlainKey(key)) {
                Integer at = index.get(key);
                if (at != null) {
                    values.set(at, value);
                    return;
                }
                index.put(key, keys.size());
            }
            keys.add(key);
            values.add(value);
        }

        public int size() {
            return keys.size();
        }

        public Object key(int i) {
            return keys.get(i);
        }

        public Object value(int i) {
            return values.get(i);
        }

        /** The value of a plain key, or null when absent. */
        public Object get(Object key) {
            Integer at = isPlainKey(key) ? index.get(key) : null;
            return at == null ? null : values.get(at);
        }

        private static boolean isPlainKey(Object key) {
            return key instanceof String || key instanceof Long || key instanceof BigInteger || key instanceof Double
                    || key instanceof Boolean || key == NONE || key instanceof Bytes;
        }
    }

    /** A short, non-recursive description of a value's type for messages. */
    public static String typeName(Object o) {
        if (o == NONE) {
            return "None";
        } else if (o instanceof String) {
            return "str";
        } else if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        } else if (o instanceof Double) {
            return "float";
        } else if (o instanceof Boolean) {
            return "bool";
        } else if (o instanceof Tuple) {
            return "tuple";
        } else if (o instanceof PyList) {
            return "list";
        } else if (o instanceof Dict) {
            return "dict";
        } else if (o instanceof PySet) {
            return "set";
        } else if (o instanceof Bytes) {
            return "bytes";
        }
        return String.valueOf(o);
    }
}
