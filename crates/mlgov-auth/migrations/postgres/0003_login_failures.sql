-- mlgov-auth PostgreSQL schema, version 3: failed logins counted in the database (one row per
-- account name and per client address, `mlgov_auth::limiter`), so that every server on one
-- database applies the same login limits.

CREATE TABLE auth_login_failures (
  key TEXT PRIMARY KEY,            -- 'account:<name, lower case>' or 'ip:<address>'
  window_start BIGINT NOT NULL,    -- Unix seconds of the first failure of the current window
  failures INTEGER NOT NULL CHECK (failures >= 1)
);
CREATE INDEX auth_login_failures_window ON auth_login_failures (window_start);
