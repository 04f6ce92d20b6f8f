-- A claim is leased to the process that made it (lease_owner) until lease_until (unix seconds);
-- the dispatcher renews its leases while it works on them. Another process resends a claim
-- only once its lease has expired, and recording how a delivery ended checks the owner.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until BIGINT;
CREATE INDEX deliveries_leases ON deliveries (lease_until) WHERE state = 'claimed';
