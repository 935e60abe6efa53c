-- Least privilege for a team desk on PostgreSQL (see the README's team-mode section).
-- Run as a superuser (or a role with CREATEROLE) in the desk's database, after the owner
-- has created the schema with `deskapp migrate`. :owner and :reps are psql variables:
--   psql -v owner=deskapp_owner -v reps=deskapp_reps -d desk -f docs/team-roles.sql
-- The owner role owns the tables and runs migrations; reps connect as members of the reps role,
-- which can read and write rows but, not owning the tables, cannot drop or disable the
-- append-only triggers, truncate a table, or change the schema.
CREATE ROLE :"reps" NOLOGIN;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"reps";
GRANT USAGE ON SCHEMA public TO :"reps";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"reps";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"reps";
-- Tables and sequences a later migration adds (run by the owner) are granted the same way.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"reps";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"reps";
-- Then one login per rep:  CREATE ROLE anna LOGIN PASSWORD '…' IN ROLE deskapp_reps;
