-- mlgov PostgreSQL schema, version 3: statements keep their past (docs/data-format.md, "Versions and
-- change sets"). Every write is a change set (when, by whom, what kind); every current row records
-- the change set that wrote it ("_cs"); a correction or a retraction moves the row it replaces into
-- record_history (its cells as a JSON object, the change set that opened and the one that closed
-- it, why), so the base as recorded at any moment can be read back.
CREATE TABLE change_sets (
  id BIGINT PRIMARY KEY,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  kind TEXT NOT NULL,
  note TEXT
);
CREATE TABLE record_history (
  table_name TEXT NOT NULL,
  id TEXT NOT NULL,
  cells TEXT NOT NULL,
  opened BIGINT NOT NULL,
  closed BIGINT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('correct', 'retract')),
  reason TEXT,
  PRIMARY KEY (id, opened)
);
CREATE INDEX record_history_by_closed ON record_history (table_name, opened, closed);
ALTER TABLE sources ADD COLUMN "_cs" BIGINT;
ALTER TABLE localities ADD COLUMN "_cs" BIGINT;
ALTER TABLE networks ADD COLUMN "_cs" BIGINT;
ALTER TABLE organisations ADD COLUMN "_cs" BIGINT;
ALTER TABLE persons ADD COLUMN "_cs" BIGINT;
ALTER TABLE events ADD COLUMN "_cs" BIGINT;
ALTER TABLE memberships ADD COLUMN "_cs" BIGINT;
ALTER TABLE terms ADD COLUMN "_cs" BIGINT;
ALTER TABLE affiliations ADD COLUMN "_cs" BIGINT;
ALTER TABLE relations ADD COLUMN "_cs" BIGINT;
ALTER TABLE facts ADD COLUMN "_cs" BIGINT;
ALTER TABLE phases ADD COLUMN "_cs" BIGINT;
ALTER TABLE practices ADD COLUMN "_cs" BIGINT;
ALTER TABLE adoptions ADD COLUMN "_cs" BIGINT;
-- A base written before versions were kept: one change set holds all of it.
INSERT INTO change_sets (id, recorded_at, recorded_by, kind, note)
  SELECT 1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'migration', 'migration', 'recorded before mlgov kept versions (schema 3)'
  WHERE EXISTS (SELECT 1 FROM sources);
UPDATE sources SET "_cs" = 1; UPDATE localities SET "_cs" = 1; UPDATE networks SET "_cs" = 1;
UPDATE organisations SET "_cs" = 1; UPDATE persons SET "_cs" = 1; UPDATE events SET "_cs" = 1;
UPDATE memberships SET "_cs" = 1; UPDATE terms SET "_cs" = 1; UPDATE affiliations SET "_cs" = 1;
UPDATE relations SET "_cs" = 1; UPDATE facts SET "_cs" = 1; UPDATE phases SET "_cs" = 1;
UPDATE practices SET "_cs" = 1; UPDATE adoptions SET "_cs" = 1;
