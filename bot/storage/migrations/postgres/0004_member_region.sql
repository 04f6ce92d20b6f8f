-- The region a member chose in /quickcheck, so their own emergency numbers beat the server's.
ALTER TABLE members ADD COLUMN region TEXT;
