-- mlgov-auth SQLite schema, version 2: the contributor role (proposes knowledge-base changes,
-- below researcher). SQLite cannot alter a CHECK constraint, so auth_users is rebuilt (the
-- documented 12-step procedure); the caller turns foreign keys off around this transaction so
-- that dropping the old table does not cascade to sessions, tokens and memberships, and checks
-- them (PRAGMA foreign_key_check) before committing.

CREATE TABLE auth_users_v2 (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('admin', 'researcher', 'contributor', 'viewer')),
  password_hash TEXT NOT NULL,
  created INTEGER NOT NULL
) STRICT;
INSERT INTO auth_users_v2 (id, username, role, password_hash, created)
  SELECT id, username, role, password_hash, created FROM auth_users;
DROP TABLE auth_users;
ALTER TABLE auth_users_v2 RENAME TO auth_users;
