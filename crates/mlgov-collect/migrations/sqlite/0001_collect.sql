-- mlgov-collect SQLite schema, version 1: surveys being collected, their single-use invitations
-- and the answers saved through them. Lives in the same database file as the knowledge base and
-- the auth tables (a survey belongs to a project of auth_projects); its version is kept in
-- collect_schema. Times are Unix seconds. Invitation tokens are stored as SHA-256 hex digests.
--
-- These tables were created by mlgov-auth's migration 1 before survey collection became a crate
-- of its own; that migration is left as it was applied, so a database migrated by it already has
-- them, with their data, and the statements below change nothing there (IF NOT EXISTS, same
-- definitions). From this version on, only mlgov-collect changes them.

CREATE TABLE IF NOT EXISTS survey_collections (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  instrument TEXT NOT NULL,
  project TEXT NOT NULL REFERENCES auth_projects(name),
  created INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS survey_invitations (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES survey_collections(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  locality TEXT,
  created INTEGER NOT NULL,
  started INTEGER,
  submitted INTEGER
) STRICT;

CREATE TABLE IF NOT EXISTS survey_raw_answers (
  survey_id INTEGER NOT NULL REFERENCES survey_collections(id) ON DELETE CASCADE,
  invitation_id INTEGER NOT NULL REFERENCES survey_invitations(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  period TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (invitation_id, item, period)
) STRICT;
