-- A merge has several parents: lineage edges are keyed by (child, parent) instead of by child, and
-- carry the parent's merge weight (1 for single-parent kinds). Every existing edge is kept, with
-- weight 1.

ALTER TABLE lineage_edges ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE lineage_edges DROP CONSTRAINT lineage_edges_pkey;
ALTER TABLE lineage_edges ADD CONSTRAINT lineage_edges_pkey PRIMARY KEY (child_id, parent_id);
