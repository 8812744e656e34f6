#!/usr/bin/env bash
# `make run-team`: one app process per port given, all on the database in $ARMS_DB (set by
# tools/pg_cluster.py). Ctrl-C stops them, then the cluster.
set -uo pipefail
cd "$(dirname "$0")/.."
pids=()
stop() { kill "${pids[@]}" 2>/dev/null; wait; }
trap stop EXIT INT TERM
for port in "$@"; do
  ARMS_DB="$ARMS_DB" .venv/bin/streamlit run app.py --server.headless true \
    --server.address 127.0.0.1 --server.port "$port" &
  pids+=($!)
  echo "[run-team] app process $((${#pids[@]})) on http://127.0.0.1:$port (store: $ARMS_DB)"
done
echo "[run-team] upload a file on one, watch it appear on the other; Ctrl-C stops everything"
wait
