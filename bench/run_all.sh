#!/usr/bin/env bash
# Every benchmark at its default size, one after the other (never two at once: they share the cores).
#   bash bench/run_all.sh                 # ~1 h on 2 cores
#   bash bench/run_all.sh lifecycle years # only these
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PY:-.venv/bin/python}
ALL=(lifecycle latency deadline_burst years worker_memory ledger_scale console_import)
for name in "${@:-${ALL[@]}}"; do
    echo "=== bench.$name ($(date -u +%H:%M:%S))"
    "$PY" -m "bench.$name" || echo "=== bench.$name FAILED ($?)"
done
