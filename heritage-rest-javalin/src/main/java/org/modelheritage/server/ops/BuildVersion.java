package org.modelheritage.server.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build, written by Maven into {@code version.properties}: the one place it is kept. */
public final class BuildVersion {
    private static final String RESOURCE = "version.properties";
    private static final String VERSION = load();

    private BuildVersion() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " (written by the Maven build)");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            if (v.isEmpty() || v.startsWith("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by the build: " + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
