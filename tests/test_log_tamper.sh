#!/usr/bin/env bash
# Tamper tests on a real SQLite file. A ledger of 101 events in 5 imports (heads
# #1..#6 of sizes 0, 10, 20, 31, 71, 101) is copied, and each copy attacked the
# way someone holding the file would: append-only triggers dropped, then one
# change with sqlite3 (and python3 where a hash must be recomputed). `habeas
# verify` must exit 1 on every attack and name where (the seq, or the head); the
# untouched ledger, and a copy with only its triggers dropped, must still verify.
# A rollback to an older consistent state is beyond what verify can see from the
# file alone: a witness holding an earlier head must catch it, and must catch a
# history rewritten and re-signed with the ledger's own key, a fork, and a key
# replaced. A failed witness run leaves its saved head unchanged.
# Someone with the file but not the key must not get rows signed: events stored
# outside habeas stay unverifiable after any later command opens the ledger.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder
EX="${HB_SOURCE_DIR:-$HERE/..}/examples/minimal.jsonl"

# persons FIRST COUNT WORD: COUNT person.registered events, ids P-FIRST.., whose
# family name is WORD (the letter the attacks change).
persons() {
    local i
    for ((i = $1; i < $1 + $2; i++)); do
        printf '{"type":"person.registered","at":"2025-04-01T10:00:00Z","person":"P-%d",' "$i"
        printf '"given_names":"Jose","family_names":"%s","nationalities":["VE"]}\n' "$3"
    done
}

# The helpers an attacker needs beyond sqlite3: a leaf hash recomputed from the
# (changed) body, and every stored Merkle node recomputed from the leaf hashes
# (tree id = level << 48 | index, src/store/sqlite_tree.c), so events and tree agree.
cat >tamper.py <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
def h(b): return hashlib.sha256(b).digest()
if sys.argv[1] == "rehash":
    for seq in map(int, sys.argv[3:]):
        (body,) = db.execute("SELECT body FROM events WHERE seq=?", (seq,)).fetchone()
        db.execute("UPDATE events SET hash=? WHERE seq=?", (h(b"\0" + bytes(body)), seq))
elif sys.argv[1] == "retree":
    leaves = [bytes(r[0]) for r in db.execute("SELECT hash FROM events ORDER BY seq")]
    def mth(lo, n):
        if n == 1: return leaves[lo]
        return h(b"\1" + mth(lo, n // 2) + mth(lo + n // 2, n // 2))
    for (nid,) in db.execute("SELECT id FROM tree").fetchall():
        level, index = nid >> 48, nid & ((1 << 48) - 1)
        db.execute("UPDATE tree SET hash=? WHERE id=?", (mth(index << level, 1 << level), nid))
elif sys.argv[1] == "drop-after":  # every node covering a leaf past size N
    n = int(sys.argv[3])
    for (nid,) in db.execute("SELECT id FROM tree").fetchall():
        level, index = nid >> 48, nid & ((1 << 48) - 1)
        if (index + 1) << level > n: db.execute("DELETE FROM tree WHERE id=?", (nid,))
db.commit()
PY
py() { python3 tamper.py "$@"; }

# copy SRC NAME: NAME.db, a byte copy of SRC.db, and its key file (mode 0600).
copy() {
    cp "$1.db" "$2.db"
    local s
    for s in -wal -shm; do
        if [ -e "$1.db$s" ]; then cp "$1.db$s" "$2.db$s"; fi
    done
    install -m 600 "$1.db.key" "$2.db.key"
}
# fresh NAME: a copy of the ledger with every trigger dropped, as an attacker starts.
fresh() {
    copy L "$1"
    sqlite3 "$1.db" "$(sqlite3 "$1.db" \
        "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'")"
}
# sq NAME SQL: runs SQL on NAME.db; the change must touch at least one row.
sq() {
    local n
    n=$(sqlite3 "$1.db" "$2; SELECT total_changes();")
    if [ "${n##*$'\n'}" -gt 0 ]; then ok; else bad "attack on $1 changed nothing: $2"; fi
}
# verify_fails NAME WHAT PATTERN: verify exits 1 and its message matches the
# extended regex PATTERN (which says where the log was changed). $VERIFY_OPTS
# (e.g. --deep) goes on verify's command line.
verify_fails() {
    # shellcheck disable=SC2086 # VERIFY_OPTS is a list of options
    run verify ${VERIFY_OPTS:-} --db "$1.db"
    expect_rc 1 "$2: verify"
    cat out.txt err.txt >msg.txt
    if grep -qE -- "$3" msg.txt; then ok; else
        bad "$2: verify's message does not match /$3/: $(head -c 600 msg.txt)"
    fi
    cp msg.txt "$1.verify.txt"
}
# witness_fails NAME WHAT PATTERN: the witness refuses NAME.db and keeps its saved head.
witness_fails() {
    cp saved.head before.head
    run witness --head saved.head --key @vkey.txt "$1.db"
    expect_rc 1 "$2: witness"
    cat out.txt err.txt >msg.txt
    if grep -qiE -- "$3" msg.txt; then ok; else
        bad "$2: the witness's message does not match /$3/: $(head -c 600 msg.txt)"
    fi
    if cmp -s saved.head before.head; then ok; else bad "$2: the witness changed its saved head"; fi
}
# heads NAME: "size:root-hex" of every head, in id order, one a line.
heads() { sqlite3 "$1.db" "SELECT size || ':' || hex(root) FROM heads ORDER BY id"; }

# The ledger: five imports, so six heads; a snapshot at size 71 for the fork.
run init --db L.db
expect_rc 0 "init"
sed -n 1,10p "$EX" >a.jsonl
sed -n 11,20p "$EX" >b.jsonl
sed -n '21,$p' "$EX" >c.jsonl
persons 100 40 Garcia >d.jsonl
persons 200 30 Garcia >e.jsonl
persons 300 30 Ortega >other.jsonl # what a fork appends instead of e.jsonl
persons 400 5 Ruiz >more.jsonl     # appended after an attack
for f in a b c d; do
    run import $f.jsonl --db L.db
    expect_rc 0 "import $f.jsonl"
done
copy L L71
run import e.jsonl --db L.db
expect_rc 0 "import e.jsonl"
[ "$(sqlite3 L.db 'SELECT max(seq) FROM events')" = 101 ] && ok || bad "the ledger has not 101 events"
[ "$(heads L | cut -d: -f1 | tr '\n' ' ')" = "0 10 20 31 71 101 " ] && ok ||
    bad "heads of sizes $(heads L | cut -d: -f1 | tr '\n' ' '), wanted 0 10 20 31 71 101"
sqlite3 L.db "SELECT value FROM meta WHERE key = 'vkey'" >vkey.txt
[ -s vkey.txt ] && ok || bad "no vkey in meta"
[ "$(sqlite3 L.db 'SELECT count(*) FROM tree WHERE id >> 48 = 4')" = 6 ] && ok ||
    bad "the tree does not store the 6 nodes of level 4 (the attacks below rely on it)"
# Where the attacks land: seq 2 is the facility "Example Penitentiary"; seq 50
# (family name Garcia) is under stored node (level 4, index 3) = seqs 49..64;
# seq 99 is in the last partial block, under no stored node, so only head #6's
# root covers it.
sqlite3 L.db "SELECT CAST(body AS TEXT) FROM events WHERE seq = 2" | grep -q Penitentiary && ok ||
    bad "seq 2 is not the Example Penitentiary"

run verify --db L.db
expect_rc 0 "the untouched ledger verifies"
run verify --deep --db L.db
expect_rc 0 "the untouched ledger verifies with --deep"
fresh ctl
run verify --db ctl.db
expect_rc 0 "a copy with only its triggers dropped verifies"

# One byte of one event: its leaf hash no longer matches.
fresh a1
sq a1 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Penitentiary', 'Penitentiarz') AS BLOB) WHERE seq = 2"
verify_fails a1 "one byte of seq 2" '\bseq 2\b'
fresh a2
sq a2 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 50"
verify_fails a2 "one byte of seq 50" '\bseq 50\b'

# The byte and its leaf hash (a consistent leaf): the stored tree node over it,
# or for seq 99 the root of head #6, no longer matches.
fresh a3
sq a3 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 50"
py rehash a3.db 50
verify_fails a3 "seq 50 and its hash" '\bseq 50\b|seqs? 49\.\.64\b'
fresh a4
sq a4 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 99"
py rehash a4.db 99
verify_fails a4 "seq 99 and its hash" '\bseq 99\b|head #6\b'
# ... and the tree recomputed too: only the signed roots are left to disagree,
# first that of head #5 (size 71).
fresh a5
sq a5 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 50"
py rehash a5.db 50
py retree a5.db
[ "$(sqlite3 a5.db 'SELECT hex(hash) FROM tree WHERE id = (4 << 48 | 3)')" != \
    "$(sqlite3 L.db 'SELECT hex(hash) FROM tree WHERE id = (4 << 48 | 3)')" ] && ok ||
    bad "retree did not change node (4, 3)"
verify_fails a5 "seq 50, its hash and the tree" '\bhead #5\b|\bseq 50\b'

# A row deleted: in the middle, the gap; at the end, the heads that cover it.
fresh a6
sq a6 "DELETE FROM events WHERE seq = 40"
verify_fails a6 "seq 40 deleted" '\bseq 40\b'
fresh a7
sq a7 "DELETE FROM events WHERE seq = 101"
verify_fails a7 "seq 101 deleted" '\b101\b'

# Two rows swapped: bodies only, then bodies and hashes.
fresh a8
sq a8 "UPDATE events SET body = CASE seq WHEN 5 THEN (SELECT body FROM events WHERE seq = 9) ELSE (SELECT body FROM events WHERE seq = 5) END WHERE seq IN (5, 9)"
verify_fails a8 "bodies of seqs 5 and 9 swapped" '\bseq 5\b'
fresh a9
sq a9 "UPDATE events SET body = CASE seq WHEN 5 THEN (SELECT body FROM events WHERE seq = 9) ELSE (SELECT body FROM events WHERE seq = 5) END, hash = CASE seq WHEN 5 THEN (SELECT hash FROM events WHERE seq = 9) ELSE (SELECT hash FROM events WHERE seq = 5) END WHERE seq IN (5, 9)"
# Each row still hashes to its own hash: the tree and the first head over it
# tell; --deep also reads that seq 5's record says it is seq 9.
verify_fails a9 "rows 5 and 9 swapped" '\bhead #2\b'
VERIFY_OPTS=--deep verify_fails a9 "rows 5 and 9 swapped (--deep)" '\bseq 5\b'

# The table emptied: the heads still say 101.
fresh a10
sq a10 "DELETE FROM events"
verify_fails a10 "events truncated" '\b101\b|\bhead #[2-6]\b'
# Events and tree emptied, heads left.
fresh a11
sq a11 "DELETE FROM events; DELETE FROM tree"
verify_fails a11 "events and tree truncated" '\b101\b|\bhead #[2-6]\b'

# The key replaced by another ledger's: the stored heads are not signed by it.
mkdir other
run init --db other/M.db
expect_rc 0 "init another ledger"
fresh a12
install -m 600 other/M.db.key a12.db.key
sq a12 "ATTACH 'other/M.db' AS m; UPDATE meta SET value = (SELECT value FROM m.meta WHERE key = 'vkey') WHERE key = 'vkey'; UPDATE meta SET value = (SELECT value FROM m.meta WHERE key = 'origin') WHERE key = 'origin';"
[ "$(sqlite3 a12.db "SELECT value FROM meta WHERE key = 'vkey'")" = "$(sqlite3 other/M.db "SELECT value FROM meta WHERE key = 'vkey'")" ] &&
    ok || bad "the vkey was not replaced"
verify_fails a12 "key replaced" '\bhead #1\b'
# ... and the replaced key used to append: the old heads still fail.
run import more.jsonl --db a12.db
expect_rc 0 "import with the replaced key (the key file matches meta)"
verify_fails a12 "key replaced, then appended" '\bhead #1\b'

# A stored head changed: a byte of its note, or its root column.
fresh a13
sq a13 "UPDATE heads SET note = replace(note, char(10) || '31' || char(10), char(10) || '30' || char(10)) WHERE id = 4"
verify_fails a13 "head #4's note edited" '\bhead #4\b'
fresh a14
sq a14 "UPDATE heads SET root = (SELECT root FROM heads WHERE id = 3) WHERE id = 4"
verify_fails a14 "head #4's root column edited" '\bhead #4\b'
# The last batch rolled back, its head kept but its columns made to say size 71:
# only its signed note still says 101.
fresh a15
sq a15 "DELETE FROM events WHERE seq > 71"
py drop-after a15.db 71
sq a15 "UPDATE heads SET size = 71, root = (SELECT root FROM heads WHERE id = 5) WHERE id = 6"
verify_fails a15 "last batch removed, its head's columns edited" '\bhead #6\b'

# Rows stored outside habeas must stay unsigned: no command may sign a head over
# them for someone who has the file but not the key. A row appended after the
# newest head (a record habeas wrote for seq 102 in another copy), then any
# command that opens the ledger (`habeas person`, a read): verify still fails.
copy L x1
run import more.jsonl --db x1.db
expect_rc 0 "a copy that makes a canonical record for seq 102"
fresh g1
sq g1 "ATTACH 'x1.db' AS x; INSERT INTO events SELECT * FROM x.events WHERE seq = 102"
verify_fails g1 "seq 102 inserted without a head" '\bseqs? 102\b'
run person P-100 --db g1.db
verify_fails g1 "seq 102 inserted, then the ledger read" '\b102\b'
# History rewritten without the key: seq 50 and its hash changed, the tree and
# every head deleted. Verify sees events under no head; after a read it must
# still not pass (the heads habeas signed are gone, not re-signable), and a
# witness holding head 101 sees a different tree of the same size.
fresh g2
sq g2 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 50; DELETE FROM tree; DELETE FROM heads"
py rehash g2.db 50
verify_fails g2 "seq 50 rewritten, tree and heads deleted" '\bseqs 1\.\.101\b|\bhead\b'
run person P-100 --db g2.db
verify_fails g2 "seq 50 rewritten, tree and heads deleted, then the ledger read" '\bseq|\bhead'

# Every attack above left the ledger itself alone.
run verify --db L.db
expect_rc 0 "the untouched ledger still verifies"

# The witness. First the saved head, then the same log again.
run witness --head saved.head --key @vkey.txt L.db
expect_rc 0 "witness: first head"
expect_in out.txt "first head saved: size 101" "witness: first head says so"
run witness --head saved.head --key @vkey.txt L.db
expect_rc 0 "witness: the same log again"

# A complete rollback of the last batch (events, nodes and head): the file is an
# older, consistent, signed state, which verify accepts; the witness does not.
fresh r1
sq r1 "DELETE FROM events WHERE seq > 71; DELETE FROM heads WHERE size > 71"
py drop-after r1.db 71
run verify --db r1.db
expect_rc 0 "a rollback to an older consistent state passes verify (only a witness can tell)"
witness_fails r1 "rolled back to 71" 'shrank from 101 to 71.*rewritten'
witness_fails L71 "an older copy of the database" 'shrank from 101 to 71'

# A leaf changed with its hash (seq 99, under no stored node), then appended to:
# the new head is signed by the right key over a tree that does not extend 101.
fresh w1
sq w1 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 99"
py rehash w1.db 99
run import more.jsonl --db w1.db
expect_rc 0 "append to a tampered copy"
witness_fails w1 "seq 99 rewritten, then appended" 'not an extension.*rewritten'
verify_fails w1 "seq 99 rewritten, then appended" '\bseq 99\b|head #6\b'

# History rewritten consistently (event, hash and every tree node) by someone
# holding the key, who then appends: every later head is signed, yet the
# witness's head of size 101 is no prefix of the new log.
fresh w2
sq w2 "UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'Garcia', 'Garcib') AS BLOB) WHERE seq = 50"
py rehash w2.db 50
py retree w2.db
run import more.jsonl --db w2.db
expect_rc 0 "append to a consistently rewritten copy"
witness_fails w2 "seq 50 rewritten with the tree, then appended" 'not an extension.*rewritten'

# A fork: the copy taken at 71 grows another 30 events with the same key.
copy L71 f1
run import other.jsonl --db f1.db
expect_rc 0 "the fork's import"
witness_fails f1 "a fork of the same size" 'two different heads for size 101.*forked'
run import more.jsonl --db f1.db
expect_rc 0 "the fork grows"
witness_fails f1 "a longer fork" 'not an extension.*rewritten'

# g2, whatever the ledger did when read: no signed head of size 101 (or more)
# extends the witness's.
# (Exit 2 too: once reads stop re-signing, g2 has no head at all to show.)
cp saved.head before.head
run witness --head saved.head --key @vkey.txt g2.db
case $rc in 1 | 2) ok ;; *) bad "g2: the witness exits $rc: $(cat out.txt err.txt | head -c 600)" ;; esac
cmp -s saved.head before.head && ok || bad "g2: the witness changed its saved head"

# The key replaced (a12, which appended with it): its head is not signed by the
# pinned key.
witness_fails a12 "key replaced" 'not signed by'

# The honest log grows: the witness accepts it and saves the new head.
run import more.jsonl --db L.db
expect_rc 0 "the ledger grows"
run witness --head saved.head --key @vkey.txt L.db
expect_rc 0 "witness: honest growth"
expect_in out.txt "size 101 -> 106, consistent" "witness: says what it checked"
run verify --db L.db
expect_rc 0 "the ledger verifies at the end"

run_json_checks
echo "test_log_tamper: $pass passed, $fail failed"
[ "$fail" = 0 ]
