-- mlgov PostgreSQL schema, version 1: the same tables and columns as the SQLite schema
-- (crates/mlgov-store/migrations/sqlite/0001_init.sql), one table per record type of
-- docs/data-format.md. Cells are stored as the canonical text of the interchange format (NULL when
-- empty); the domain crate parses them.
-- Citations and typed references are foreign keys, DEFERRABLE so that a write transaction can say
-- `SET CONSTRAINTS ALL DEFERRED` and insert tables in any order (a locality whose parent comes
-- later, a cycle of parents). Polymorphic references (member, subject) are checked by the domain's
-- whole-base validation before any write.
-- The version table `schema_migrations` is created by the migration runner, not here.
CREATE TABLE sources (
  "id" TEXT PRIMARY KEY NOT NULL,
  "short" TEXT,
  "title" TEXT,
  "authors" TEXT,
  "year" TEXT,
  "kind" TEXT,
  "file" TEXT,
  "licence" TEXT,
  "url" TEXT
);
CREATE TABLE localities (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "country" TEXT,
  "region" TEXT,
  "parent" TEXT REFERENCES localities(id) DEFERRABLE INITIALLY IMMEDIATE,
  "anonymised" TEXT,
  "public_label" TEXT,
  "lat" TEXT,
  "lon" TEXT,
  "coord_source" TEXT REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE networks (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "acronym" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "parent" TEXT REFERENCES networks(id) DEFERRABLE INITIALLY IMMEDIATE,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE organisations (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "acronym" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "country" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE persons (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "aliases" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE events (
  "id" TEXT PRIMARY KEY NOT NULL,
  "title" TEXT,
  "kind" TEXT,
  "from" TEXT,
  "to" TEXT,
  "country" TEXT,
  "places" TEXT,
  "actors" TEXT,
  "description" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE memberships (
  "id" TEXT PRIMARY KEY NOT NULL,
  "network" TEXT REFERENCES networks(id) DEFERRABLE INITIALLY IMMEDIATE,
  "member" TEXT,
  "role" TEXT,
  "from" TEXT,
  "to" TEXT,
  "exit_reason" TEXT,
  "note" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE terms (
  "id" TEXT PRIMARY KEY NOT NULL,
  "locality" TEXT REFERENCES localities(id) DEFERRABLE INITIALLY IMMEDIATE,
  "person" TEXT REFERENCES persons(id) DEFERRABLE INITIALLY IMMEDIATE,
  "office" TEXT,
  "portfolio" TEXT,
  "party" TEXT,
  "orientation" TEXT,
  "from" TEXT,
  "to" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE affiliations (
  "id" TEXT PRIMARY KEY NOT NULL,
  "person" TEXT REFERENCES persons(id) DEFERRABLE INITIALLY IMMEDIATE,
  "organisation" TEXT,
  "role" TEXT,
  "sector" TEXT,
  "from" TEXT,
  "to" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE relations (
  "id" TEXT PRIMARY KEY NOT NULL,
  "subject" TEXT,
  "kind" TEXT,
  "object" TEXT,
  "from" TEXT,
  "to" TEXT,
  "note" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE facts (
  "id" TEXT PRIMARY KEY NOT NULL,
  "subject" TEXT,
  "property" TEXT,
  "value" TEXT,
  "qualifier" TEXT,
  "from" TEXT,
  "to" TEXT,
  "note" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE phases (
  "id" TEXT PRIMARY KEY NOT NULL,
  "locality" TEXT REFERENCES localities(id) DEFERRABLE INITIALLY IMMEDIATE,
  "label" TEXT,
  "kind" TEXT,
  "from" TEXT,
  "to" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE practices (
  "id" TEXT PRIMARY KEY NOT NULL,
  "title" TEXT,
  "policy_area" TEXT,
  "origin" TEXT REFERENCES localities(id) DEFERRABLE INITIALLY IMMEDIATE,
  "from" TEXT,
  "to" TEXT,
  "actors" TEXT,
  "description" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE TABLE adoptions (
  "id" TEXT PRIMARY KEY NOT NULL,
  "practice" TEXT REFERENCES practices(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locality" TEXT REFERENCES localities(id) DEFERRABLE INITIALLY IMMEDIATE,
  "from" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id) DEFERRABLE INITIALLY IMMEDIATE,
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
);
CREATE INDEX memberships_member ON memberships(member);
CREATE INDEX memberships_network ON memberships(network);
CREATE INDEX facts_subject ON facts(subject, property);
CREATE INDEX terms_locality ON terms(locality);
