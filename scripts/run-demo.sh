#!/usr/bin/env bash
# `make run`: a fresh demo ledger, one API token per role, then the server in the
# foreground (Ctrl-C stops it gracefully). Usage: scripts/run-demo.sh BIN DB PORT
set -euo pipefail
bin=$1 db=$2 port=$3
rm -f "$db" "$db-wal" "$db-shm" "$db.key"
"$bin" demo --db "$db"
echo
echo "API tokens for the demo (shown once; only their SHA-256 is stored):"
for role in admin records transport court inspector; do
    printf '  %-10s %s\n' "$role" "$("$bin" token create --role "$role" --name "demo-$role" --db "$db" 2>/dev/null)"
done
base="http://127.0.0.1:$port"
cat <<MSG

Try, while the server runs (the locator and /healthz need no token):
  curl -s '$base/v1/locate?family=garcia&birth_country=VE' | head -c 600; echo
  curl -s -H "Authorization: Bearer <records token>" $base/v1/persons/P-000001
  curl -s -H "Authorization: Bearer <inspector token>" '$base/v1/findings?severity=critical'
  curl -s $base/v1/openapi.json | head -c 300; echo
  curl -s $base/v1/log/head; echo                 # the signed checkpoint (public)
  curl -s '$base/v1/log/proof/inclusion?seq=1'; echo
The same ledger from the CLI:
  $bin check transfer T-2025-0315 --at 2025-03-15T17:00:00-04:00 --db $db
  $bin report findings --severity critical --db $db
  $bin report costs --db $db
  $bin verify --db $db                            # every event, the Merkle tree, every signed head
  $bin key show --db $db | head -1 > demo.vkey && $bin witness --head seen.txt --key @demo.vkey $db

MSG
exec "$bin" serve --db "$db" --listen "127.0.0.1:$port"
