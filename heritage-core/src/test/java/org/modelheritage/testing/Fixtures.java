package org.modelheritage.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The reader fixtures in {@code heritage-core/src/test/resources/fixtures} (made by real PyTorch
 * with {@code make_fixtures.py}), as paths on disk, from any module's tests.
 */
public final class Fixtures {
    private static final String RELATIVE = "heritage-core/src/test/resources/fixtures";

    private Fixtures() {
    }

    /** The fixtures folder. */
    public static Path dir() {
        URL url = Fixtures.class.getResource("/fixtures/expected.json");
        if (url != null && "file".equals(url.getProtocol())) {
            try {
                return Paths.get(url.toURI()).getParent();
            } catch (URISyntaxException e) {
                // fall through to the source tree
            }
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find " + RELATIVE + " above " + Paths.get("").toAbsolutePath());
    }

    /** One fixture file (or the "sharded" directory). */
    public static Path path(String name) {
        return dir().resolve(name);
    }
}
