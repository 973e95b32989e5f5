package org.modelheritage.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdsTest {
    /** The rules as regular expressions: the reference the hand-written checks must agree with. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    @Test
    void idsAndHashesAreCheckedAsTheirPatternsSay() {
        Random rng = new Random(1);
        String alphabet = "aZ09_.-/ é\u0000Fx";
        for (int trial = 0; trial < 20_000; trial++) {
            int length = trial % 50 == 0 ? 120 + rng.nextInt(20) : rng.nextInt(8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(rng.nextInt(trial % 3 == 0 ? 5 : alphabet.length())));
            }
            String s = sb.toString();
            boolean valid = ID.matcher(s).matches();
            if (valid) {
                assertEquals(s, Ids.requireId(s, "id"));
            } else {
                assertThrows(IllegalArgumentException.class, () -> Ids.requireId(s, "id"), s);
            }
        }
        for (int trial = 0; trial < 5_000; trial++) {
            StringBuilder sb = new StringBuilder();
            int length = trial % 4 == 0 ? 63 + rng.nextInt(3) : 64;
            for (int i = 0; i < length; i++) {
                sb.append("0123456789abcdefAG".charAt(rng.nextInt(trial % 2 == 0 ? 16 : 18)));
            }
            assertEquals(SHA256.matcher(sb).matches(), Ids.isSha256(sb.toString()), sb.toString());
        }
        assertEquals(false, Ids.isSha256(null));
        assertThrows(IllegalArgumentException.class, () -> Ids.requireId(null, "id"));
        assertEquals(null, Ids.optionalId(null, "id"));
    }
}
