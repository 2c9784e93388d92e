#!/usr/bin/env bash
# `habeas witness`: the first head is saved; a grown log is accepted (from a
# ledger file and from a server's /v1/log/...); a head not signed by the pinned
# key, a saved head that is not, a shrunk log, a fork (two heads of one size) and
# a rewritten history (same key, different events) all exit 1 and leave the saved
# head as it was; unreachable sources exit 3; usage errors exit 2.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder
. "$HERE/http_lib.sh"
EX="${HB_SOURCE_DIR:-$HERE/..}/examples/minimal.jsonl"
command -v curl >/dev/null || { echo "curl is needed"; exit 1; }

sed -n '1,10p' "$EX" >part1.jsonl
sed -n '11,20p' "$EX" >part2.jsonl
sed -n '21,$p' "$EX" >part3.jsonl
NEV=$(grep -c . "$EX")
# Events only ledger B has: facilities A never registered.
facilities() { # FROM TO
    local i
    for i in $(seq "$1" "$2"); do
        printf '{"type":"facility.registered","at":"2025-04-01T09:00:00Z","facility":"F-B-%d","name":"Other %d","country":"US","kind":"prison","design_capacity":%d}\n' "$i" "$i" "$((100 + i))"
    done
}
facilities 1 10 >b10.jsonl
facilities 11 12 >b2.jsonl

# copy_ledger FROM TO: the database and its key file, mode kept.
copy_ledger() {
    cp "$1" "$2"
    [ -f "$1-wal" ] && cp "$1-wal" "$2-wal"
    cp -p "$1.key" "$2.key"
}
unchanged() { # SAVED COPY WHAT
    cmp -s "$1" "$2" && ok || bad "$3: $1 was changed"
}

run init --db a.db
expect_rc 0 "init a"
run import part1.jsonl --db a.db
expect_rc 0 "import part1 into a"
run key show --db a.db
head -1 out.txt >a.vkey
vkey=$(cat a.vkey)

# ---------------------------------------------------------------- first head, growth
run witness --head seen.txt --key @a.vkey a.db
expect_rc 0 "first witness"
expect_line out.txt "first head saved: size 10" "first witness says so"
run log head --db a.db
cmp -s out.txt seen.txt && ok || bad "the saved head is the ledger's signed head, byte for byte"
[ ! -e seen.txt.tmp ] && ok || bad "the temporary file is gone"
run witness --head seen.txt --key "$vkey" a.db
expect_rc 0 "the key as text, nothing new"
expect_line out.txt "OK: size 10 -> 10, consistent" "no growth is consistent"

copy_ledger a.db b.db # b shares a's first 10 events and its key
run import part2.jsonl --db a.db
expect_rc 0 "import part2 into a"
run witness --head seen.txt --key @a.vkey a.db
expect_rc 0 "witness after growth"
expect_line out.txt "OK: size 10 -> 20, consistent" "growth is consistent"
expect_line seen.txt "20" "the new head was saved"
cp seen.txt seen20.txt

run witness --head seen.txt --key @a.vkey a.db --json
expect_rc 0 "witness --json"
expect_json "witness --json" "d['ok'] is True and d['first'] is False and d['old_size']==20 and d['size']==20 and d['source']=='a.db' and len(d['root'])==44"

# From the empty log's head (size 0) any growth is consistent: no proof needed.
run init --db e.db
run key show --db e.db
head -1 out.txt >e.vkey
run witness --head seen_e.txt --key @e.vkey e.db
expect_rc 0 "witness of an empty ledger"
expect_line out.txt "first head saved: size 0" "the empty head is saved"
run import part1.jsonl --db e.db
run witness --head seen_e.txt --key @e.vkey e.db
expect_rc 0 "witness from the empty head"
expect_line out.txt "OK: size 0 -> 10, consistent" "growth from the empty log"

# ---------------------------------------------------------------- a head not signed by the key
run init --db other.db
run key show --db other.db
head -1 out.txt >other.vkey
run witness --head seen.txt --key @other.vkey a.db
expect_rc 1 "a head signed by another key"
expect_in err.txt "the head from a.db is not signed by $(cut -d+ -f1,2 other.vkey)" "wrong key: message"
unchanged seen.txt seen20.txt "wrong key"
run witness --head fresh.txt --key @other.vkey a.db
expect_rc 1 "a first head signed by another key"
[ ! -e fresh.txt ] && ok || bad "an unsigned first head was saved"

# The saved head altered: its size line changed, so its signature fails.
sed '2s/.*/19/' seen.txt >forged.txt
cp forged.txt forged.orig
run witness --head forged.txt --key @a.vkey a.db
expect_rc 1 "a saved head that was altered"
expect_in err.txt "the saved head in forged.txt is not signed by $(cut -d+ -f1,2 a.vkey)" "altered saved head: message"
unchanged forged.txt forged.orig "altered saved head"
# A saved head signed by another log's key.
run log head --db other.db
cp out.txt othershead.txt
run witness --head othershead.txt --key @a.vkey a.db
expect_rc 1 "a saved head of another log"
expect_in err.txt "the saved head in othershead.txt is not signed by" "saved head of another log: message"

# ---------------------------------------------------------------- fork, rewrite, shrink
run import b10.jsonl --db b.db # b: 10 shared events, then 10 of its own = 20
expect_rc 0 "import into b"
run witness --head seen.txt --key @a.vkey b.db
expect_rc 1 "two heads of size 20"
expect_in err.txt "two different heads for size 20: the log forked" "fork: message"
expect_in err.txt "b.db" "fork: names the source"
unchanged seen.txt seen20.txt "fork"

run import b2.jsonl --db b.db # 22
run witness --head seen.txt --key @a.vkey b.db
expect_rc 1 "a history that does not extend the saved one"
expect_in err.txt "the log at 22 is not an extension of the log at 20: history was rewritten" "rewrite: message"
unchanged seen.txt seen20.txt "rewrite"

run import part3.jsonl --db a.db
expect_rc 0 "import part3 into a"
run witness --head seen31.txt --key @a.vkey a.db
expect_line out.txt "first head saved: size $NEV" "a head of size $NEV saved"
cp seen31.txt seen31.orig
run witness --head seen31.txt --key @a.vkey b.db
expect_rc 1 "a shrunk log"
expect_in err.txt "the log shrank from $NEV to 22" "shrink: message"
expect_in err.txt "history was rewritten" "shrink: says what it means"
unchanged seen31.txt seen31.orig "shrink"

# ---------------------------------------------------------------- a server as the source
start_server a.db || { bad "the server did not start"; run_json_checks; exit 1; }
url=${SERVER_URL%/}
cp seen20.txt seen_url.txt
run witness --head seen_url.txt --key @a.vkey "$url"
expect_rc 0 "witness over HTTP"
expect_line out.txt "OK: size 20 -> $NEV, consistent" "over HTTP: growth is consistent"
cmp -s seen_url.txt seen31.txt && ok || bad "over HTTP: the saved head is the server's"
run witness --head seen_url.txt --key @a.vkey "$SERVER_URL"
expect_line out.txt "OK: size $NEV -> $NEV, consistent" "a trailing slash in the URL"
run witness --head url_first.txt --key @a.vkey "$url"
expect_line out.txt "first head saved: size $NEV" "over HTTP: first head"
run witness --head seen.txt --key @other.vkey "$url"
expect_rc 1 "over HTTP: wrong key"
expect_in err.txt "the head from $url is not signed by" "over HTTP: wrong key names the URL"
run witness --head seen.txt --key @a.vkey "$url/nowhere"
expect_rc 3 "a URL that is not a habeas server"
expect_in err.txt "HTTP 404" "the status is named"
unchanged seen.txt seen20.txt "a failed fetch"
port=$(server_port)
stop_server

start_server b.db || { bad "the server (b) did not start"; run_json_checks; exit 1; }
url_b=${SERVER_URL%/}
run witness --head seen.txt --key @a.vkey "$url_b"
expect_rc 1 "over HTTP: a rewritten history"
expect_in err.txt "the log at 22 is not an extension of the log at 20" "over HTTP: rewrite message"
unchanged seen.txt seen20.txt "over HTTP: rewrite"
stop_server

run witness --head seen.txt --key @a.vkey "http://127.0.0.1:$port"
expect_rc 3 "an unreachable server"
expect_in err.txt "GET http://127.0.0.1:$port/v1/log/head" "unreachable: names the URL"
unchanged seen.txt seen20.txt "unreachable"

# ---------------------------------------------------------------- usage, storage
: >empty.vkey
refuse() { # WHAT NEEDLE ARGS...
    local what=$1 needle=$2
    shift 2
    run "$@"
    expect_rc 2 "$what"
    expect_in err.txt "$needle" "$what: message"
    unchanged seen.txt seen20.txt "$what"
}
refuse "no --head" "missing --head FILE" witness --key @a.vkey a.db
refuse "no --key" "missing --key VKEY" witness --head seen.txt a.db
refuse "no SOURCE" "missing SOURCE" witness --head seen.txt --key @a.vkey
refuse "two sources" 'unexpected argument "b.db"' witness --head seen.txt --key @a.vkey a.db b.db
refuse "a bad key" "--key is not a verifier key" witness --head seen.txt --key "habeas/x+1234+AAAA" a.db
refuse "a key id that does not match" "--key is not a verifier key" \
    witness --head seen.txt --key "$(cut -d+ -f1 a.vkey)+00000000+$(cut -d+ -f3- a.vkey)" a.db
refuse "an empty key file" "empty.vkey is not a verifier key" witness --head seen.txt --key @empty.vkey a.db
refuse "a missing key file" "cannot open nokey.vkey" witness --head seen.txt --key @nokey.vkey a.db
refuse "a missing ledger" "no ledger at missing.db" witness --head seen.txt --key @a.vkey missing.db
[ ! -e missing.db ] && ok || bad "witness created missing.db"

run witness --head nodir/seen.txt --key @a.vkey a.db
expect_rc 3 "a head file that cannot be written"
expect_in err.txt "cannot save the head" "unwritable: message"
run witness --help
expect_rc 0 "witness --help"
expect_in out.txt "usage: habeas witness --head FILE --key VKEY|@KEYFILE SOURCE" "help shows usage"

run_json_checks
echo "test_witness: $pass passed, $fail failed"
[ "$fail" = 0 ]
