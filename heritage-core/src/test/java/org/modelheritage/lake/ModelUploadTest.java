package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.modelheritage.store.ModelFile;

class ModelUploadTest {
    static final String A = "a".repeat(64);
    static final String B = "b".repeat(64);

    @Test
    void oneFileIsItsOwnChecksum() {
        assertEquals(A, ModelUpload.checksum(List.of(new ModelFile("m.safetensors", A, 10))));
    }

    @Test
    void severalFilesHashTheirSortedManifestWhateverTheOrder() {
        String ab = ModelUpload.checksum(List.of(new ModelFile("x", A, 1), new ModelFile("y", B, 1)));
        String ba = ModelUpload.checksum(List.of(new ModelFile("y", B, 1), new ModelFile("x", A, 1)));
        assertEquals(ab, ba);
        assertEquals(64, ab.length());
        assertNotEquals(ab, ModelUpload.checksum(List.of(new ModelFile("x", B, 1), new ModelFile("y", A, 1))));
    }

    @Test
    void fileNamesLoseTheirPathAndUnsafeOnesAreRefused() {
        assertEquals("model.pt", ModelUpload.cleanFileName("C:\\Users\\me\\model.pt"));
        assertEquals("model.pt", ModelUpload.cleanFileName("../../model.pt"));
        assertThrows(InvalidModelException.class, () -> ModelUpload.cleanFileName(".."));
        assertThrows(InvalidModelException.class, () -> ModelUpload.cleanFileName("dir/"));
        assertThrows(InvalidModelException.class, () -> ModelUpload.cleanFileName("a\u0000b"));
        assertThrows(InvalidModelException.class, () -> ModelUpload.cleanFileName(null));
    }

    @Test
    void textFieldsWithControlCharactersOrLoneSurrogatesAreRefused() {
        for (String bad : List.of("a\u0000b", "\u0007", "x\u001by", "\u007f", "\u0085", "lone\ud800", "\udc00x")) {
            assertThrows(InvalidModelException.class, () -> ModelUpload.checkText("name", bad, false), bad);
            assertThrows(InvalidModelException.class, () -> ModelUpload.checkText("description", bad, true), bad);
        }
        assertThrows(InvalidModelException.class, () -> ModelUpload.checkText("name", "a\nb", false));
        ModelUpload.checkText("description", "line\r\n\tnext", true);
        ModelUpload.checkText("name", "emoji \ud83d\ude00 ü", false);
    }
}
