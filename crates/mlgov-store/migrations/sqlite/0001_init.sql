-- mlgov SQLite schema, version 1: one table per record type of docs/data-format.md.
-- Cells are stored as the canonical text of the interchange format (NULL when empty); the domain
-- crate parses them.
-- Citations and typed references are foreign keys; polymorphic references (member, subject)
-- are checked by the domain's whole-base validation before any write.

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
) STRICT;
CREATE TABLE localities (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "country" TEXT,
  "region" TEXT,
  "parent" TEXT REFERENCES localities(id),
  "anonymised" TEXT,
  "public_label" TEXT,
  "lat" TEXT,
  "lon" TEXT,
  "coord_source" TEXT REFERENCES sources(id),
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE networks (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "acronym" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "parent" TEXT REFERENCES networks(id),
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE organisations (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "acronym" TEXT,
  "aliases" TEXT,
  "kind" TEXT,
  "country" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE persons (
  "id" TEXT PRIMARY KEY NOT NULL,
  "name" TEXT,
  "aliases" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
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
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE memberships (
  "id" TEXT PRIMARY KEY NOT NULL,
  "network" TEXT REFERENCES networks(id),
  "member" TEXT,
  "role" TEXT,
  "from" TEXT,
  "to" TEXT,
  "exit_reason" TEXT,
  "note" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE terms (
  "id" TEXT PRIMARY KEY NOT NULL,
  "locality" TEXT REFERENCES localities(id),
  "person" TEXT REFERENCES persons(id),
  "office" TEXT,
  "portfolio" TEXT,
  "party" TEXT,
  "orientation" TEXT,
  "from" TEXT,
  "to" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE affiliations (
  "id" TEXT PRIMARY KEY NOT NULL,
  "person" TEXT REFERENCES persons(id),
  "organisation" TEXT,
  "role" TEXT,
  "sector" TEXT,
  "from" TEXT,
  "to" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE relations (
  "id" TEXT PRIMARY KEY NOT NULL,
  "subject" TEXT,
  "kind" TEXT,
  "object" TEXT,
  "from" TEXT,
  "to" TEXT,
  "note" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE facts (
  "id" TEXT PRIMARY KEY NOT NULL,
  "subject" TEXT,
  "property" TEXT,
  "value" TEXT,
  "qualifier" TEXT,
  "from" TEXT,
  "to" TEXT,
  "note" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE phases (
  "id" TEXT PRIMARY KEY NOT NULL,
  "locality" TEXT REFERENCES localities(id),
  "label" TEXT,
  "kind" TEXT,
  "from" TEXT,
  "to" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE practices (
  "id" TEXT PRIMARY KEY NOT NULL,
  "title" TEXT,
  "policy_area" TEXT,
  "origin" TEXT REFERENCES localities(id),
  "from" TEXT,
  "to" TEXT,
  "actors" TEXT,
  "description" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE TABLE adoptions (
  "id" TEXT PRIMARY KEY NOT NULL,
  "practice" TEXT REFERENCES practices(id),
  "locality" TEXT REFERENCES localities(id),
  "from" TEXT,
  "source" TEXT NOT NULL REFERENCES sources(id),
  "locator" TEXT NOT NULL CHECK (length("locator") > 0)
) STRICT;
CREATE INDEX memberships_member ON memberships(member);
CREATE INDEX memberships_network ON memberships(network);
CREATE INDEX facts_subject ON facts(subject, property);
CREATE INDEX terms_locality ON terms(locality);
