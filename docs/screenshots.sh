#!/usr/bin/env bash
# Reproduce the Dagster UI screenshots of the README (not run by the tests):
#   docs/ui-asset-graph.png    the asset graph after a run of sample_data
#   docs/ui-failed-check.png   the checks of `normalised`, with phone_validity failed on purpose
# Needs Debian's chromium (apt-get install -y chromium). Works on a temporary copy of
# sample_data whose phone numbers are cut short, with its own DAGSTER_HOME and SQLite target.
# Usage: docs/screenshots.sh   (PYTHON=… and CHROMIUM=… override the defaults)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
CHROMIUM=${CHROMIUM:-chromium}
WORK=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cp -r "$ROOT/sample_data" "$WORK/data"
rm -f "$WORK/data/crm.db"
# The failed check: every phone of the two CSV sources becomes 4 digits, so fewer than 80 % are valid.
"$PY" - "$WORK/data" <<'EOF'
import csv, sys
from pathlib import Path
for name, encoding, sep in (("kontragenty_1c.csv", "cp1251", ";"), ("contacts.csv", "utf-8-sig", ",")):
    path = Path(sys.argv[1]) / name
    rows = list(csv.reader(path.open(encoding=encoding, newline=""), delimiter=sep))
    phone = rows[0].index("Телефон")
    for row in rows[1:]:
        if row[phone].strip():
            row[phone] = "12-34"
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=sep).writerows(rows)
EOF

export DAGSTER_HOME=$WORK/home CRM_MIGRATE_CONFIG=$WORK/data/migration.yaml PYTHONPATH=$ROOT
"$PY" -c "from pipelines.instance import ensure_dagster_home; ensure_dagster_home()"
"$PY" -c "import sys; from cli.main import main; sys.exit(main(['run', '--config', sys.argv[1]]))" \
    "$CRM_MIGRATE_CONFIG" >/dev/null

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$ROOT" && exec "$(dirname "$PY")/dagster-webserver" -w workspace.yaml -h 127.0.0.1 -p "$PORT") \
    >"$WORK/webserver.log" 2>&1 &
SERVER=$!
# Ready when the code location is loaded (server_info answers earlier): its assets are listed.
for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
        -d '{"query": "{ assetNodes { id } }"}' 2>/dev/null | grep -q normalised && break
    sleep 1
done

shot() {  # URL FILE
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$WORK")" --window-size=1600,1000 --hide-scrollbars \
        --virtual-time-budget=30000 --screenshot="$2" "$1" 2>/dev/null
}
G=global@global%3A  # the groups unfolded: ?expanded=<group ids>, percent-encoded
UNFOLD=${G}extract%2C${G}clean%2C${G}match%2C${G}load
shot "http://127.0.0.1:$PORT/asset-groups?expanded=$UNFOLD" "$ROOT/docs/ui-asset-graph.png"
shot "http://127.0.0.1:$PORT/assets/normalised?view=checks" "$ROOT/docs/ui-failed-check.png"
echo "written: docs/ui-asset-graph.png docs/ui-failed-check.png"
