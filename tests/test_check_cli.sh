#!/usr/bin/env bash
# `habeas check transfer` end to end: text and JSON forms, the exit code as the
# verdict (1 blocked, 0 cleared), --at before and after a hold, the refusals
# (unknown transfer, malformed --at, a check other than transfer: exit 2),
# options before and after the arguments, and --help.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

# ---------------------------------------------------------------- the ledger
# T-1 (P-1, P-2) and T-2 (P-3) from F-TX to F-SV under AG-1, which requires a final
# conviction. P-3 has only an allegation. A court order naming P-1 takes effect at
# 09:40 and is never lifted. T-1 is proposed at 07:00. T-3, proposed at 07:10, names
# P-4, whose registration is dated five days later (though recorded before it).
cat >events.jsonl <<'EOF'
{"type":"facility.registered","at":"2025-02-01T08:00:00-05:00","facility":"F-TX","name":"Texas Detention Center","country":"US","kind":"detention_center","design_capacity":100}
{"type":"unit.certified","at":"2025-02-01T08:05:00-05:00","facility":"F-TX","unit":"A1","kind":"dormitory","capacity":50,"floor_area_m2":300,"beds":50}
{"type":"facility.registered","at":"2025-02-01T08:10:00-06:00","facility":"F-SV","name":"Centro Penal","country":"SV","kind":"prison","design_capacity":1000}
{"type":"unit.certified","at":"2025-02-01T08:15:00-06:00","facility":"F-SV","unit":"M1","kind":"cell","capacity":50,"floor_area_m2":60,"beds":50}
{"type":"agreement.signed","at":"2025-03-01T10:00:00-05:00","agreement":"AG-1","sending_state":"US","receiving_state":"SV","facilities":["F-SV"],"starts":"2025-03-01","ends":"2026-02-28","fee":{"amount":600000000,"currency":"USD","persons":238,"days":365},"conditions":{"require_final_conviction":true,"allow_sending_state_nationals":false,"require_consent":false,"nationalities":"any","max_persons":100}}
{"type":"person.registered","at":"2025-03-02T09:00:00-05:00","person":"P-1","given_names":"José Ángel","family_names":"Ramírez Núñez","nationalities":["VE"]}
{"type":"person.registered","at":"2025-03-02T09:01:00-05:00","person":"P-2","given_names":"Luis","family_names":"Mendoza","nationalities":["VE"]}
{"type":"person.registered","at":"2025-03-02T09:02:00-05:00","person":"P-3","given_names":"Neri","family_names":"Alvarado","nationalities":["VE"]}
{"type":"conviction.recorded","at":"2025-03-03T09:00:00-05:00","person":"P-1","jurisdiction":"US","court":"S.D. Tex.","case":"cr-1","offense":"illegal reentry","violent":false,"final":true,"date":"2024-05-01","sentence_days":400}
{"type":"conviction.recorded","at":"2025-03-03T09:01:00-05:00","person":"P-2","jurisdiction":"US","court":"S.D. Tex.","case":"cr-2","offense":"theft","violent":false,"final":true,"date":"2024-06-01","sentence_days":300}
{"type":"allegation.recorded","at":"2025-03-03T09:02:00-05:00","person":"P-3","kind":"gang_affiliation","source":"tattoo assessment"}
{"type":"custody.admitted","at":"2025-03-05T08:00:00-05:00","person":"P-1","facility":"F-TX","unit":"A1","basis":{"kind":"immigration","reference":"A-1"}}
{"type":"custody.admitted","at":"2025-03-05T08:01:00-05:00","person":"P-2","facility":"F-TX","unit":"A1","basis":{"kind":"immigration","reference":"A-2"}}
{"type":"custody.admitted","at":"2025-03-05T08:02:00-05:00","person":"P-3","facility":"F-TX","unit":"A1","basis":{"kind":"immigration","reference":"A-3"}}
{"type":"transfer.proposed","at":"2025-03-15T07:00:00-04:00","transfer":"T-1","from_facility":"F-TX","to_facility":"F-SV","agreement":"AG-1","authority":"AEA","persons":["P-1","P-2"],"departure_planned":"2025-03-15T17:25:00-04:00"}
{"type":"transfer.proposed","at":"2025-03-15T07:05:00-04:00","transfer":"T-2","from_facility":"F-TX","to_facility":"F-SV","agreement":"AG-1","authority":"AEA","persons":["P-3"],"departure_planned":"2025-03-15T17:25:00-04:00"}
{"type":"hold.placed","at":"2025-03-15T09:40:00-04:00","hold":"H-1","kind":"court_order","issued_by":"D.D.C.","case":"1:25-cv-00766","effective_from":"2025-03-15T09:40:00-04:00","scope":{"persons":["P-1"]}}
{"type":"person.registered","at":"2025-03-20T09:00:00-04:00","person":"P-4","given_names":"Omar","family_names":"Rivas","nationalities":["VE"]}
{"type":"transfer.proposed","at":"2025-03-15T07:10:00-04:00","transfer":"T-3","from_facility":"F-TX","to_facility":"F-SV","agreement":"AG-1","authority":"AEA","persons":["P-4"],"departure_planned":"2025-03-21T17:25:00-04:00"}
EOF
HOLD_SEQ=17
BEFORE=2025-03-15T08:00:00-04:00
AFTER=2025-03-15T12:00:00-04:00

run init --db d.db
expect_rc 0 "init"
run import events.jsonl --db d.db
expect_rc 0 "import"

# ---------------------------------------------------------------- text
run check transfer T-1 --at "$BEFORE" --db d.db
expect_rc 0 "T-1 before the hold: everyone cleared"
expect_line out.txt "T-1 checked at $BEFORE" "the header names the transfer and the time"
expect_in out.txt "2: 2 cleared, 0 blocked" "the summary counts"
expect_in out.txt "José Ángel Ramírez Núñez" "the names are shown"
expect_not_in out.txt "Why blocked" "nothing to explain when all are cleared"
expect_empty err.txt "a clean check writes nothing on stderr"

run check transfer T-1 --at "$AFTER" --db d.db
expect_rc 1 "T-1 after the hold: someone blocked"
expect_in out.txt "2: 1 cleared, 1 blocked" "the summary after the hold"
expect_in out.txt "HOLD_COURT_ORDER" "the reason code"
expect_line out.txt "Why blocked" "the explanations section"
expect_line out.txt "      evidence: seq $HOLD_SEQ" "the hold's placement is the evidence"
grep -E '^  P-1 +José Ángel Ramírez Núñez +blocked +HOLD_COURT_ORDER$' out.txt >/dev/null && ok ||
    bad "P-1's row: $(cat out.txt)"
grep -E '^  P-2 +Luis Mendoza +cleared *$' out.txt >/dev/null && ok || bad "P-2's row: $(cat out.txt)"
grep -E '^    HOLD_COURT_ORDER: .+' out.txt >/dev/null && ok || bad "the reason is explained"

run check transfer T-1 --db d.db
expect_rc 1 "T-1 now: the order was never lifted"

run check transfer T-2 --at "$BEFORE" --db d.db
expect_rc 1 "T-2: no final conviction blocks even before the hold"
expect_in out.txt "NO_FINAL_CONVICTION" "an allegation is not a conviction"

# ---------------------------------------------------------------- JSON
run check transfer T-1 --at "$AFTER" --json --db d.db
expect_rc 1 "--json keeps the verdict's exit code"
expect_json "the top-level keys, in order" \
    'list(d) == ["transfer", "at", "summary", "persons"] and d["transfer"] == "T-1"'
expect_json "at is the time as given" "d['at'] == '$AFTER'"
expect_json "summary" \
    'list(d["summary"]) == ["cleared", "blocked", "by_reason"] and d["summary"]["cleared"] == 1 and d["summary"]["blocked"] == 1 and d["summary"]["by_reason"] == {"HOLD_COURT_ORDER": 1}'
expect_json "persons in the transfer's order" '[p["person"] for p in d["persons"]] == ["P-1", "P-2"]'
expect_json "a person's keys" 'all(list(p) == ["person", "verdict", "reasons"] for p in d["persons"])'
expect_json "verdicts" '[p["verdict"] for p in d["persons"]] == ["blocked", "cleared"]'
expect_json "a reason's keys and values" \
    "(lambda r: len(r) == 1 and list(r[0]) == ['code', 'explanation', 'evidence'] and r[0]['code'] == 'HOLD_COURT_ORDER' and isinstance(r[0]['explanation'], str) and len(r[0]['explanation']) > 10 and $HOLD_SEQ in r[0]['evidence'] and all(isinstance(s, int) for s in r[0]['evidence']))(d['persons'][0]['reasons'])"
expect_json "a cleared person has no reasons" 'd["persons"][1]["reasons"] == []'

run check transfer T-1 --at "$BEFORE" --json --db d.db
expect_rc 0 "--json all cleared"
expect_json "all cleared" \
    'd["summary"] == {"cleared": 2, "blocked": 0, "by_reason": {}} and all(p["verdict"] == "cleared" for p in d["persons"])'

run check transfer T-1 --json --db d.db
expect_json "without --at: now in UTC, whole seconds" \
    '__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["at"]) is not None'

run check transfer T-2 --json --at 2025-03-15T13:00:00Z --db d.db
expect_json "T-2: no final conviction, by_reason" \
    'd["summary"]["by_reason"] == {"NO_FINAL_CONVICTION": 1} and d["persons"][0]["reasons"][0]["code"] == "NO_FINAL_CONVICTION"'

# ---------------------------------------------------------------- options anywhere
run --db d.db --json check transfer T-1 --at "$AFTER"
expect_rc 1 "global options before the command"
expect_json "global --json before the command" 'd["summary"]["blocked"] == 1'
run check --at "$AFTER" --json --db d.db transfer T-1
expect_rc 1 "options before the arguments"
expect_json "options before the arguments" 'd["summary"]["blocked"] == 1'
run check transfer --db d.db T-1 --at="$BEFORE"
expect_rc 0 "options between the arguments, --at=T"
HABEAS_DB=d.db run check transfer T-1 --at "$BEFORE"
expect_rc 0 "HABEAS_DB names the ledger"

# ---------------------------------------------------------------- refusals: exit 2
run check transfer T-9 --db d.db
expect_rc 2 "an unknown transfer"
expect_line err.txt 'habeas: no transfer "T-9" in ledger d.db' "the unknown transfer's message"
expect_empty out.txt "an unknown transfer prints nothing on stdout"

run check transfer T-1 --at 2025-03-15T06:00:00-04:00 --db d.db
expect_rc 2 "--at before the transfer was proposed"
expect_in err.txt 'transfer "T-1" was not yet proposed at 2025-03-15T06:00:00-04:00' \
    "before the proposal: said so"

run check transfer T-3 --at "$AFTER" --db d.db
expect_rc 2 "--at a moment when the transfer names someone not yet registered"
expect_in err.txt 'transfer "T-3" (proposed at 2025-03-15T07:10:00-04:00) is left out of the ledger as of' \
    "a transfer left out of the as-of view: said why"
run check transfer T-3 --at 2025-03-21T00:00:00Z --db d.db
expect_rc 1 "once everything it names is known, T-3 is checked (P-4 was never admitted)"
expect_in out.txt "NOT_IN_CUSTODY" "P-4 is not held at F-TX"

run check transfer T-1 --at yesterday --db d.db
expect_rc 2 "a malformed --at"
expect_in err.txt 'habeas check: --at: expected an RFC 3339 time with offset (e.g. 2025-03-15T17:00:00-04:00' \
    "a malformed --at says what was expected"
expect_in err.txt 'found "yesterday"' "a malformed --at quotes what was found"
expect_line err.txt 'see "habeas check --help"' "a malformed --at points to help"
run check transfer T-1 --at 2025-03-15T08:00:00 --db d.db
expect_rc 2 "--at without an offset"
expect_in err.txt "(a time needs an offset: Z or +hh:mm / -hh:mm)" "a missing offset is named"
run check transfer T-1 --at 2025-02-30T08:00:00Z --db nowhere.db
expect_rc 2 "a malformed --at is refused before the ledger is opened"
expect_in err.txt "--at" "the malformed --at is what is reported"

run check person P-1 --db d.db
expect_rc 2 "a check other than transfer"
expect_in err.txt 'check what? only "check transfer ID" exists' "the other check's message"
run check --db d.db
expect_rc 2 "check without arguments"
expect_in err.txt "habeas check transfer ID" "check without arguments shows the form"
run check transfer --db d.db
expect_rc 2 "check transfer without an id"
expect_in err.txt "missing ID" "the missing id is named"
run check transfer T-1 T-2 --db d.db
expect_rc 2 "two ids"
expect_in err.txt 'unexpected argument "T-2"' "the extra argument is named"
run check transfer T-1 --when now --db d.db
expect_rc 2 "an unknown option"
run check transfer T-1 --db nowhere.db
expect_rc 2 "a ledger that does not exist"
[ ! -e nowhere.db ] && ok || bad "check created a ledger"

# ---------------------------------------------------------------- help
run check --help
expect_rc 0 "check --help"
expect_in out.txt "usage: habeas check transfer ID" "the usage line"
expect_in out.txt "--at TIME" "--help documents --at"
expect_in out.txt "exit status" "--help documents the exit codes"
run help check
cmp -s out.txt <("$HABEAS" check --help) && ok || bad "habeas help check differs from check --help"
run check transfer T-1 --help
expect_rc 0 "--help after the arguments"
run help
expect_in out.txt "  check " "check is in the command list"

run_json_checks
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
