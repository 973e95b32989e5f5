package org.modelheritage.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.TestModels;

/**
 * A lake written by the first schema (one lineage edge per child, no weight), for the migration
 * tests: the schema migrated only to version 1, then a family r → a, a → c filled in by plain SQL.
 */
final class VersionOneData {
    private VersionOneData() {
    }

    static void create(String url, String user, String location, String schema) throws SQLException {
        var config = Flyway.configure(VersionOneData.class.getClassLoader()).dataSource(url, user, null)
                .locations(location).target("1");
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema);
        }
        config.load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, null); Statement s = c.createStatement()) {
            if (schema != null) {
                s.execute("SET search_path TO " + schema);
            }
            s.execute("INSERT INTO families (id, structural_hash, root_model_id) VALUES ('fam', 'h', NULL)");
            for (String id : List.of("r", "a", "c")) {
                s.execute("INSERT INTO models (id, name, name_key, checksum, byte_size, family_id, status, created_at) "
                        + "VALUES ('" + id + "', '" + id + "', '" + id + "', '" + TestModels.sha("model:" + id)
                        + "', 1000, 'fam', 'READY', 0)");
            }
            s.execute("UPDATE families SET root_model_id = 'r'");
            s.execute("UPDATE models SET parent_id = 'r', confidence = 0.5 WHERE id = 'a'");
            s.execute("UPDATE models SET parent_id = 'a', confidence = 0.25 WHERE id = 'c'");
            s.execute("INSERT INTO lineage_edges (child_id, parent_id, family_id, confidence, kind) "
                    + "VALUES ('a', 'r', 'fam', 0.5, 'FINE_TUNE')");
            s.execute("INSERT INTO lineage_edges (child_id, parent_id, family_id, confidence, kind) "
                    + "VALUES ('c', 'a', 'fam', 0.25, 'DUPLICATE')");
        }
    }

    /** The store opened over that data: the edges kept with weight 1, and room for a merge now. */
    static void assertMigrated(MetadataStore store) {
        assertEquals(List.of(new LineageEdge("a", "c", 0.25, EdgeKind.DUPLICATE, 1.0),
                new LineageEdge("r", "a", 0.5, EdgeKind.FINE_TUNE, 1.0)), store.lineage("fam"));
        assertEquals("a", store.model("c").orElseThrow().parentId());
        List<LineageEdge> merge = List.of(new LineageEdge("a", "c", 0.75, EdgeKind.MERGE, 0.5),
                new LineageEdge("r", "a", 0.5, EdgeKind.FINE_TUNE),
                new LineageEdge("r", "c", 0.625, EdgeKind.MERGE, 0.5));
        store.apply(ChangeSet.builder().replaceLineage("fam", merge).build());
        assertEquals(merge, store.lineage("fam"));
        assertEquals("a", store.model("c").orElseThrow().parentId());
        assertThrows(IllegalArgumentException.class, () -> new LineageEdge("a", "c", 0.75, EdgeKind.MERGE, 2));
    }
}
