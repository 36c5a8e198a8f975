-- mlgov PostgreSQL schema, version 4: change sets proposed on the shared server and reviewed before
-- they are applied (docs/data-format.md, "Proposed changes"). The proposal keeps the files as
-- submitted (JSON object: file name → CSV text), who submitted it and against which change set it
-- was prepared, the comments (JSON array), and the decision: approved (with the change set that
-- applied it) or rejected, by whom, when, why.
CREATE TABLE change_proposals (
  id BIGINT PRIMARY KEY,
  submitted_at TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  note TEXT,
  files TEXT NOT NULL,
  update_rows BIGINT NOT NULL DEFAULT 0,
  prepared_against BIGINT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_at TEXT,
  decided_by TEXT,
  decision_note TEXT,
  change_set BIGINT,
  comments TEXT NOT NULL DEFAULT '[]'
);
