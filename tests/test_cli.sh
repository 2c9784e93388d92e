#!/usr/bin/env bash
# The habeas command end to end: init, import (and its refusals), export/restore,
# the person/facility/transfer views in text and JSON, verify (also on a tampered
# file), help texts, usage errors and every exit code.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

# ---------------------------------------------------------------- events
cat >events.jsonl <<'EOF'
{"type":"facility.registered","at":"2025-01-10T09:00:00-06:00","facility":"F-CECOT","name":"Centro de Confinamiento del Terrorismo","country":"SV","kind":"prison","design_capacity":40000,"contact":"+503 2200 0000"}
{"type":"facility.registered","at":"2025-01-10T09:05:00-05:00","facility":"F-KROME","name":"Krome North Processing Center","country":"US","kind":"detention_center","design_capacity":600}
{"type":"unit.certified","at":"2025-01-11T10:00:00-06:00","facility":"F-CECOT","unit":"M3-C12","kind":"cell","capacity":80,"floor_area_m2":100.0,"beds":80}
{"type":"unit.certified","at":"2025-01-11T10:05:00-06:00","facility":"F-CECOT","unit":"M3-C13","kind":"cell","capacity":2,"floor_area_m2":12.5,"beds":1}

{"type":"unit.certified","at":"2025-01-12T08:00:00-05:00","facility":"F-KROME","unit":"A1","kind":"dormitory","capacity":50,"floor_area_m2":300,"beds":50}
{"type":"agreement.signed","at":"2025-02-20T12:00:00-05:00","agreement":"AG-1","sending_state":"US","receiving_state":"SV","facilities":["F-CECOT"],"starts":"2025-03-01","ends":"2026-02-28","fee":{"amount":600000000,"currency":"USD","persons":238,"days":365}}
{"type":"person.registered","at":"2025-02-01T08:00:00-05:00","person":"P-1","given_names":"José Ángel","family_names":"Ramírez Núñez","birth_date":"1990-05-01","birth_country":"VE","nationalities":["VE"]}
{"type":"person.registered","at":"2025-02-01T08:01:00-05:00","person":"P-2","given_names":"Zoë","family_names":"Müller","birth_date":"1985-11-30","birth_country":"SV","nationalities":["SV","US"]}
{"type":"person.registered","at":"2025-02-01T08:02:00-05:00","person":"P-3","given_names":"María","family_names":"Peña","nationalities":["VE"]}
{"type":"status.recorded","at":"2025-02-02T08:00:00-05:00","person":"P-1","jurisdiction":"US","status":"removal_order","valid_from":"2024-06-01","source":"EOIR"}
{"type":"status.recorded","at":"2025-02-02T08:05:00-05:00","person":"P-2","jurisdiction":"US","status":"withholding_of_removal","country":"SV","valid_from":"2019-03-01","source":"EOIR"}
{"type":"conviction.recorded","at":"2025-02-03T08:00:00-05:00","person":"P-1","jurisdiction":"US","court":"S.D. Tex.","case":"4:24-cr-001","offense":"illegal reentry","violent":false,"final":true,"date":"2024-05-01","sentence_days":400}
{"type":"allegation.recorded","at":"2025-02-03T09:00:00-05:00","person":"P-3","kind":"gang_affiliation","source":"field report","detail":"tattoos"}
{"type":"consent.recorded","at":"2025-02-04T08:00:00-05:00","person":"P-1","to":"transfer","reference":"C-1","given":true}
{"type":"custody.admitted","at":"2025-02-05T08:00:00-05:00","person":"P-1","facility":"F-KROME","unit":"A1","basis":{"kind":"immigration","reference":"A-123","until":"2025-06-01","review_by":"2025-04-01"}}
{"type":"custody.admitted","at":"2025-02-05T08:10:00-05:00","person":"P-2","facility":"F-KROME","unit":"A1","basis":{"kind":"immigration","reference":"A-124","until":"2025-06-01"}}
{"type":"custody.admitted","at":"2025-02-05T08:20:00-05:00","person":"P-3","facility":"F-KROME","unit":"A1","basis":{"kind":"immigration","reference":"A-125"}}
{"type":"transfer.proposed","at":"2025-03-14T10:00:00-04:00","transfer":"T-1","from_facility":"F-KROME","to_facility":"F-CECOT","agreement":"AG-1","authority":"DHS","persons":["P-1","P-2","P-3"],"departure_planned":"2025-03-15T17:25:00-04:00"}
{"type":"transfer.approved","at":"2025-03-14T12:00:00-04:00","transfer":"T-1","persons":["P-1","P-3"]}
{"type":"transfer.cancelled","at":"2025-03-14T12:05:00-04:00","transfer":"T-1","persons":["P-2"]}
{"type":"transfer.departed","at":"2025-03-15T17:25:00-04:00","transfer":"T-1","persons":["P-1","P-3"]}
{"type":"transfer.arrived","at":"2025-03-16T02:10:00-06:00","transfer":"T-1","persons":["P-1","P-3"]}
{"type":"custody.moved","at":"2025-03-16T03:00:00-06:00","person":"P-1","facility":"F-CECOT","unit":"M3-C13"}
{"type":"custody.moved","at":"2025-03-16T03:05:00-06:00","person":"P-3","facility":"F-CECOT","unit":"M3-C13"}
{"type":"custody.released","at":"2025-03-20T15:00:00-05:00","person":"P-2","reason":"released on bond","released_to":"family"}
EOF
NEV=25

# ---------------------------------------------------------------- init
run init
expect_rc 0 "init with the default ./habeas.db"
[ -f habeas.db ] && ok || bad "init did not create ./habeas.db"
run init
expect_rc 2 "a second init"
expect_in err.txt "already exists" "a second init says why"
run init --db a.db
expect_rc 0 "init --db after the command"
run --db b.db init
expect_rc 0 "init --db before the command"
[ -f a.db ] && [ -f b.db ] && ok || bad "--db placement: a.db and b.db"
HABEAS_DB=env.db run init
expect_rc 0 "init with HABEAS_DB"
[ -f env.db ] && ok || bad "HABEAS_DB names the ledger"
HABEAS_DB=env.db run init --db c.db
[ -f c.db ] && ok || bad "--db overrides HABEAS_DB"
run init --db a.db --json
expect_rc 2 "init --json of an existing ledger"
run init --db j.db --json
expect_json "init --json" 'd["created"] == "j.db"'

# ---------------------------------------------------------------- import
run import events.jsonl --db a.db
expect_rc 0 "import of a valid file"
expect_line err.txt "imported $NEV events (seq 1..$NEV) from events.jsonl" "import summary"
[ ! -s out.txt ] && ok || bad "import keeps stdout clean"
run_in events.jsonl --db b.db import - --actor records:alice
expect_rc 0 "import from stdin"
expect_line err.txt "imported $NEV events (seq 1..$NEV) from stdin" "import summary from stdin"
HABEAS_DB=a.db run export
expect_rc 0 "export"
cp out.txt before.jsonl
[ "$(wc -l <before.jsonl)" = "$NEV" ] && ok || bad "export has $NEV lines"
expect_in before.jsonl '"actor":"cli:' "the default actor is cli:<login>"
run export --db b.db
expect_in out.txt '"actor":"records:alice"' "--actor is recorded"

# A bad line: the exact message, exit 2, and the ledger unchanged.
cat >bad.jsonl <<'EOF'
{"type":"facility.registered","at":"2025-04-01T09:00:00Z","facility":"F-NEW","name":"New","country":"US","kind":"holding","design_capacity":10}
{"type":"unit.certified","at":"2025-04-01T09:00:00Z","facility":"F-NEW","unit":"U1","kind":"cell","capacity":"12","floor_area_m2":20,"beds":2}
EOF
run import bad.jsonl --db a.db
expect_rc 2 "import of a bad line"
expect_line err.txt 'bad.jsonl:2: unit.certified.capacity: expected a non-negative integer, found "12" (a string)' "the bad line's message"
expect_line err.txt "nothing was imported" "import refusal says nothing was imported"
run export --db a.db
cmp -s out.txt before.jsonl && ok || bad "a refused import changed the ledger"
run facility F-NEW --db a.db
expect_rc 2 "the refused import's first (valid) line was not kept"

# A reference error and --max-errors.
cat >bad3.jsonl <<'EOF'
{"type":"custody.moved","at":"2025-04-01T09:00:00Z","person":"P-404","facility":"F-CECOT","unit":"M3-C12"}
{"type":"custody.moved","at":"2025-04-01T09:00:00Z","person":"P-405","facility":"F-CECOT","unit":"M3-C12"}
{"type":"custody.moved","at":"2025-04-01T09:00:00Z","person":"P-406","facility":"F-CECOT","unit":"M3-C12"}
EOF
run import bad3.jsonl --db a.db --max-errors 1
expect_rc 2 "import of unknown references"
expect_in err.txt "bad3.jsonl:1:" "the first error names its line"
expect_not_in err.txt "bad3.jsonl:2:" "--max-errors 1 keeps one message"
expect_line err.txt "... and 2 more errors" "the dropped errors are counted"
run import bad3.jsonl --db a.db --json
expect_rc 2 "import --json refused"
expect_json "import --json refused" 'd["imported"] == 0 and d["error_count"] == 3 and d["errors"][2].startswith("bad3.jsonl:3:")'

# A record (an export line) is not an event: pointed to restore.
head -n 1 before.jsonl >record.jsonl
run import record.jsonl --db a.db
expect_rc 2 "import of an export line"
expect_in err.txt "restore" "import of a record points to habeas restore"
run export --db a.db
cmp -s out.txt before.jsonl && ok || bad "the refused record changed the ledger"

run import missing.jsonl --db a.db
expect_rc 2 "import of a missing file"
expect_in err.txt "missing.jsonl" "the missing file is named"
run import events.jsonl --db nowhere.db
expect_rc 2 "import into a ledger that does not exist"
[ ! -e nowhere.db ] && ok || bad "import created a ledger"
run import --json events.jsonl --db j.db
expect_json "import --json" "d['imported'] == $NEV and d['first_seq'] == 1 and d['last_seq'] == $NEV"

# ---------------------------------------------------------------- export / restore
run export --db a.db --out exp.jsonl
expect_rc 0 "export --out"
cmp -s exp.jsonl before.jsonl && ok || bad "export --out equals export to stdout"
expect_in err.txt "exported $NEV records (seq 1..$NEV) to exp.jsonl" "export --out summary"
run export --db a.db --from 24
[ "$(wc -l <out.txt)" = 2 ] && ok || bad "export --from 24 gives 2 lines"
expect_in out.txt '"seq":24' "export --from starts at the seq"
run restore before.jsonl --db copy.db
expect_rc 0 "restore into a new file"
expect_in err.txt "restored $NEV records (seq 1..$NEV)" "restore summary"
run export --db copy.db
cmp -s out.txt before.jsonl && ok || bad "export/restore round trip is not byte-identical"
run restore before.jsonl --db copy.db
expect_rc 2 "restore into a non-empty ledger"
expect_in err.txt "already holds $NEV records" "restore refusal says why"
run init --db empty.db
run_in before.jsonl restore - --db empty.db --json
expect_rc 0 "restore from stdin into an empty ledger"
expect_json "restore --json" "d['restored'] == $NEV and d['last_seq'] == $NEV"
# A changed event with its old hash: refused, and the new file is not left behind.
sed '1s/Centro de Confinamiento/Centro de Detencion/' before.jsonl >forged.jsonl
run restore forged.jsonl --db forged.db
expect_rc 2 "restore of a forged export"
expect_in err.txt "forged.jsonl:" "the forged line is named"
expect_line err.txt "nothing was restored" "restore refusal says nothing was restored"
[ ! -e forged.db ] && ok || bad "a refused restore left its new ledger behind"
# Seqs must run without gaps.
sed '5d' before.jsonl >gap.jsonl
run restore gap.jsonl --db gap.db
expect_rc 2 "restore of an export with a gap"

# ---------------------------------------------------------------- person
run person P-1 --db a.db
expect_rc 0 "person P-1"
expect_in out.txt "P-1  José Ángel Ramírez Núñez" "person header with accents"
expect_in out.txt "held at F-CECOT (Centro de Confinamiento del Terrorismo), unit M3-C13" "custody where"
expect_in out.txt "1990-05-01 in VE" "birth"
expect_in out.txt "removal_order in US from 2024-06-01" "status listed"
expect_in out.txt "1 (1 final)" "convictions counted"
expect_in out.txt "admitted to F-KROME unit A1 (immigration A-123, until 2025-06-01, review by 2025-04-01)" "admission summary"
expect_in out.txt "transfer T-1 departed" "departure in the history"
expect_in out.txt "History (" "history header"
run person --limit 2 P-1 --db a.db
expect_in out.txt "(showing last 2 of" "--limit names how many are hidden"
expect_in out.txt "--limit 0 for all" "--limit says how to see all"
[ "$(sed -n '/^History/,$p' out.txt | tail -n +2 | grep -c .)" = 2 ] && ok || bad "--limit 2 shows 2 lines"
run person P-1 --db a.db --json
expect_rc 0 "person --json"
expect_json "person --json" 'd["person"] == "P-1" and d["given_names"] == "José Ángel" and d["custody"]["state"] == "held" and d["custody"]["facility"] == "F-CECOT" and d["custody"]["unit"] == "M3-C13"'
expect_json "person --json history" 'd["history_total"] == len(d["history"]) and d["history"][0]["event"]["type"] == "person.registered" and d["history"][0]["seq"] == 7'
run person P-2 --db a.db
expect_in out.txt "released" "a released person"
expect_in out.txt "withholding_of_removal in US (not to SV)" "withholding names the country"
run person P-9 --db a.db
expect_rc 2 "an unknown person"
expect_line err.txt 'habeas: no person "P-9" in ledger a.db' "unknown person message"
run person --db a.db
expect_rc 2 "person without an id"
expect_in err.txt 'see "habeas person --help"' "person without an id points to help"

# ---------------------------------------------------------------- facility
run facility F-CECOT --db a.db
expect_rc 0 "facility F-CECOT"
expect_in out.txt "F-CECOT  Centro de Confinamiento del Terrorismo" "facility header"
expect_in out.txt "2 of 40000" "held now vs design capacity"
grep -E '^ +M3-C13 +cell +2 +2 +1 +12\.5 +6\.2 +OVER$' out.txt >/dev/null && ok ||
    bad "unit M3-C13 row (held 2 > 1 bed: OVER): $(grep M3-C13 out.txt | head -2)"
grep -E '^ +M3-C12 +cell +0 +80 +80 +100\.0 +-$' out.txt >/dev/null && ok ||
    bad "empty unit M3-C12 row: $(grep M3-C12 out.txt | head -2)"
grep -E '^ +total +2 +82 +81 +112\.5 +56\.2' out.txt >/dev/null && ok ||
    bad "totals row: $(grep total out.txt)"
run facility F-CECOT --db a.db --json
expect_json "facility --json" 'd["facility"] == "F-CECOT" and d["held"] == 2 and [u["over"] for u in d["units"]] == [False, True] and d["units"][0]["m2_per_person"] is None'
run facility F-NOPE --db a.db
expect_rc 2 "an unknown facility"
expect_line err.txt 'habeas: no facility "F-NOPE" in ledger a.db' "unknown facility message"

# ---------------------------------------------------------------- transfer
run transfer T-1 --db a.db
expect_rc 0 "transfer T-1"
expect_in out.txt "F-KROME (Krome North Processing Center)" "transfer from"
expect_in out.txt "3: 0 proposed, 0 approved, 1 cancelled, 0 departed, 2 arrived" "counts per state"
grep -E '^ +P-2 +Zoë Müller +cancelled +20$' out.txt >/dev/null && ok ||
    bad "P-2 row aligned with accents: $(grep P-2 out.txt)"
grep -E '^ +P-1 +José Ángel Ramírez Núñez +arrived +22$' out.txt >/dev/null && ok ||
    bad "P-1 row: $(grep P-1 out.txt)"
run transfer T-1 --db a.db --json
expect_json "transfer --json" 'd["counts"] == {"proposed":0,"approved":0,"cancelled":1,"departed":0,"arrived":2} and d["agreement"] == "AG-1" and len(d["persons"]) == 3'
run transfer T-404 --db a.db
expect_rc 2 "an unknown transfer"
expect_line err.txt 'habeas: no transfer "T-404" in ledger a.db' "unknown transfer message"

# ---------------------------------------------------------------- verify
run verify --db a.db
expect_rc 0 "verify"
expect_in out.txt "OK: $NEV events, " "verify OK"
run verify --db a.db --json
expect_json "verify --json" "d['ok'] is True and d['records'] == $NEV"
cp a.db tampered.db
for t in $(sqlite3 tampered.db "SELECT name FROM sqlite_master WHERE type = 'trigger'"); do
    sqlite3 tampered.db "DROP TRIGGER \"$t\""
done
table=$(sqlite3 tampered.db "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%body%' LIMIT 1")
# One byte of seq 2's body: "Krome" becomes "Kromf" (still a valid event).
sqlite3 tampered.db "UPDATE \"$table\" SET body = CAST(replace(CAST(body AS TEXT), 'Krome North', 'Kromf North') AS BLOB) WHERE seq = 2"
run verify --db tampered.db
expect_rc 1 "verify of a tampered ledger"
expect_in out.txt "FAILED: seq 2:" "verify names the tampered seq"
run verify --db tampered.db --json
expect_rc 1 "verify --json of a tampered ledger"
expect_json "verify --json of a tampered ledger" 'd["ok"] is False and d["error"].startswith("seq 2:")'

# ---------------------------------------------------------------- help and usage
for c in init import export restore person facility transfer verify; do
    run "$c" --help
    expect_rc 0 "$c --help"
    expect_in out.txt "usage: habeas $c" "$c --help usage line"
    expect_in out.txt "--db FILE" "$c --help shows --db"
    expect_in out.txt "example" "$c --help has an example"
    run help "$c"
    cmp -s out.txt <("$HABEAS" "$c" --help) && ok || bad "habeas help $c differs from $c --help"
done
run demo --help
expect_rc 0 "demo --help"
run --help
expect_rc 0 "habeas --help"
expect_in out.txt "commands:" "the overview lists commands"
run help
expect_rc 0 "habeas help"
run --version
expect_rc 0 "--version"
expect_in out.txt "habeas " "--version prints the version"
run
expect_rc 2 "no command"
run imprt events.jsonl
expect_rc 2 "an unknown command"
expect_in err.txt 'did you mean "import"?' "the closest command is suggested"
run help verfy
expect_rc 2 "help for an unknown command"
expect_in err.txt 'did you mean "verify"?' "help suggests too"
run import events.jsonl --bogus --db a.db
expect_rc 2 "an unknown option"
expect_line err.txt 'habeas import: unknown option "--bogus"' "unknown option message"
expect_line err.txt 'see "habeas import --help"' "unknown option points to help"
run export --db a.db --from
expect_rc 2 "a missing option value"
expect_in err.txt 'option "--from" needs a value' "missing value message"
run export --db a.db --from zero
expect_rc 2 "a bad number"
run person P-1 --limit -1 --db a.db
expect_rc 2 "a negative --limit"
run import --db a.db
expect_rc 2 "import without a file"
expect_in err.txt "missing FILE" "import without a file says so"
run verify extra --db a.db
expect_rc 2 "an unexpected argument"
run --db
expect_rc 2 "a global --db without a value"
run --frob init
expect_rc 2 "an unknown global option"
run --db a.db --json verify
expect_json "global options before the command" "d['ok'] is True"

# ---------------------------------------------------------------- exit code 3
# A stored body that no longer decodes: the ledger cannot be opened (replayed),
# but verify reads the file without replaying it and names the record.
cp a.db broken.db
for t in $(sqlite3 broken.db "SELECT name FROM sqlite_master WHERE type = 'trigger'"); do
    sqlite3 broken.db "DROP TRIGGER \"$t\""
done
sqlite3 broken.db "UPDATE \"$table\" SET body = CAST('{\"x\":1}' AS BLOB) WHERE seq = 3"
run verify --db broken.db
expect_rc 1 "verify of a ledger whose record no longer decodes"
expect_in out.txt "seq 3" "the undecodable record is named by verify"
run person P-1 --db broken.db
expect_rc 3 "a view of a ledger that cannot be read"
expect_in err.txt "seq 3" "the unreadable record is named"
# Not a ledger at all: bad input, not a storage failure.
printf 'this is not an SQLite database, only some text that fills a page\n%.0s' $(seq 1 100) >garbage.db
run verify --db garbage.db
expect_rc 2 "a file that is not a ledger"
expect_in err.txt "garbage.db" "the file that is not a ledger is named"

run_json_checks
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
