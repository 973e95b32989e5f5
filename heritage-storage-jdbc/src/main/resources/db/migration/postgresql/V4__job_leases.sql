-- Jobs claimed under a lease: the worker that holds a RUNNING job and until when (epoch ms). A
-- live worker renews its lease; a job whose lease ran out (its process died) is taken over by
-- another process's worker.
ALTER TABLE jobs ADD COLUMN owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until BIGINT;
CREATE INDEX jobs_owner ON jobs (owner) WHERE owner IS NOT NULL;
