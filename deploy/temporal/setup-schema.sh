#!/bin/sh
# One-shot (temporalio/admin-tools): create the Temporal databases if missing and bring
# both schemas up to this server version. Safe to run on every `docker compose up`:
# that is how a server upgrade gets its schema changes (update-schema is idempotent).
set -eu

: "${SQL_HOST:?}" "${SQL_PORT:?}" "${SQL_USER:?}" "${SQL_PASSWORD:?}"
export SQL_PASSWORD
SCHEMA=/etc/temporal/schema/postgresql/v12

sql() { temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$@"; }

for db in temporal temporal_visibility; do
    case $db in temporal) dir=temporal ;; *) dir=visibility ;; esac
    echo "setup-schema: $db"
    sql "$db" create 2>/dev/null || echo "  database $db exists"
    sql "$db" setup-schema -v 0.0 2>/dev/null || echo "  schema of $db already set up"
    sql "$db" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "setup-schema: done"
