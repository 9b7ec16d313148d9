#!/usr/bin/env bash
# compose.yaml: run by the postgres image once, on an empty data directory. The gateway's role owns
# database fleet (it applies the migrations) and is no superuser; the superuser stays the operator's.
set -euo pipefail
# \getenv: the password goes from the environment to psql, never onto a command line.
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres <<'SQL'
\getenv app FLEET_DB_USER
\getenv app_pw FLEET_DB_PASSWORD
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_pw';
CREATE DATABASE fleet OWNER :"app";
SQL
