-- mlgov PostgreSQL schema, version 2: survey datasets and their published releases
-- (docs/survey.md, "Where surveys live"). A dataset is one row: the instrument as TOML, generated
-- localities as CSV, the answers in the canonical wide CSV; a re-import replaces the row in one
-- transaction. Releases are frozen and numbered per survey; they outlive the dataset.

CREATE TABLE survey_datasets (
  "name" TEXT PRIMARY KEY NOT NULL,
  "version" BIGINT NOT NULL,
  "origin" TEXT NOT NULL CHECK (origin IN ('imported', 'synthetic', 'migrated')),
  "synthetic" BOOLEAN NOT NULL,
  "project" TEXT,
  "source_file" TEXT NOT NULL,
  "instrument_id" TEXT NOT NULL,
  "instrument_version" TEXT NOT NULL,
  "instrument_toml" TEXT NOT NULL,
  "localities_csv" TEXT NOT NULL,
  "data" TEXT NOT NULL,
  "respondents" BIGINT NOT NULL,
  "written_at" TEXT NOT NULL
);

-- The highest version ever written per name, so a re-import after a delete keeps counting up.
CREATE TABLE survey_versions (
  "name" TEXT PRIMARY KEY NOT NULL,
  "version" BIGINT NOT NULL
);

CREATE TABLE survey_releases (
  "survey" TEXT NOT NULL,
  "number" BIGINT NOT NULL CHECK (number >= 1),
  "survey_version" BIGINT NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "min_cell" BIGINT NOT NULL,
  "content" TEXT NOT NULL,
  "cell_members" TEXT NOT NULL,
  PRIMARY KEY (survey, number)
);
