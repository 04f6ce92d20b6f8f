-- A claim is leased to the process that made it (lease_owner) until lease_until (unix seconds).
-- With SQLite one process owns the file, so at start every claim a crashed process left is
-- taken over at once; the columns keep the ledger's SQL the same as on PostgreSQL.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
CREATE INDEX deliveries_leases ON deliveries (lease_until) WHERE state = 'claimed';
