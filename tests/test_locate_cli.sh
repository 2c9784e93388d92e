#!/usr/bin/env bash
# `habeas locate` end to end: the García example in text and JSON, given names in
# any order, the birth-date filter, nothing found (exit 0), exactly the disclosed
# fields in JSON, the refusals (exit 2: no birth country, bad date, no name, an
# argument), and --help.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

cat >events.jsonl <<'JSONL'
{"type":"facility.registered","at":"2025-03-01T08:00:00Z","facility":"F-US","name":"Example Processing Center","country":"US","kind":"detention_center","design_capacity":200,"contact":"+1 555 0100"}
{"type":"unit.certified","at":"2025-03-01T08:00:00Z","facility":"F-US","unit":"D-1","kind":"dormitory","capacity":100,"floor_area_m2":400,"beds":100}
{"type":"person.registered","at":"2025-03-03T09:00:00Z","person":"P-1","given_names":"José Ángel","family_names":"García Pérez","aliases":["Secret Alias"],"birth_date":"1990-04-23","birth_country":"VE","nationalities":["VE"],"identifiers":{"a_number":"A-SECRET"}}
{"type":"custody.admitted","at":"2025-03-03T10:00:00Z","person":"P-1","facility":"F-US","unit":"D-1","basis":{"kind":"immigration","reference":"CASE-SECRET","review_by":"2025-06-01"}}
{"type":"allegation.recorded","at":"2025-03-03T11:00:00Z","person":"P-1","kind":"gang_affiliation","source":"tattoo","detail":"SECRET"}
JSONL
run init --db l.db
expect_rc 0 "init"
run import events.jsonl --db l.db
expect_rc 0 "import"

run locate --family garcia --given jose --birth-country VE --db l.db
expect_rc 0 "the García example"
expect_in out.txt "García Pérez" "text shows the family names"
expect_in out.txt "in_custody" "text shows the status"
expect_in out.txt "Example Processing Center (US)" "text shows the facility"
expect_in out.txt "+1 555 0100" "text shows the contact"
expect_in out.txt "2025-03-03T10:00:00Z" "text shows since"
expect_not_in out.txt "1990-04-23" "text shows the birth year only"

run locate --given "angel jose" --family "GARCÍA pérez" --birth-country VE --db l.db --json
expect_rc 0 "given names in any order"
expect_json "one result" "len(d['results']) == 1"
expect_json "exactly the disclosed fields" \
    "list(d) == ['results'] and set(d['results'][0]) == {'given_names','family_names','birth_year','status','facility','since'} and set(d['results'][0]['facility']) == {'name','country','contact'}"
expect_json "the values" \
    "d['results'][0]['birth_year'] == 1990 and d['results'][0]['status'] == 'in_custody' and d['results'][0]['facility']['country'] == 'US'"
expect_not_in out.txt "SECRET" "no identifiers, allegations or basis"
expect_not_in out.txt "P-1" "no person id"
expect_not_in out.txt "D-1" "no unit"

run locate --family garcia --birth-country VE --birth-date 1990-04-24 --db l.db
expect_rc 0 "nothing found is not an error"
expect_line out.txt "no one found" "says so"
run locate --family garcia --birth-country VE --birth-date 1990-04-24 --db l.db --json
expect_json "empty results" "d == {'results': []}"
run locate --family garcia --birth-country CO --db l.db --json
expect_json "another birth country" "d == {'results': []}"

run locate --family garcia --db l.db
expect_rc 2 "birth country required"
expect_in err.txt "--birth-country" "names the option"
run locate --family garcia --birth-country VE --birth-date 23/04/1990 --db l.db
expect_rc 2 "bad birth date"
expect_in err.txt "--birth-date" "names the option"
run locate --birth-country VE --db l.db
expect_rc 2 "a name is required"
run locate garcia --birth-country VE --db l.db
expect_rc 2 "no positional argument"
run locate --family garcia --birth-country VE --db missing.db
expect_rc 2 "no ledger"

run locate --help
expect_rc 0 "help"
expect_in out.txt "usage: habeas locate" "help text"
run help
expect_in out.txt "  locate " "locate is in the command list"

run_json_checks
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
