package org.modelheritage.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** What a missing prerequisite does depends on CI=true; the build runs this test both ways (.ci/run and plain mvn). */
class PrerequisitesTest {
    private static final String EXAMPLE = "nothing (PrerequisitesTest's example of a missing prerequisite)";

    @Test
    void aMissingPrerequisiteSkipsOutsideCiAndFailsUnderIt() {
        Throwable t = assertThrows(Throwable.class, () -> Prerequisites.missing(EXAMPLE));
        assertEquals("true".equalsIgnoreCase(System.getenv("CI")), Prerequisites.inCi());
        Class<? extends Throwable> expected = Prerequisites.inCi() ? AssertionFailedError.class : TestAbortedException.class;
        assertInstanceOf(expected, t);
        assertTrue(t.getMessage().contains(EXAMPLE), t.getMessage());
    }

    @Test
    void aPresentPrerequisiteDoesNothing() {
        Prerequisites.require(true, "never said");
    }

    @Test
    void aCorpusWithoutTheSubsetIsBrokenNotAbsent() {
        // with the corpus present, a missing subset fails whatever CI says; without it, the
        // missing corpus decides (skip, or fail under CI=true)
        Throwable t = assertThrows(Throwable.class, () -> SharedCorpus.subset("no-such-subset"));
        if (SharedCorpus.available()) {
            assertInstanceOf(AssertionFailedError.class, t);
            assertTrue(t.getMessage().contains("no subset no-such-subset"), t.getMessage());
        }
    }
}
