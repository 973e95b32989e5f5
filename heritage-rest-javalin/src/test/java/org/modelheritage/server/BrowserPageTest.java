package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What every test of the pages in headless Chromium shares: one server and one browser per class
 * (a subclass's {@code @BeforeAll} starts them, leaving both null when Chromium is missing), each
 * test skipped (failed under CI=true) without a browser, the console checked free of errors after
 * each test, both closed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserPageTest {
    TestServer s;
    Browser b;
    String base;

    @BeforeEach
    void requireBrowser() {
        Browser.assumeInstalled();
    }

    /** Whatever a test did, the browser console must have stayed free of errors. */
    @AfterEach
    void consoleStayedClean() {
        if (b != null) {
            assertEquals(List.of(), b.takeConsoleErrors(), "errors in the browser console");
        }
    }

    @AfterAll
    void stop() {
        try {
            if (b != null) {
                b.close();
            }
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }
}
