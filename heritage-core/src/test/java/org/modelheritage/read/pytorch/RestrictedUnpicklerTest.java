package org.modelheritage.read.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.read.pickle.PickleInput;
import org.modelheritage.read.pickle.Py;
import org.modelheritage.read.pickle.RestrictedUnpickler;
import org.modelheritage.testing.Fixtures;
import org.modelheritage.testing.PickleWriter;

/**
 * The unpickler against pickles CPython wrote with every protocol (0 to 5) of the same plain
 * values, so text opcodes, binary ones, memo variants, frames, sets and bytearrays are all
 * exercised; and a few hand-made pickles for what CPython does not write.
 */
class RestrictedUnpicklerTest {
    private static Object load(byte[] pickle) throws IOException {
        return new RestrictedUnpickler(new TorchPickleHooks(TorchPickleHooks.Flavor.ZIP), Path.of("test.pkl"))
                .load(PickleInput.of(pickle), "test");
    }

    @Test
    void everyProtocolBuildsTheSameValues() throws IOException {
        for (int protocol = 0; protocol <= 5; protocol++) {
            Path file = Fixtures.path("plain-protocol-" + protocol + ".pkl");
            Py.Dict d = (Py.Dict) load(Files.readAllBytes(file));
            String p = "protocol " + protocol;
            assertEquals(1L, d.get("int"), p);
            assertEquals(BigInteger.TWO.pow(70), d.get("big"), p);
            assertEquals(-5L, d.get("neg"), p);
            assertEquals(-(1L << 40), d.get("long"), p);
            assertEquals(1.5, d.get("float"), p);
            assertEquals("h\u00e9llo\n'\"\\", d.get("str"), p);
            assertArrayEquals(new byte[] {0, (byte) 0xFF, '\''}, ((Py.Bytes) d.get("bytes")).data(), p);
            assertArrayEquals("ab".getBytes(StandardCharsets.US_ASCII), ((Py.Bytes) d.get("bytearray")).data(), p);
            Py.PyList list = (Py.PyList) d.get("list");
            assertEquals(1L, list.items().get(0));
            assertEquals(List.of(2L), ((Py.PyList) list.items().get(1)).items());
            assertEquals(List.of(1L, 2L, 3L), ((Py.Tuple) d.get("tuple")).items(), p);
            assertEquals(List.of(4L), ((Py.PySet) d.get("set")).items(), p);
            assertEquals(List.of(5L), ((Py.PySet) d.get("frozenset")).items(), p);
            assertSame(Py.NONE, d.get("none"), p);
            assertEquals(Boolean.TRUE, d.get("true"), p);
            assertEquals(Boolean.FALSE, d.get("false"), p);
            Py.Tuple shared = (Py.Tuple) d.get("shared");
            assertSame(shared.get(0), shared.get(1), p + ": the memo keeps one object for a shared reference");
            Py.Dict inner = (Py.Dict) d.get("dict");
            assertEquals("one", inner.get(1L), p);
            assertEquals(2, inner.size(), p);
            assertTrue(inner.key(1) instanceof Py.Tuple, p + ": tuple keys are kept");
        }
    }

    @Test
    void protocolZeroTextOpcodes() throws IOException {
        // INT as bool, LONG with L, STRING with escapes, FLOAT specials, PUT/GET, DICT, POP, POP_MARK, DUP
        String text = "(dp0\nS'a\\x41\\n\\'\\101'\np1\nI01\nsS'f'\nF-inf\nsS'l'\nL123456789012345678901234567890L\n"
                + "sg1\nI00\ns(I5\n1I6\n200.";
        Object v = load(PickleWriter.bare().raw(text.getBytes(StandardCharsets.ISO_8859_1)).bytes());
        Py.Dict d = (Py.Dict) v;
        assertEquals(Boolean.FALSE, d.get("aA\n'A"), "a key set twice keeps the last value");
        assertEquals(Double.NEGATIVE_INFINITY, d.get("f"));
        assertEquals(new BigInteger("123456789012345678901234567890"), d.get("l"));
        assertEquals(3, d.size());
    }

    @Test
    void unicodeRawEscapeAndNewObj() throws IOException {
        Object s = load(PickleWriter.bare().raw("V\\u00e9\\U0001F600x\n.".getBytes(StandardCharsets.ISO_8859_1)).bytes());
        assertEquals("\u00e9\uD83D\uDE00x", s);
        Object od = load(new PickleWriter().global("collections", "OrderedDict").op(')').op(0x81).stop().bytes());
        assertTrue(od instanceof Py.Dict);
        WeightFormatException e = assertThrows(WeightFormatException.class,
                () -> load(new PickleWriter().global("torch", "Tensor").op(')').op(0x81).stop().bytes()));
        assertTrue(e.getMessage().contains("instantiating torch.Tensor is not allowed"), e.getMessage());
        WeightFormatException inst = assertThrows(WeightFormatException.class,
                () -> load(PickleWriter.bare().raw("(ios\nsystem\n.".getBytes(StandardCharsets.US_ASCII)).bytes()));
        assertTrue(inst.getMessage().contains("refused pickle global os.system"), inst.getMessage());
        assertEquals("test, pickle byte 1 (opcode INST)", inst.location());
    }
}
