#!/usr/bin/env bash
# `habeas token create|list|revoke`: the secret is printed once on stdout, with a
# warning on stderr; only its SHA-256 reaches the ledger file; list never shows a
# secret; revoke by id or name; every refused input exits 2 and changes nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

run init --db t.db
expect_rc 0 "init"

run token list --db t.db
expect_rc 0 "list on a ledger without tokens"
expect_in out.txt "no tokens" "empty list says so"

run token create --role court --name "District Court clerk" --db t.db
expect_rc 0 "create"
secret=$(cat out.txt)
if [[ "$secret" =~ ^hb_[0-9a-f]{64}$ ]]; then ok; else bad "secret shape: [$secret]"; fi
expect_in err.txt "only time its secret is shown" "create warns the secret is not kept"
expect_in err.txt "token 1 \"District Court clerk\" (court)" "create names the token"
expect_not_in err.txt "${secret:3}" "the warning does not repeat the secret"

run --json token create --role inspector --name "Inspectorate" --db t.db
expect_rc 0 "create --json"
expect_json "create --json" "d['role']=='inspector' and d['id']==2 and len(d['token'])==67 and d['revoked_at'] is None"
secret2=$(python3 -c 'import json,sys; print(json.load(open("out.txt"))["token"])')

# Only the hash is stored: neither secret, nor half of one, is in the files.
for f in t.db t.db-wal; do
    [ -f "$f" ] || continue
    if grep -qaF "${secret:3:32}" "$f" || grep -qaF "${secret2:3:32}" "$f"; then
        bad "$f holds a token secret"
    else ok; fi
done
hash=$(printf '%s' "$secret" | sha256sum | cut -c1-64)
found=$(cat t.db t.db-wal 2>/dev/null | od -An -tx1 -v | tr -d ' \n' | grep -c "$hash" || true)
if [ "$found" -ge 1 ]; then ok; else
    bad "the SHA-256 of the secret is not in the ledger file"
fi

run token list --db t.db
expect_rc 0 "list"
expect_in out.txt "District Court clerk" "list shows names"
expect_in out.txt "inspector" "list shows roles"
expect_not_in out.txt "${secret:3:16}" "list never shows a secret"
expect_not_in out.txt "${secret2:3:16}" "list never shows a secret (2)"

# Refused inputs: exit 2, a clear message, nothing stored.
refuse() { # WHAT NEEDLE ARGS...
    local what=$1 needle=$2
    shift 2
    run "$@" --db t.db
    expect_rc 2 "$what"
    expect_in err.txt "$needle" "$what: message"
}
refuse "unknown role" 'unknown role "judge"' token create --role judge --name x
refuse "public role" 'unknown role "public"' token create --role public --name x
refuse "no role" "needs --role" token create --name x
refuse "no name" "needs --name" token create --role court
refuse "empty name" "needs a name" token create --role court --name ""
refuse "digit name" "all digits" token create --role court --name 42
refuse "duplicate name" "already named" token create --role court --name "District Court clerk"
refuse "unknown action" 'unknown action "delete"' token delete 1
refuse "no action" "missing what to do" token
refuse "revoke nothing" "missing the token to revoke" token revoke
refuse "revoke unknown" 'no token has the id or name "nobody"' token revoke nobody
refuse "revoke unknown id" 'no token has the id or name "99"' token revoke 99
refuse "role on list" "are for \`token create\`" token list --role court
run --json token list --db t.db
expect_json "refusals stored nothing" "len(d['tokens'])==2 and all(t['revoked_at'] is None for t in d['tokens'])"

run token revoke "District Court clerk" --db t.db
expect_rc 0 "revoke by name"
expect_in out.txt 'revoked token 1 "District Court clerk" (court) at ' "revoke says what"
run token revoke 1 --db t.db
expect_rc 2 "revoke twice"
expect_in err.txt "already revoked at" "revoke twice says when"
run --json token revoke 2 --db t.db
expect_rc 0 "revoke by id"
expect_json "revoke --json" "d['id']==2 and d['revoked_at'].endswith('Z')"

# A revoked token's name may be reused; the list keeps both.
run token create --role records --name "District Court clerk" --db t.db
expect_rc 0 "reuse a revoked name"
run --json token list --db t.db
expect_json "list after revoke" "[t['id'] for t in d['tokens']]==[1,2,3] and d['tokens'][0]['revoked_at'] and d['tokens'][2]['revoked_at'] is None and 'token' not in d['tokens'][0]"

# A missing ledger is not created.
run token list --db missing.db
expect_rc 2 "missing ledger"
[ ! -e missing.db ] && ok || bad "token list created missing.db"

run token --help
expect_rc 0 "help"
expect_in out.txt "habeas token create --role ROLE --name NAME" "help shows usage"

run_json_checks
echo "test_token_cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
