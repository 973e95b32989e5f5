-- A merge has several parents: lineage edges are keyed by (child, parent) instead of by child, and
-- carry the parent's merge weight (1 for single-parent kinds). SQLite cannot change a primary key
-- in place, so the table is rebuilt; every existing edge is kept, with weight 1.

CREATE TABLE lineage_edges_v2 (
    child_id   TEXT NOT NULL REFERENCES models (id),
    parent_id  TEXT NOT NULL REFERENCES models (id),
    family_id  TEXT NOT NULL REFERENCES families (id),
    confidence REAL NOT NULL,
    kind       TEXT NOT NULL,
    weight     REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (child_id, parent_id)
);
INSERT INTO lineage_edges_v2 (child_id, parent_id, family_id, confidence, kind, weight)
    SELECT child_id, parent_id, family_id, confidence, kind, 1 FROM lineage_edges;
DROP TABLE lineage_edges;
ALTER TABLE lineage_edges_v2 RENAME TO lineage_edges;
CREATE INDEX lineage_edges_family ON lineage_edges (family_id);
CREATE INDEX lineage_edges_parent ON lineage_edges (parent_id);
