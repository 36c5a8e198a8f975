-- mlgov SQLite schema, version 2: survey datasets and their published releases
-- (docs/survey.md, "Where surveys live"). A dataset is one row: the instrument as TOML, generated
-- localities as CSV, the answers in the canonical wide CSV; a re-import replaces the row in one
-- transaction. Releases are frozen and numbered per survey; they outlive the dataset.

CREATE TABLE survey_datasets (
  "name" TEXT PRIMARY KEY NOT NULL,
  "version" INTEGER NOT NULL,
  "origin" TEXT NOT NULL CHECK (origin IN ('imported', 'synthetic', 'migrated')),
  "synthetic" INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
  "project" TEXT,
  "source_file" TEXT NOT NULL,
  "instrument_id" TEXT NOT NULL,
  "instrument_version" TEXT NOT NULL,
  "instrument_toml" TEXT NOT NULL,
  "localities_csv" TEXT NOT NULL,
  "data" TEXT NOT NULL,
  "respondents" INTEGER NOT NULL,
  "written_at" TEXT NOT NULL
) STRICT;

-- The highest version ever written per name, so a re-import after a delete keeps counting up.
CREATE TABLE survey_versions (
  "name" TEXT PRIMARY KEY NOT NULL,
  "version" INTEGER NOT NULL
) STRICT;

CREATE TABLE survey_releases (
  "survey" TEXT NOT NULL,
  "number" INTEGER NOT NULL CHECK (number >= 1),
  "survey_version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "min_cell" INTEGER NOT NULL,
  "content" TEXT NOT NULL,
  "cell_members" TEXT NOT NULL,
  PRIMARY KEY (survey, number)
) STRICT;
