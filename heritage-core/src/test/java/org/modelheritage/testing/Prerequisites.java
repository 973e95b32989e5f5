package org.modelheritage.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test may do when something it needs from outside the build is missing (the development
 * corpus, a PostgreSQL server, Chromium): on a developer's machine it skips with a message that
 * says what is missing and how to provide it; under {@code CI=true} (set by {@code .ci/run} and
 * by CI services) it fails with that message, so that CI can never pass by skipping. Only the
 * absence of such a thing may skip: an error from the project's own code always fails.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** True under {@code CI=true}. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test (or, under {@code CI=true}, fails it) because {@code what} is missing.
     *
     * @param what what is missing, where it was looked for, and how to provide it
     */
    public static void missing(String what) {
        if (inCi()) {
            fail("CI=true, so this test may not skip: " + what);
        }
        // Surefire counts a skip in @BeforeAll or in a @TestFactory as no test at all, without
        // the message: say it on the console as well, where the build log shows it.
        System.err.println("[skipped] " + what);
        Assumptions.abort("skipped: " + what);
    }

    /** {@link #missing(String)} unless {@code present}. */
    public static void require(boolean present, String whatIsMissing) {
        if (!present) {
            missing(whatIsMissing);
        }
    }
}
