#!/usr/bin/env bash
# `habeas init` (key file and verifier key), `key show`, `log head|prove|
# consistency` and `verify` over the transparency log. Roots and proofs are
# checked against an independent RFC 9162 computation (Python, from the leaf
# hashes `habeas export` gives), --json against the HTTP API's answers, and every
# refused argument exits 2 naming it and leaves the ledger file unchanged.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder
. "$HERE/http_lib.sh"
EX="${HB_SOURCE_DIR:-$HERE/..}/examples/minimal.jsonl"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# Three batches (three signed heads) from the example: 10, 20, then 31 events.
sed -n '1,10p' "$EX" >part1.jsonl
sed -n '11,20p' "$EX" >part2.jsonl
sed -n '21,$p' "$EX" >part3.jsonl
NEV=$(grep -c . "$EX")

# rfc.py EXPORT CHECK JSON [ARGS]: the RFC 9162 tree of the exported leaf hashes,
# computed here from scratch; exits 1 saying what differs.
cat >rfc.py <<'PY'
import base64, hashlib, json, sys

def node(l, r): return hashlib.sha256(b"\x01" + l + r).digest()
def split(n):
    k = 1
    while k * 2 < n: k *= 2
    return k
def mth(h):
    if not h: return hashlib.sha256(b"").digest()
    if len(h) == 1: return h[0]
    k = split(len(h))
    return node(mth(h[:k]), mth(h[k:]))
def path(m, h):
    if len(h) == 1: return []
    k = split(len(h))
    return path(m, h[:k]) + [mth(h[k:])] if m < k else path(m - k, h[k:]) + [mth(h[:k])]
def subproof(m, h, b):
    if m == len(h): return [] if b else [mth(h)]
    k = split(len(h))
    if m <= k: return subproof(m, h[:k], b) + [mth(h[k:])]
    return subproof(m - k, h[k:], False) + [mth(h[:k])]
def b64(x): return base64.b64encode(x).decode()

leaves = [bytes.fromhex(json.loads(l)["hash"]) for l in open(sys.argv[1]) if l.strip()]
what, d = sys.argv[2], json.load(open(sys.argv[3]))
if what == "head":
    n = int(sys.argv[4])
    want = {"size": n, "root_hash": b64(mth(leaves[:n]))}
    got = {k: d[k] for k in want}
    lines = d["checkpoint"].split("\n")
    if lines[1] != str(n) or lines[2] != want["root_hash"]:
        got["checkpoint lines"] = lines[:3]
elif what == "inclusion":
    seq, n = d["seq"], d["tree_size"]
    want = {"seq": int(sys.argv[4]), "leaf_index": seq - 1, "tree_size": int(sys.argv[5]),
            "leaf_hash": b64(leaves[seq - 1]), "root_hash": b64(mth(leaves[:n])),
            "proof": [b64(x) for x in path(seq - 1, leaves[:n])]}
    got = {k: d[k] for k in want}
else:
    m, n = int(sys.argv[4]), int(sys.argv[5])
    want = {"first": m, "second": n, "first_root": b64(mth(leaves[:m])),
            "second_root": b64(mth(leaves[:n])),
            "proof": [b64(x) for x in subproof(m, leaves[:n], True)]}
    got = {k: d[k] for k in want}
if got != want:
    print("got  %s\nwant %s" % (got, want))
    sys.exit(1)
PY
rfc() { # WHAT CHECK ARGS...: out.txt against the RFC computation
    local what=$1
    shift
    if "$PY" rfc.py export.jsonl "$@" >rfc.txt 2>&1; then ok; else bad "$what: $(cat rfc.txt)"; fi
}
same_json() { # A B WHAT: the two files hold equal JSON documents
    if "$PY" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
        "$1" "$2"; then ok; else bad "$3: $(head -c 300 "$1") != $(head -c 300 "$2")"; fi
}

# ---------------------------------------------------------------- init
run init --db t.db
expect_rc 0 "init"
expect_line err.txt "created empty ledger t.db" "init says what it created"
expect_line err.txt "signing key: t.db.key (keep it private: mode 0600)" "init says where the key is"
expect_in err.txt "verifier key: habeas/" "init prints the verifier key"
vkey=$(sed -n 's/^verifier key: //p' err.txt)
expect_empty out.txt "init keeps stdout clean"
[ "$(stat -c %a t.db.key)" = 600 ] && ok || bad "the key file's mode is $(stat -c %a t.db.key), not 600"
grep -q "^PRIVATE+KEY+habeas/" t.db.key && ok || bad "the key file holds a signer key"
if [[ "$vkey" =~ ^habeas/[0-9a-f]{16}\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$ ]]; then ok; else
    bad "verifier key shape: [$vkey]"
fi
expect_not_in err.txt "$(cut -d+ -f5 t.db.key)" "init never prints the private key"

HABEAS_ORIGIN=example.org/custody run init --db o.db --json
expect_rc 0 "init --json with HABEAS_ORIGIN"
expect_json "init --json" \
    "d['created']=='o.db' and d['key_file']=='o.db.key' and d['vkey'].startswith('example.org/custody+')"
HABEAS_KEY_FILE=elsewhere.key run init --db k.db
expect_rc 0 "init with HABEAS_KEY_FILE"
expect_line err.txt "signing key: elsewhere.key (keep it private: mode 0600)" "the key goes to \$HABEAS_KEY_FILE"
[ -f elsewhere.key ] && [ ! -e k.db.key ] && ok || bad "HABEAS_KEY_FILE: the key is not where it says"

# ---------------------------------------------------------------- key show
run key show --db t.db
expect_rc 0 "key show"
[ "$(head -1 out.txt)" = "$vkey" ] && ok || bad "key show's first line is the verifier key: $(head -1 out.txt)"
expect_line out.txt "origin:     $(echo "$vkey" | cut -d+ -f1)" "key show: origin"
expect_line out.txt "key id:     $(echo "$vkey" | cut -d+ -f2)" "key show: key id"
expect_in out.txt "public key: " "key show: public key"
run key show --db t.db --json
expect_rc 0 "key show --json"
expect_json "key show --json" "d['vkey']=='$vkey' and d['origin']=='$vkey'.split('+', 2)[0] and d['key_id']=='$vkey'.split('+', 2)[1] and __import__('base64').b64decode(d['public_key'])==__import__('base64').b64decode('$vkey'.split('+', 2)[2])[1:] and len(d)==4"
mv t.db.key t.db.key.away
run key show --db t.db
expect_rc 0 "key show needs only the database, not the private key"
mv t.db.key.away t.db.key

# ---------------------------------------------------------------- log head
EMPTY=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= # base64 SHA-256(""), RFC 9162 2.1.1
run log head --db t.db
expect_rc 0 "log head of an empty ledger"
[ "$(sed -n 2,3p out.txt | tr '\n' ' ')" = "0 $EMPTY " ] && ok || bad "the empty head: $(cat out.txt)"

for p in part1 part2 part3; do
    run import $p.jsonl --db t.db
    expect_rc 0 "import $p"
done
run export --db t.db
cp out.txt export.jsonl

run log head --db t.db
expect_rc 0 "log head"
cp out.txt head.txt
expect_line head.txt "$(echo "$vkey" | cut -d+ -f1)" "the head's first line is the origin"
expect_line head.txt "$NEV" "the head's size"
expect_in head.txt "— $(echo "$vkey" | cut -d+ -f1) " "the head carries the signature line"
run log head --db t.db --json
expect_rc 0 "log head --json"
cp out.txt head.json
rfc "log head root" head head.json "$NEV"
if "$PY" -c 'import json,sys; sys.exit(json.load(open("head.json"))["checkpoint"] != open("head.txt", encoding="utf-8").read())'; then
    ok
else bad "log head prints exactly the signed checkpoint of --json"; fi
root=$(sed -n 3p head.txt)

# ---------------------------------------------------------------- log prove
run log prove 5 --db t.db
expect_rc 0 "log prove"
expect_line out.txt "seq:         5" "prove: seq"
expect_line out.txt "leaf index:  4" "prove: leaf index"
expect_line out.txt "tree size:   $NEV" "prove: tree size (the newest head's)"
expect_line out.txt "root:        $root" "prove: the root is the head's"
expect_in out.txt "leaf hash:   " "prove: leaf hash"
expect_in out.txt "proof:       5 hashes, leaf side first" "prove: the proof's length"
expect_in out.txt "verified: the leaf hash and the proof give the root" "prove says it verifies"
[ "$(grep -c '^  [A-Za-z0-9+/]\{43\}=$' out.txt)" = 5 ] && ok || bad "prove: one hash a line"
for args in "5" "1" "$NEV" "7 --size 10" "10 --size 10" "1 --size 1" "16 --size 17"; do
    set -- $args
    run log prove $args --db t.db --json
    expect_rc 0 "log prove $args --json"
    cp out.txt proof.json
    rfc "log prove $args" inclusion proof.json "$1" "${3:-$NEV}"
done
run log prove 3 --size 10 --db t.db
expect_line out.txt "tree size:   10" "prove --size: the tree size asked"

# ---------------------------------------------------------------- log consistency
run log consistency 10 "$NEV" --db t.db
expect_rc 0 "log consistency"
expect_line out.txt "first:       10" "consistency: first"
expect_line out.txt "second:      $NEV" "consistency: second"
expect_line out.txt "second root: $root" "consistency: the second root is the head's"
expect_in out.txt "verified: the log of $NEV events extends the log of 10" "consistency verifies"
for args in "10 $NEV" "1 $NEV" "$NEV $NEV" "16 17" "3 7" "1 1"; do
    run log consistency $args --db t.db --json
    expect_rc 0 "log consistency $args --json"
    cp out.txt cons.json
    rfc "log consistency $args" consistency cons.json $args
done

# ---------------------------------------------------------------- verify
run verify --db t.db
expect_rc 0 "verify"
expect_line out.txt "OK: $NEV events, 4 signed heads, root $root" "verify: events, heads (init + 3 batches), root"
run verify --db t.db --json
expect_json "verify --json" "d['ok'] is True and d['records']==$NEV and d['heads']==4 and d['root']=='$root'"
# A stored tree node changed (the triggers dropped first, as an attacker would):
# the events still verify, the tree does not.
cp t.db node.db
sqlite3 node.db "DROP TRIGGER tree_append_only_update; UPDATE tree SET hash = zeroblob(32) WHERE id = (SELECT min(id) FROM tree);"
run verify --db node.db
expect_rc 1 "verify of a ledger whose tree node was changed"
expect_in out.txt "FAILED: " "verify names the failure"
run verify --db node.db --json
expect_rc 1 "verify --json of a changed tree"
expect_json "verify --json of a changed tree" "d['ok'] is False and d['error']"
run log prove 1 --db node.db
expect_rc 1 "a proof through a changed node does not verify"
expect_in out.txt "NOT VERIFIED" "prove says it does not verify"
expect_in err.txt "does not verify" "prove explains on stderr"

# ---------------------------------------------------------------- refusals
before=$(sha256sum t.db)
refuse() { # WHAT NEEDLE ARGS...
    local what=$1 needle=$2
    shift 2
    run "$@"
    expect_rc 2 "$what"
    expect_in err.txt "$needle" "$what: message"
    expect_empty out.txt "$what: nothing on stdout"
}
refuse "seq 0" 'SEQ needs an integer >= 1, found "0"' log prove 0 --db t.db
refuse "seq not a number" 'SEQ needs an integer >= 1, found "five"' log prove five --db t.db
refuse "seq negative" 'SEQ needs an integer >= 1, found "-3"' log prove --db t.db -- -3
refuse "seq over the size" "SEQ 32 is over the tree size 31" log prove 32 --db t.db
refuse "seq over --size" "SEQ 12 is over the tree size 10 (--size)" log prove 12 --size 10 --db t.db
refuse "--size over the log" "--size 40 is over the log's size (31 events)" log prove 5 --size 40 --db t.db
refuse "--size 0" '--size needs an integer >= 1, found "0"' log prove 5 --size 0 --db t.db
refuse "--size not a number" '--size needs an integer >= 1, found "1x"' log prove 5 --size 1x --db t.db
refuse "prove without SEQ" "missing SEQ" log prove --db t.db
refuse "prove with two" 'unexpected argument "6"' log prove 5 6 --db t.db
refuse "consistency OLD 0" 'OLD needs an integer >= 1, found "0"' log consistency 0 5 --db t.db
refuse "consistency NEW not a number" 'NEW needs an integer >= 1, found "x"' log consistency 5 x --db t.db
refuse "consistency OLD over NEW" "OLD 9 is over NEW 3" log consistency 9 3 --db t.db
refuse "consistency NEW over the log" "NEW 40 is over the log's size (31 events)" log consistency 5 40 --db t.db
refuse "consistency without NEW" "missing NEW" log consistency 5 --db t.db
refuse "consistency without OLD" "missing OLD" log consistency --db t.db
refuse "--size on consistency" "--size is for \`log prove\`" log consistency 1 2 --size 3 --db t.db
refuse "--size on head" "--size is for \`log prove\`" log head --size 3 --db t.db
refuse "log without action" "missing what to show" log --db t.db
refuse "unknown log action" 'unknown action "tail"' log tail --db t.db
refuse "head with an argument" 'unexpected argument "5"' log head 5 --db t.db
refuse "key without action" "missing what to do" key --db t.db
refuse "unknown key action" 'unknown action "rotate"' key rotate --db t.db
refuse "log head of a missing ledger" "no ledger at missing.db" log head --db missing.db
refuse "key show of a missing ledger" "no ledger at missing.db" key show --db missing.db
refuse "verify with an argument" 'unexpected argument "x"' verify x --db t.db
[ ! -e missing.db ] && ok || bad "a read created missing.db"
[ "$(sha256sum t.db)" = "$before" ] && ok || bad "reads or refusals changed t.db"
run verify --db t.db
expect_rc 0 "verify after the refusals"

for c in "key" "log" "witness" "verify" "init"; do
    run $c --help
    expect_rc 0 "$c --help"
    expect_in out.txt "usage: habeas $c" "$c --help shows its usage"
done
run help
expect_in out.txt "  witness " "the command list has witness"
expect_in out.txt "  log " "the command list has log"

# ---------------------------------------------------------------- the HTTP API gives the same JSON
start_server t.db || { bad "the server did not start"; run_json_checks; exit 1; }
check_http() { # PATH CLI-ARGS...: GET PATH equals the CLI's --json
    local path=$1
    shift
    run "$@" --db t.db --json
    cp out.txt cli.json
    req GET "$path"
    expect_status 200 "GET $path"
    same_json cli.json out.txt "GET $path = habeas $*"
}
check_http /v1/log/head log head
check_http "/v1/log/proof/inclusion?seq=5" log prove 5
check_http "/v1/log/proof/inclusion?seq=7&size=10" log prove 7 --size 10
check_http "/v1/log/proof/consistency?first=10&second=$NEV" log consistency 10 "$NEV"
check_http "/v1/log/proof/consistency?first=$NEV&second=$NEV" log consistency "$NEV" "$NEV"
stop_server

run_json_checks
echo "test_log_cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
