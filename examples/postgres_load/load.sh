#!/usr/bin/env bash
# A task as an orchestrator runs it: it knows nothing of pgbridge, only AIRFLOW_CONN_PG_TARGET,
# a URI that libpq (psql, psycopg) and Airflow read alike. It writes 20 rows into public.load_demo.
set -euo pipefail
: "${AIRFLOW_CONN_PG_TARGET:?AIRFLOW_CONN_PG_TARGET is not set: run me with 'pgbridge run --conn pg_target -- …'}"
batch="${1:-batch-$(date +%s)}"

psql "$AIRFLOW_CONN_PG_TARGET" --no-psqlrc --quiet --set ON_ERROR_STOP=1 --set batch="$batch" <<'SQL'
BEGIN;
CREATE TABLE IF NOT EXISTS public.load_demo (
    batch    text        NOT NULL,
    n        integer     NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (batch, n)
);
INSERT INTO public.load_demo (batch, n) SELECT :'batch', g FROM generate_series(1, 20) g;
COMMIT;
SQL
echo "loaded 20 rows into public.load_demo (batch $batch)"
