-- mlgov-auth SQLite schema, version 1: accounts, projects, sessions, API tokens, audit log and
-- survey collection. Lives in the same database file as the knowledge base; its version is kept
-- in auth_schema (the knowledge base uses PRAGMA user_version). Times are Unix seconds (INTEGER)
-- or ISO 8601 UTC text ("time" of the audit log). Secrets are stored as SHA-256 hex digests,
-- passwords as argon2id PHC strings.

CREATE TABLE auth_projects (
  name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  created INTEGER NOT NULL
) STRICT;

CREATE TABLE auth_users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('admin', 'researcher', 'viewer')),
  password_hash TEXT NOT NULL,
  created INTEGER NOT NULL
) STRICT;

CREATE TABLE auth_memberships (
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  project TEXT NOT NULL REFERENCES auth_projects(name) ON DELETE CASCADE,
  PRIMARY KEY (user_id, project)
) STRICT;

CREATE TABLE auth_sessions (
  id_hash TEXT PRIMARY KEY NOT NULL,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL
) STRICT;
CREATE INDEX auth_sessions_expires ON auth_sessions(expires);

CREATE TABLE auth_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER
) STRICT;

CREATE TABLE auth_audit (
  id INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL
) STRICT;

CREATE TABLE survey_collections (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  instrument TEXT NOT NULL,
  project TEXT NOT NULL REFERENCES auth_projects(name),
  created INTEGER NOT NULL
) STRICT;

CREATE TABLE survey_invitations (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES survey_collections(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  locality TEXT,
  created INTEGER NOT NULL,
  started INTEGER,
  submitted INTEGER
) STRICT;

CREATE TABLE survey_raw_answers (
  survey_id INTEGER NOT NULL REFERENCES survey_collections(id) ON DELETE CASCADE,
  invitation_id INTEGER NOT NULL REFERENCES survey_invitations(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  period TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (invitation_id, item, period)
) STRICT;
