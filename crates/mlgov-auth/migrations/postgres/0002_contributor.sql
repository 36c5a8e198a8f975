-- mlgov-auth PostgreSQL schema, version 2: the contributor role (proposes knowledge-base
-- changes, below researcher).

ALTER TABLE auth_users DROP CONSTRAINT auth_users_role_check;
ALTER TABLE auth_users ADD CONSTRAINT auth_users_role_check CHECK (role IN ('admin', 'researcher', 'contributor', 'viewer'));
