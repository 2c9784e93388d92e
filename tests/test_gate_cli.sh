#!/usr/bin/env bash
# The approval gate from the command line: `habeas import` of a file whose
# transfer.approved lists a blocked person exits 2, names the line, the person and
# every reason, and stores nothing (not even the file's valid lines); the same
# approval without that person is imported; a departure of the blocked person is
# a fact and is imported; `check transfer` still shows the blocked person.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

# T-1 from F-TX to F-SV under AG-1 (a final conviction required). P-1 has one;
# P-7 has only an allegation and is protected from removal to SV.
cat >base.jsonl <<'JSONL'
{"type":"facility.registered","at":"2025-02-01T08:00:00-05:00","facility":"F-TX","name":"Texas Detention Center","country":"US","kind":"detention_center","design_capacity":100}
{"type":"unit.certified","at":"2025-02-01T08:05:00-05:00","facility":"F-TX","unit":"A1","kind":"dormitory","capacity":50,"floor_area_m2":300,"beds":50}
{"type":"facility.registered","at":"2025-02-01T08:10:00-06:00","facility":"F-SV","name":"Centro Penal","country":"SV","kind":"prison","design_capacity":1000}
{"type":"agreement.signed","at":"2025-03-01T10:00:00-05:00","agreement":"AG-1","sending_state":"US","receiving_state":"SV","facilities":["F-SV"],"starts":"2025-03-01","ends":"2026-02-28","fee":{"amount":600000000,"currency":"USD","persons":238,"days":365},"conditions":{"require_final_conviction":true,"allow_sending_state_nationals":false,"require_consent":false,"nationalities":"any","max_persons":100}}
{"type":"person.registered","at":"2025-03-02T09:00:00-05:00","person":"P-1","given_names":"José","family_names":"Ramírez","nationalities":["VE"]}
{"type":"person.registered","at":"2025-03-02T09:06:00-05:00","person":"P-7","given_names":"Kilmar","family_names":"García","nationalities":["SV"]}
{"type":"conviction.recorded","at":"2025-03-03T09:00:00-05:00","person":"P-1","jurisdiction":"US","court":"S.D. Tex.","case":"cr-1","offense":"illegal reentry","violent":false,"final":true,"date":"2024-05-01","sentence_days":400}
{"type":"allegation.recorded","at":"2025-03-03T09:05:00-05:00","person":"P-7","kind":"gang_affiliation","source":"tattoo assessment"}
{"type":"status.recorded","at":"2025-03-03T10:00:00-05:00","person":"P-7","jurisdiction":"US","status":"withholding_of_removal","country":"SV","valid_from":"2019-05-14","source":"Immigration Court, Baltimore"}
{"type":"custody.admitted","at":"2025-03-05T08:00:00-05:00","person":"P-1","facility":"F-TX","unit":"A1","basis":{"kind":"immigration","reference":"A-1"}}
{"type":"custody.admitted","at":"2025-03-05T08:01:00-05:00","person":"P-7","facility":"F-TX","unit":"A1","basis":{"kind":"immigration","reference":"A-7"}}
{"type":"transfer.proposed","at":"2025-03-15T07:00:00-04:00","transfer":"T-1","from_facility":"F-TX","to_facility":"F-SV","agreement":"AG-1","authority":"AEA","persons":["P-1","P-7"],"departure_planned":"2025-03-15T17:25:00-04:00"}
JSONL
cat >blocked.jsonl <<'JSONL'
{"type":"person.registered","at":"2025-03-15T11:00:00-04:00","person":"P-9","given_names":"Omar","family_names":"Rivas","nationalities":["VE"]}
{"type":"transfer.approved","at":"2025-03-15T12:00:00-04:00","transfer":"T-1","persons":["P-1","P-7"]}
JSONL
cat >cleared.jsonl <<'JSONL'
{"type":"transfer.approved","at":"2025-03-15T12:00:00-04:00","transfer":"T-1","persons":["P-1"]}
JSONL
cat >flight.jsonl <<'JSONL'
{"type":"transfer.departed","at":"2025-03-15T17:25:00-04:00","transfer":"T-1","persons":["P-1","P-7"]}
JSONL

run init --db g.db
run import base.jsonl --db g.db
expect_rc 0 "the base imports"
"$HABEAS" export --db g.db >before.jsonl

# ---------------------------------------------------------------- refused
run import blocked.jsonl --db g.db
expect_rc 2 "an approval of a blocked person is refused"
expect_in err.txt 'blocked.jsonl:2: transfer.approved.persons[1]: "P-7" is blocked: NON_REFOULEMENT (Withholding of removal to SV' \
    "the line, the field, the person and the first reason"
expect_in err.txt '; NO_FINAL_CONVICTION (Agreement AG-1 requires a final conviction' "every reason"
expect_not_in err.txt '"P-1" is blocked' "the cleared person is not named"
expect_in err.txt "nothing was imported" "the refusal says nothing was stored"
"$HABEAS" export --db g.db >after.jsonl
cmp -s before.jsonl after.jsonl && ok || bad "a refused approval changed the ledger"
run transfer T-1 --db g.db
expect_in out.txt "2: 2 proposed, 0 approved, 0 cancelled" "nobody was approved"
run person P-9 --db g.db
expect_rc 2 "the file's valid first line was not kept either"

run import blocked.jsonl --json --db g.db
expect_rc 2 "--json: refused"
expect_json "--json: the refusal in the errors" \
    'd["imported"] == 0 and d["error_count"] == 1 and "\"P-7\" is blocked: NON_REFOULEMENT" in d["errors"][0]'

# ---------------------------------------------------------------- accepted
run import cleared.jsonl --db g.db
expect_rc 0 "an approval of the cleared person only"
run import flight.jsonl --db g.db
expect_rc 0 "the departure of a blocked person is a fact: recorded"
run transfer T-1 --db g.db
expect_in out.txt "2: 0 proposed, 0 approved, 0 cancelled, 2 departed" "both departed"

run check transfer T-1 --at 2025-03-15T12:00:00-04:00 --db g.db
expect_rc 1 "check still shows the blocked person"
grep -E '^  P-7 +Kilmar García +blocked +NON_REFOULEMENT, NO_FINAL_CONVICTION$' out.txt >/dev/null && ok ||
    bad "P-7's row: $(cat out.txt)"

run_json_checks
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
