package org.modelheritage.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.modelheritage.testing.Prerequisites;

/** The local PostgreSQL the multi-process tests share ({@code .ci/run} starts it): its user, connections, schemas. */
public final class TestPostgres {
    /** The test database. */
    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private TestPostgres() {
    }

    /** {@return the user the server lets in (postgres or root); skips the test, or fails it in CI, when none} */
    public static String user() {
        List<String> errors = new ArrayList<>();
        for (String candidate : List.of("postgres", "root")) {
            try (Connection c = connect(candidate)) {
                return candidate;
            } catch (SQLException e) {
                errors.add(candidate + ": " + e.getMessage());
            }
        }
        Prerequisites.missing("PostgreSQL is not reachable at " + URL + " " + errors + " (start it, e.g. with .ci/run)");
        throw new AssertionError("unreachable");
    }

    /** {@return a connection to the test database as {@code user}} */
    public static Connection connect(String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(URL, p);
    }

    /** Drops a test's schema, saying so when it cannot. */
    public static void dropSchema(String user, String schema) {
        try (Connection c = connect(user); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop " + schema + ": " + e.getMessage());
        }
    }
}
