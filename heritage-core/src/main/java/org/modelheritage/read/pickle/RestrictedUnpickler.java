package org.modelheritage.read.pickle;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modelheritage.read.WeightFormatException;

/**
 * An unpickler for untrusted data: it understands the opcodes of pickle protocols 0 to 5 and
 * builds plain values ({@link Py}), but everything that would import, call or instantiate is
 * handed to {@link PickleHooks}, which allows only a fixed list. Nothing is ever executed and no
 * Java deserialization is involved. It is iterative (no recursion, so no stack overflow however
 * deep the nesting) and every resource is bounded: input bytes (by the {@link PickleInput}),
 * objects, memo entries and container items (by one budget), line lengths and integer sizes.
 * One instance reads one file's pickles in sequence; the budget spans them all.
 */
public final class RestrictedUnpickler {
    /** Objects, memo entries and container items a file's pickles may make in all; a state dict needs far fewer. */
    public static final long DEFAULT_BUDGET = 4_000_000;
    private static final int MAX_LINE = 64 << 10;
    private static final int MAX_INT_DIGITS = 1000;
    private static final int MAX_LONG_BYTES = 4096;

    private final PickleHooks hooks;
    private final Path file;
    private final long budget;
    private long spent;

    private ArrayList<Object> stack;
    private int[] marks;
    private int markCount;
    private Map<Long, Object> memo;

    public RestrictedUnpickler(PickleHooks hooks, Path file) {
        this(hooks, file, DEFAULT_BUDGET);
    }

    public RestrictedUnpickler(PickleHooks hooks, Path file, long budget) {
        this.hooks = hooks;
        this.file = file;
        this.budget = budget;
    }

    /**
     * Reads one pickle, up to and including its STOP opcode, and returns its value.
     *
     * @param where what the input is, for messages ("entry archive/data.pkl"), or "" when its
     *     positions are file positions
     */
    public Object load(PickleInput in, String where) throws IOException {
        stack = new ArrayList<>();
        marks = new int[16];
        markCount = 0;
        memo = new HashMap<>();
        while (true) {
            long at = in.position();
            int op = in.read();
            if (op < 0) {
                throw new WeightFormatException(file, location(where, at, -1),
                        "pickle data ends without a STOP opcode (truncated, or above the size limit of "
                        + in.limit() + " bytes)");
            }
            try {
                if (step(op, in)) {
                    Object result = pop();
                    stack = null;
                    memo = null;
                    return result;
                }
            } catch (PickleException e) {
                throw new WeightFormatException(file, location(where, at, op), e.getMessage());
            }
        }
    }

    private static String location(String where, long at, int op) {
        String pos = (where.isEmpty() ? "byte " : where + ", pickle byte ") + at;
        return op < 0 ? pos : pos + " (opcode " + Opcodes.name(op) + ")";
    }

    /** Runs one opcode; true at STOP. */
    private boolean step(int op, PickleInput in) throws IOException, PickleException {
        switch (op) {
            case '(' -> {
                spend(1);
                if (markCount == marks.length) {
                    marks = Arrays.copyOf(marks, markCount * 2);
                }
                marks[markCount++] = stack.size();
            }
            case '.' -> {
                return true;
            }
            case '0' -> {
                if (markCount > 0 && stack.size() == marks[markCount - 1]) {
                    markCount--;
                } else {
                    pop();
                }
            }
            case '1' -> popMark();
            case '2' -> push(peek());
            case 'F' -> push(parseFloat(readLine(in, "FLOAT")));
            case 'I' -> {
                String line = readLine(in, "INT");
                push(line.equals("00") ? Boolean.FALSE : line.equals("01") ? Boolean.TRUE : parseInt(line));
            }
            case 'J' -> push((long) readInt32(in));
            case 'K' -> push((long) readByte(in));
            case 'L' -> {
                String line = readLine(in, "LONG");
                push(parseInt(line.endsWith("L") ? line.substring(0, line.length() - 1) : line));
            }
            case 'M' -> push((long) (readByte(in) | readByte(in) << 8));
            case 'N' -> push(Py.NONE);
            case 'P' -> push(hooks.persistentLoad(readLine(in, "PERSID")));
            case 'Q' -> push(hooks.persistentLoad(pop()));
            case 'R' -> {
                Object args = pop();
                Object callable = pop();
                push(hooks.call(callable, tuple(args, "REDUCE arguments")));
            }
            case 'S' -> push(utf8(unescapeString(readLine(in, "STRING"))));
            case 'T' -> push(utf8(readBytes(in, readInt32(in))));
            case 'U' -> push(utf8(readBytes(in, readByte(in))));
            case 'V' -> push(rawUnicodeEscape(readLine(in, "UNICODE")));
            case 'X' -> push(utf8(readBytes(in, readUInt32(in))));
            case 'a' -> {
                Object item = pop();
                list(peek(), "APPEND").add(item);
                spend(1);
            }
            case 'b' -> {
                Object state = pop();
                hooks.build(peek(), state);
            }
            case 'c' -> {
                String module = readLine(in, "GLOBAL");
                String name = readLine(in, "GLOBAL");
                push(hooks.global(module, name));
            }
            case 'd' -> push(dict(popMark()));
            case '}' -> push(new Py.Dict());
            case 'e' -> {
                List<Object> items = popMark();
                Py.PyList list = list(peek(), "APPENDS");
                for (Object item : items) {
                    list.add(item);
                }
                spend(items.size());
            }
            case 'g' -> push(memoGet(parseMemoKey(readLine(in, "GET"))));
            case 'h' -> push(memoGet(readByte(in)));
            case 'j' -> push(memoGet(readUInt32(in)));
            case 'i' -> {
                String module = readLine(in, "INST");
                String name = readLine(in, "INST");
                Object cls = hooks.global(module, name);
                push(hooks.instantiate(cls, new Py.Tuple(popMark())));
            }
            case 'l' -> {
                Py.PyList list = new Py.PyList();
                List<Object> items = popMark();
                for (Object item : items) {
                    list.add(item);
                }
                spend(items.size());
                push(list);
            }
            case ']' -> push(new Py.PyList());
            case 'o' -> {
                List<Object> items = popMark();
                if (items.isEmpty()) {
                    throw new PickleException("OBJ without a class");
                }
                push(hooks.instantiate(items.get(0), new Py.Tuple(items.subList(1, items.size()))));
            }
            case 'p' -> memoPut(parseMemoKey(readLine(in, "PUT")));
            case 'q' -> memoPut(readByte(in));
            case 'r' -> memoPut(readUInt32(in));
            case 's' -> {
                Object value = pop();
                Object key = pop();
                dictOf(peek(), "SETITEM").put(key, value);
                spend(1);
            }
            case 'u' -> {
                List<Object> items = popMark();
                Py.Dict dict = dictOf(peek(), "SETITEMS");
                if (items.size() % 2 != 0) {
                    throw new PickleException("SETITEMS with an odd number of items");
                }
                for (int i = 0; i < items.size(); i += 2) {
                    dict.put(items.get(i), items.get(i + 1));
                }
                spend(items.size() / 2);
            }
            case 't' -> push(new Py.Tuple(popMark()));
            case ')' -> push(new Py.Tuple(List.of()));
            case 'G' -> push(Double.longBitsToDouble(ByteBuffer.wrap(readBytes(in, 8)).getLong()));
            case 0x80 -> {
                int protocol = readByte(in);
                if (protocol > 5) {
                    throw new PickleException("pickle protocol " + protocol + " is not supported (0 to 5 are)");
                }
            }
            case 0x81 -> {
                Object args = pop();
                Object cls = pop();
                push(hooks.instantiate(cls, tuple(args, "NEWOBJ arguments")));
            }
            case 0x82, 0x83, 0x84 -> throw new PickleException(
                    "extension-registry opcodes (EXT1/EXT2/EXT4) are not allowed: they name objects by a registry code");
            case 0x85 -> push(Py.Tuple.of(pop()));
            case 0x86 -> {
                Object b = pop();
                Object a = pop();
                push(Py.Tuple.of(a, b));
            }
            case 0x87 -> {
                Object c = pop();
                Object b = pop();
                Object a = pop();
                push(Py.Tuple.of(a, b, c));
            }
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 0x8a -> push(decodeLong(readBytes(in, readByte(in))));
            case 0x8b -> {
                long n = readInt32(in);
                if (n < 0 || n > MAX_LONG_BYTES) {
                    throw new PickleException("LONG4 of " + n + " bytes (at most " + MAX_LONG_BYTES + " allowed)");
                }
                push(decodeLong(readBytes(in, n)));
            }
            case 'B' -> push(new Py.Bytes(readBytes(in, readUInt32(in))));
            case 'C' -> push(new Py.Bytes(readBytes(in, readByte(in))));
            case 0x8c -> push(utf8(readBytes(in, readByte(in))));
            case 0x8d -> push(utf8(readBytes(in, readInt64(in))));
            case 0x8e, 0x96 -> push(new Py.Bytes(readBytes(in, readInt64(in))));
            case 0x8f -> push(new Py.PySet());
            case 0x90 -> {
                List<Object> items = popMark();
                Object top = peek();
                if (!(top instanceof Py.PySet set)) {
                    throw new PickleException("ADDITEMS onto a " + Py.typeName(top) + ", not a set");
                }
                for (Object item : items) {
                    set.add(item);
                }
                spend(items.size());
            }
            case 0x91 -> {
                Py.PySet set = new Py.PySet();
                List<Object> items = popMark();
                for (Object item : items) {
                    set.add(item);
                }
                spend(items.size());
                push(set);
            }
            case 0x92 -> {
                Object kwargs = pop();
                Object args = pop();
                Object cls = pop();
                if (!(kwargs instanceof Py.Dict d) || d.size() != 0) {
                    throw new PickleException("NEWOBJ_EX with keyword arguments is not allowed");
                }
                push(hooks.instantiate(cls, tuple(args, "NEWOBJ_EX arguments")));
            }
            case 0x93 -> {
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL needs two strings, got " + Py.typeName(module) + " and "
                            + Py.typeName(name));
                }
                push(hooks.global(m, n));
            }
            case 0x94 -> memoPut(memo.size());
            case 0x95 -> {
                long frame = readInt64(in);
                if (frame > in.remaining()) {
                    throw new PickleException("FRAME of " + frame + " bytes goes beyond the end of the pickle data ("
                            + in.remaining() + " bytes left)");
                }
            }
            case 0x97, 0x98 -> throw new PickleException("out-of-band buffers (protocol 5) are not supported");
            default -> throw new PickleException(String.format("unknown pickle opcode 0x%02x; the data is corrupt", op));
        }
        return false;
    }

    // --- stack, marks, memo

    private void spend(long units) throws PickleException {
        spent += units;
        if (spent > budget) {
            throw new PickleException("pickle builds more than " + budget
                    + " objects, far more than any state dict needs; refusing to go on");
        }
    }

    private void push(Object o) throws PickleException {
        spend(1);
        stack.add(o);
    }

    private int floor() {
        return markCount > 0 ? marks[markCount - 1] : 0;
    }

    private Object pop() throws PickleException {
        if (stack.size() <= floor()) {
            throw new PickleException("stack underflow: the opcode needs a value the pickle has not pushed");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws PickleException {
        if (stack.size() <= floor()) {
            throw new PickleException("stack underflow: the opcode needs a value the pickle has not pushed");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws PickleException {
        if (markCount == 0) {
            throw new PickleException("no MARK to pop to");
        }
        int from = marks[--markCount];
        List<Object> tail = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private void memoPut(long key) throws PickleException {
        spend(1);
        memo.put(key, peek());
    }

    private Object memoGet(long key) throws PickleException {
        Object value = memo.get(key);
        if (value == null) {
            throw new PickleException("memo key " + key + " was never stored");
        }
        return value;
    }

    private static long parseMemoKey(String line) throws PickleException {
        try {
            long key = Long.parseLong(line.trim());
            if (key >= 0) {
                return key;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PickleException("bad memo key \"" + abbreviate(line) + "\"");
    }

    // --- container checks

    private static Py.Tuple tuple(Object o, String what) throws PickleException {
        if (o instanceof Py.Tuple t) {
            return t;
        }
        throw new PickleException(what + " must be a tuple, got " + Py.typeName(o));
    }

    private static Py.PyList list(Object o, String op) throws PickleException {
        if (o instanceof Py.PyList l) {
            return l;
        }
        throw new PickleException(op + " onto a " + Py.typeName(o) + ", not a list");
    }

    private static Py.Dict dictOf(Object o, String op) throws PickleException {
        if (o instanceof Py.Dict d) {
            return d;
        }
        throw new PickleException(op + " onto a " + Py.typeName(o) + ", not a dict");
    }

    private Py.Dict dict(List<Object> items) throws PickleException {
        if (items.size() % 2 != 0) {
            throw new PickleException("DICT with an odd number of items");
        }
        Py.Dict d = new Py.Dict();
        for (int i = 0; i < items.size(); i += 2) {
            d.put(items.get(i), items.get(i + 1));
        }
        spend(items.size() / 2);
        return d;
    }

    // --- reading arguments

    private static int readByte(PickleInput in) throws IOException, PickleException {
        int b = in.read();
        if (b < 0) {
            throw new PickleException("pickle data ends inside an opcode's argument (truncated?)");
        }
        return b;
    }

    private static int readInt32(PickleInput in) throws IOException, PickleException {
        return readByte(in) | readByte(in) << 8 | readByte(in) << 16 | readByte(in) << 24;
    }

    private static long readUInt32(PickleInput in) throws IOException, PickleException {
        return readInt32(in) & 0xFFFFFFFFL;
    }

    private static long readInt64(PickleInput in) throws IOException, PickleException {
        long lo = readUInt32(in);
        long hi = readUInt32(in);
        return lo | hi << 32;
    }

    private static byte[] readBytes(PickleInput in, long n) throws IOException, PickleException {
        if (n < 0 || n > in.remaining()) {
            throw new PickleException("a length of " + Long.toUnsignedString(n) + " bytes goes beyond the end of the "
                    + "pickle data (" + in.remaining() + " bytes left)");
        }
        byte[] out = new byte[(int) n];
        in.readFully(out, 0, (int) n);
        return out;
    }

    /** A line without its newline, as Latin-1 (the text opcodes' arguments are ASCII). */
    private static String readLine(PickleInput in, String op) throws IOException, PickleException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new PickleException(op + " argument is not terminated by a newline (truncated?)");
            }
            if (b == '\n') {
                return sb.toString();
            }
            if (sb.length() == MAX_LINE) {
                throw new PickleException(op + " argument is longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) b);
        }
    }

    private static String utf8(byte[] bytes) throws PickleException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new PickleException("string is not valid UTF-8");
        }
    }

    private static Object parseInt(String text) throws PickleException {
        String t = text.trim();
        if (t.isEmpty() || t.length() > MAX_INT_DIGITS) {
            throw new PickleException("bad integer \"" + abbreviate(text) + "\"");
        }
        try {
            return normalize(new BigInteger(t.startsWith("+") ? t.substring(1) : t));
        } catch (NumberFormatException e) {
            throw new PickleException("bad integer \"" + abbreviate(text) + "\"");
        }
    }

    private static Object parseFloat(String text) throws PickleException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "inf", "+inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            default -> {
                if (t.isEmpty() || t.length() > 64 || !t.matches("[-+]?[0-9.]+(e[-+]?[0-9]+)?")) {
                    throw new PickleException("bad float \"" + abbreviate(text) + "\"");
                }
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new PickleException("bad float \"" + abbreviate(text) + "\"");
                }
            }
        }
    }

    /** Python's decode_long: little-endian two's complement. */
    private static Object decodeLong(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return normalize(new BigInteger(be));
    }

    private static Object normalize(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** The STRING opcode's argument: a quoted Python bytes literal, as codecs.escape_decode reads it. */
    private static byte[] unescapeString(String line) throws PickleException {
        if (line.length() < 2 || line.charAt(0) != line.charAt(line.length() - 1)
                || (line.charAt(0) != '\'' && line.charAt(0) != '"')) {
            throw new PickleException("the STRING opcode argument must be quoted");
        }
        String s = line.substring(1, line.length() - 1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\\' -> out.write('\\');
                case '\'' -> out.write('\'');
                case '"' -> out.write('"');
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case 'x' -> {
                    if (i + 2 >= s.length()) {
                        throw new PickleException("truncated \\x escape in STRING");
                    }
                    int hi = Character.digit(s.charAt(i + 1), 16);
                    int lo = Character.digit(s.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) {
                        throw new PickleException("bad \\x escape in STRING");
                    }
                    out.write(hi << 4 | lo);
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int digits = 1;
                        while (digits < 3 && i + 1 < s.length() && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7') {
                            v = v * 8 + (s.charAt(++i) - '0');
                            digits++;
                        }
                        out.write(v & 0xFF);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** The UNICODE opcode's argument: raw-unicode-escape (\\uXXXX, \\UXXXXXXXX, other bytes Latin-1). */
    private static String rawUnicodeEscape(String line) throws PickleException {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == 'u' || line.charAt(i + 1) == 'U')) {
                int digits = line.charAt(i + 1) == 'u' ? 4 : 8;
                if (i + 2 + digits > line.length()) {
                    throw new PickleException("truncated \\u escape in UNICODE");
                }
                int cp;
                try {
                    cp = Integer.parseUnsignedInt(line.substring(i + 2, i + 2 + digits), 16);
                } catch (NumberFormatException e) {
                    throw new PickleException("bad \\u escape in UNICODE");
                }
                if (cp > Character.MAX_CODE_POINT || cp < 0) {
                    throw new PickleException("code point out of range in UNICODE");
                }
                sb.appendCodePoint(cp);
                i += 1 + digits;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
