#!/bin/sh
# Runs once, when the postgres volume is first initialised (docker-entrypoint-initdb.d):
# a role for Temporal (it creates and owns the `temporal` and `temporal_visibility`
# databases through temporal-sql-tool) and a role and database for the Huiyin ledger.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v temporal_password="$TEMPORAL_DB_PASSWORD" -v huiyin_password="$HUIYIN_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
CREATE ROLE huiyin LOGIN PASSWORD :'huiyin_password';
CREATE DATABASE huiyin OWNER huiyin ENCODING 'UTF8' TEMPLATE template0;
SQL
