-- Blobs an upload in progress holds (a store shared by processes): no process deletes a blob while
-- another one holds it; since (epoch ms) lets a hold a dead process left run out.
CREATE TABLE blob_holds (
    sha256 TEXT NOT NULL,
    holder TEXT NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (sha256, holder)
);
