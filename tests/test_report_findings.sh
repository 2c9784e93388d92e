#!/usr/bin/env bash
# `habeas report findings` and `habeas report profile` end to end: a small ledger
# that raises an over-capacity unit (later cleared), a blocked departure and
# arrival, a headcount with someone missing, heat and a death; the text and JSON
# forms; --facility, --since, --at, --severity, --current and --profile (built in
# and a user's file, which changes the findings); exit 1 when critical or high is
# listed, 0 when not; bad input exits 2 with its message and changes nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

: "${HB_SOURCE_DIR:?set HB_SOURCE_DIR to the source tree}"

# ---------------------------------------------------------------- the ledger
# F-A: unit A1 (capacity 2) and A2 (7 m2: 3.5 m2 each for two, enough under the
# ICRC's 3.4, not under the CPT's 4). F-B: unit B1. P-1..P-3 in A1 (the third
# puts it over capacity, seq 14), P-4 and P-5 in A2, P-6 in B1. T-1 takes P-1 and
# P-2 from F-A to F-B: approved while both were cleared (seq 19), then a court
# order names P-1 (seq 20), and both leave anyway (seq 21: A1 is no longer over
# capacity) and arrive (seq 22). A count in A2 misses P-5 (seq 23), B1 is at 35 C
# (seq 24), P-3 dies (seq 25). Every admission has a review date far ahead.
B='"basis":{"kind":"sentence","reference":"J-1","review_by":"2030-01-01"}'
cat >events.jsonl <<EOF
{"type":"facility.registered","at":"2025-01-01T00:00:00Z","facility":"F-A","name":"Prison A","country":"US","kind":"prison","design_capacity":100}
{"type":"unit.certified","at":"2025-01-01T00:01:00Z","facility":"F-A","unit":"A1","kind":"dormitory","capacity":2,"floor_area_m2":100,"beds":3}
{"type":"unit.certified","at":"2025-01-01T00:02:00Z","facility":"F-A","unit":"A2","kind":"cell","capacity":4,"floor_area_m2":7,"beds":4}
{"type":"facility.registered","at":"2025-01-01T00:03:00Z","facility":"F-B","name":"Prison B","country":"US","kind":"prison","design_capacity":50}
{"type":"unit.certified","at":"2025-01-01T00:04:00Z","facility":"F-B","unit":"B1","kind":"dormitory","capacity":10,"floor_area_m2":100,"beds":10}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-1","given_names":"Ana","family_names":"Uno","nationalities":["VE"]}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-2","given_names":"Beto","family_names":"Dos","nationalities":["VE"]}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-3","given_names":"Carla","family_names":"Tres","nationalities":["VE"]}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-4","given_names":"Dario","family_names":"Cuatro","nationalities":["VE"]}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-5","given_names":"Elena","family_names":"Cinco","nationalities":["VE"]}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-6","given_names":"Fabio","family_names":"Seis","nationalities":["VE"]}
{"type":"custody.admitted","at":"2025-02-01T08:00:00Z","person":"P-1","facility":"F-A","unit":"A1",$B}
{"type":"custody.admitted","at":"2025-02-01T08:01:00Z","person":"P-2","facility":"F-A","unit":"A1",$B}
{"type":"custody.admitted","at":"2025-02-01T08:02:00Z","person":"P-3","facility":"F-A","unit":"A1",$B}
{"type":"custody.admitted","at":"2025-02-01T08:03:00Z","person":"P-4","facility":"F-A","unit":"A2",$B}
{"type":"custody.admitted","at":"2025-02-01T08:04:00Z","person":"P-5","facility":"F-A","unit":"A2",$B}
{"type":"custody.admitted","at":"2025-02-01T08:05:00Z","person":"P-6","facility":"F-B","unit":"B1",$B}
{"type":"transfer.proposed","at":"2025-03-01T08:00:00Z","transfer":"T-1","from_facility":"F-A","to_facility":"F-B","authority":"ORDER-9","persons":["P-1","P-2"],"departure_planned":"2025-03-01T12:00:00Z"}
{"type":"transfer.approved","at":"2025-03-01T09:00:00Z","transfer":"T-1","persons":["P-1","P-2"]}
{"type":"hold.placed","at":"2025-03-01T10:00:00Z","hold":"H-1","kind":"court_order","issued_by":"District Court","case":"25-cv-1","effective_from":"2025-03-01T10:00:00Z","scope":{"persons":["P-1"]}}
{"type":"transfer.departed","at":"2025-03-01T12:00:00Z","transfer":"T-1","persons":["P-1","P-2"]}
{"type":"transfer.arrived","at":"2025-03-01T18:00:00Z","transfer":"T-1","persons":["P-1","P-2"]}
{"type":"count.recorded","at":"2025-04-01T06:00:00Z","facility":"F-A","unit":"A2","present":["P-4"]}
{"type":"condition.observed","at":"2025-05-01T14:00:00Z","facility":"F-B","unit":"B1","metric":"temperature_c","value":35}
{"type":"custody.died","at":"2025-06-01T04:00:00Z","person":"P-3","cause":"unknown"}
EOF

run init --db d.db
expect_rc 0 "init"
run import events.jsonl --db d.db
expect_rc 0 "import"
run export --db d.db
cp out.txt export-before.txt

ALL='["UNIT_OVER_CAPACITY", "BLOCKED_DEPARTURE", "BLOCKED_ARRIVAL", "HEADCOUNT_MISSING", "HEAT", "DEATH_IN_CUSTODY"]'
codes='[x["code"] for x in d["findings"]]'
one='(lambda c: [x for x in d["findings"] if x["code"] == c][0])'

# ---------------------------------------------------------------- text
run report findings --db d.db
expect_rc 1 "critical findings: exit 1"
expect_empty err.txt "a report writes nothing on stderr"
grep -E '^findings as of [0-9T:-]+Z, profile mandela-icrc: 6$' out.txt >/dev/null && ok ||
    bad "the header: $(head -1 out.txt)"
expect_line out.txt "  critical  4" "the count of critical findings"
expect_line out.txt "  high      2" "the count of high findings"
expect_line out.txt "  medium    0" "the count of medium findings"
expect_line out.txt "  low       0" "the count of low findings"
grep -E '^  severity +code +raised_at +cleared_at +subject +explanation$' out.txt >/dev/null && ok ||
    bad "the table's head: $(cat out.txt)"
grep -E '^  high +UNIT_OVER_CAPACITY +2025-02-01T08:02:00Z +2025-03-01T12:00:00Z +F-A/A1 +.{10,}$' \
    out.txt >/dev/null && ok || bad "the over-capacity row, cleared: $(cat out.txt)"
grep -E '^  critical +BLOCKED_DEPARTURE +2025-03-01T12:00:00Z +- +P-1 on T-1 +.{10,}$' \
    out.txt >/dev/null && ok || bad "the blocked departure row: $(cat out.txt)"
grep -E '^  critical +BLOCKED_ARRIVAL +2025-03-01T18:00:00Z +- +P-1 on T-1 ' out.txt >/dev/null &&
    ok || bad "the blocked arrival row: $(cat out.txt)"
grep -E '^  critical +HEADCOUNT_MISSING +2025-04-01T06:00:00Z +- +P-5 ' out.txt >/dev/null && ok ||
    bad "the headcount row: $(cat out.txt)"
grep -E '^  high +HEAT +2025-05-01T14:00:00Z +- +F-B/B1 ' out.txt >/dev/null && ok ||
    bad "the heat row: $(cat out.txt)"
grep -E '^  critical +DEATH_IN_CUSTODY +2025-06-01T04:00:00Z +- +P-3 ' out.txt >/dev/null && ok ||
    bad "the death row: $(cat out.txt)"
expect_not_in out.txt "P-2 on T-1" "P-2 was cleared: no finding"
expect_not_in out.txt "FLOOR_SPACE" "3.5 m2 each is enough under the ICRC's 3.4"

# ---------------------------------------------------------------- JSON
run report findings --json --db d.db
expect_rc 1 "--json keeps the exit code"
expect_json "top-level keys" 'list(d) == ["at", "profile", "counts", "findings"] and d["profile"] == "mandela-icrc"'
expect_json "counts" 'd["counts"] == {"critical": 4, "high": 2, "medium": 0, "low": 0}'
expect_json "every finding, in the order raised" "$codes == $ALL"
expect_json "a person finding's keys, in order" \
    "list($one('BLOCKED_DEPARTURE')) == ['code', 'severity', 'standard', 'person', 'facility', 'transfer', 'evidence', 'raised_at', 'kind', 'explanation', 'cleared_at', 'cleared_by', 'value', 'limit', 'reasons', 'evidence_more']"
expect_json "the blocked departure" \
    "(lambda x: x['severity'] == 'critical' and x['person'] == 'P-1' and x['transfer'] == 'T-1' and x['raised_at'] == '2025-03-01T12:00:00Z' and x['kind'] == 'event' and x['cleared_at'] is None and x['value'] is None and x['limit'] is None and x['reasons'] == ['HOLD_COURT_ORDER'] and 'habeas check transfer' in x['standard'] and x['evidence'] and all(isinstance(s, int) for s in x['evidence']) and len(x['explanation']) > 10)($one('BLOCKED_DEPARTURE'))"
expect_json "the unit over capacity: standing, cleared by the departure" \
    "(lambda x: x['severity'] == 'high' and x['facility'] == 'F-A' and x['unit'] == 'A1' and 'person' not in x and 'transfer' not in x and x['kind'] == 'standing' and x['raised_at'] == '2025-02-01T08:02:00Z' and x['cleared_at'] == '2025-03-01T12:00:00Z' and x['cleared_by'] == 21 and x['value'] == 3 and x['limit'] == 2 and x['reasons'] == [])($one('UNIT_OVER_CAPACITY'))"
expect_json "the headcount names the count as evidence" \
    "(lambda x: x['person'] == 'P-5' and 23 in x['evidence'] and x['severity'] == 'critical')($one('HEADCOUNT_MISSING'))"
expect_json "the heat: figures against the profile's" \
    "(lambda x: x['value'] == 35 and abs(x['limit'] - 31.1) < 1e-9 and x['facility'] == 'F-B' and x['unit'] == 'B1' and 'r. 13' in x['standard'])($one('HEAT'))"
expect_json "the death" \
    "(lambda x: x['person'] == 'P-3' and 25 in x['evidence'] and 'r. 71' in x['standard'])($one('DEATH_IN_CUSTODY'))"

# ---------------------------------------------------------------- time: --at, --since, --current
run report findings --at 2025-01-15T00:00:00Z --db d.db
expect_rc 0 "nothing raised yet: exit 0"
expect_in out.txt ": 0" "the header counts none"
expect_line out.txt "no findings listed" "says so"

run report findings --at 2025-02-15T00:00:00-05:00 --json --db d.db
expect_rc 1 "a high finding: exit 1"
expect_json "as of mid-February: the unit over capacity, not cleared yet" \
    "$codes == ['UNIT_OVER_CAPACITY'] and d['findings'][0]['cleared_at'] is None and d['findings'][0]['cleared_by'] is None and d['at'] == '2025-02-15T05:00:00Z'"
expect_json "a clearing after --at is not told in the explanation" \
    "'Cleared' not in d['findings'][0]['explanation'] and '2025-03-01' not in d['findings'][0]['explanation']"

run report findings --current --json --db d.db
expect_json "--current leaves out the cleared one, keeps event findings" "$codes == $ALL[1:]"

run report findings --since 2025-03-01T11:00:00Z --at 2025-04-15T00:00:00Z --json --db d.db
expect_json "--since and --at together" \
    "$codes == ['BLOCKED_DEPARTURE', 'BLOCKED_ARRIVAL', 'HEADCOUNT_MISSING']"
run report findings --since 2025-06-01T04:00:00Z --db d.db
expect_rc 1 "--since is inclusive"
expect_in out.txt "DEATH_IN_CUSTODY" "--since is inclusive"
expect_in out.txt ", since 2025-06-01T04:00:00Z: 1" "the header names the filter"

# ---------------------------------------------------------------- --facility, --severity
run report findings --facility F-B --json --db d.db
expect_json "--facility F-B: the transfer to it and its heat" \
    "$codes == ['BLOCKED_DEPARTURE', 'BLOCKED_ARRIVAL', 'HEAT']"
run report findings --facility F-A --json --db d.db
expect_json "--facility F-A: its unit, the transfer from it, its headcount" \
    "all(c in $codes for c in ['UNIT_OVER_CAPACITY', 'BLOCKED_DEPARTURE', 'HEADCOUNT_MISSING']) and 'HEAT' not in $codes"

run report findings --severity critical --json --db d.db
expect_rc 1 "critical listed"
expect_json "--severity critical" \
    "$codes == ['BLOCKED_DEPARTURE', 'BLOCKED_ARRIVAL', 'HEADCOUNT_MISSING', 'DEATH_IN_CUSTODY'] and d['counts']['high'] == 0"
run report findings --severity high --json --db d.db
expect_json "--severity high: critical and high" "$codes == $ALL"
run report findings --severity medium --facility F-B --since 2025-04-01T00:00:00Z --db d.db
expect_rc 1 "heat is high: exit 1"
expect_in out.txt ", facility F-B, since 2025-04-01T00:00:00Z, medium and worse: 1" "the header names every filter"

# ---------------------------------------------------------------- --profile
run report findings --profile mandela-cpt --json --db d.db
expect_rc 1 "the CPT profile"
expect_json "the CPT's 4 m2: A2's 3.5 m2 each is a finding" \
    "d['profile'] == 'mandela-cpt' and (lambda x: x['unit'] == 'A2' and abs(x['value'] - 3.5) < 1e-9 and x['limit'] == 4 and x['raised_at'] == '2025-02-01T08:04:00Z')($one('FLOOR_SPACE'))"

run report profile mandela-icrc
expect_rc 0 "the default profile as shipped"
cp out.txt icrc.json
sed -e 's/"value": 31.1/"value": 36/' -e 's/"name": "mandela-icrc"/"name": "cooler"/' icrc.json >cooler.json
run report findings --profile cooler.json --json --db d.db
expect_rc 1 "a user's profile"
expect_json "a user's heat limit of 36 C: no heat finding at 35" \
    "d['profile'] == 'cooler' and 'HEAT' not in $codes and len($codes) == 5"
sed -e 's/"severity": "critical"/"severity": "low"/; s/"severity": "high"/"severity": "medium"/' \
    icrc.json >mild.json
run report findings --profile ./mild.json --db d.db
expect_rc 0 "nothing critical or high under a profile that rates nothing so: exit 0"
expect_line out.txt "  low       4" "severities come from the profile"

# ---------------------------------------------------------------- bad input: exit 2
run report findings --facility F-X --db d.db
expect_rc 2 "unknown facility"
expect_in err.txt 'no facility "F-X" in ledger d.db' "names it"
expect_empty out.txt "nothing printed on stdout"
run report findings --since yesterday --db d.db
expect_rc 2 "malformed --since"
expect_in err.txt '--since: expected an RFC 3339 time with offset' "says what it expected"
expect_in err.txt 'found "yesterday"' "and what it found"
run report findings --at 2025-03-01T00:00:00 --db d.db
expect_rc 2 "--at without an offset"
expect_in err.txt '--at: expected an RFC 3339 time' "--at is checked"
expect_in err.txt '(a time needs an offset: Z or +hh:mm / -hh:mm)' "says the offset is missing"
run report findings --severity urgent --db d.db
expect_rc 2 "unknown severity"
expect_in err.txt '--severity: expected critical, high, medium or low, found "urgent"' "names the choices"
run report findings --profile nope --db d.db
expect_rc 2 "unknown profile"
expect_in err.txt 'unknown profile "nope": no built-in profile of that name (built in: mandela-icrc, mandela-cpt)' "lists the built-in ones"
run report findings --profile missing.json --db d.db
expect_rc 2 "a profile file that does not exist"
expect_in err.txt 'cannot read profile missing.json' "says so"
sed 's/"severity": "high"/"severity": "urgent"/' cooler.json >bad.json
run report findings --profile bad.json --db d.db
expect_rc 2 "a profile file that does not parse"
expect_in err.txt 'habeas: bad.json: findings.HEAT.severity: expected one of critical, high, medium, low, found "urgent"' "the parser's message"
printf '{"name": "x",' >broken.json
run report findings --profile broken.json --db d.db
expect_rc 2 "a profile file that is not JSON"
expect_in err.txt 'broken.json:1:' "with the line"
run report findings extra --db d.db
expect_rc 2 "an argument"
run report findings --db nothere.db
expect_rc 2 "a missing ledger"
run export --db d.db
cmp -s out.txt export-before.txt && ok || bad "a report changes nothing stored"

run report findings --help
expect_rc 0 "--help"
expect_in out.txt "usage: habeas report findings" "--help prints the usage"

# ---------------------------------------------------------------- report profile
run report profile
expect_rc 0 "the list"
expect_line out.txt "  mandela-icrc (the default)" "the default first"
expect_line out.txt "  mandela-cpt" "the CPT profile"
expect_in out.txt "Ball v. LeBlanc" "descriptions are shown"
run report profile --json
expect_json "the list as JSON" \
    '[(p["name"], p["default"]) for p in d["profiles"]] == [("mandela-icrc", True), ("mandela-cpt", False)] and all(len(p["description"]) > 50 for p in d["profiles"])'
run report profile mandela-cpt
expect_rc 0 "one profile"
cmp -s out.txt "$HB_SOURCE_DIR/profiles/mandela-cpt.json" && ok ||
    bad "report profile NAME prints the file as shipped"
run report profile cooler.json
expect_rc 0 "a user's valid profile"
cmp -s out.txt cooler.json && ok || bad "a valid file is printed as given"
run report profile bad.json
expect_rc 2 "a user's invalid profile"
expect_in err.txt 'bad.json: findings.HEAT.severity' "says where"
expect_empty out.txt "nothing printed for an invalid profile"
run report profile nope
expect_rc 2 "an unknown profile"
expect_in err.txt 'unknown profile "nope"' "says so"
run report profile a b
expect_rc 2 "two arguments"

# ------------------------------------------- timed findings that never came due
# P-R's review date is 2025-03-01 but they are released on 2025-02-15: no review
# was ever overdue, so no REVIEW_OVERDUE is listed (cleared before raised). P-K
# is still held past the same date: theirs is listed, raised the day after.
R='"basis":{"kind":"sentence","reference":"J-2","review_by":"2025-03-01"}'
cat >timed.jsonl <<EOF
{"type":"facility.registered","at":"2025-01-01T00:00:00Z","facility":"F-T","name":"Prison T","country":"US","kind":"prison","design_capacity":100}
{"type":"unit.certified","at":"2025-01-01T00:01:00Z","facility":"F-T","unit":"T1","kind":"dormitory","capacity":10,"floor_area_m2":100,"beds":10}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-R","given_names":"Rosa","family_names":"Libre","nationalities":["VE"]}
{"type":"person.registered","at":"2025-01-02T00:00:00Z","person":"P-K","given_names":"Kike","family_names":"Preso","nationalities":["VE"]}
{"type":"custody.admitted","at":"2025-02-01T08:00:00Z","person":"P-R","facility":"F-T","unit":"T1",$R}
{"type":"custody.admitted","at":"2025-02-01T08:01:00Z","person":"P-K","facility":"F-T","unit":"T1",$R}
{"type":"custody.released","at":"2025-02-15T10:00:00Z","person":"P-R","reason":"sentence served","released_to":"family"}
EOF
run init --db t.db
run import timed.jsonl --db t.db
expect_rc 0 "import the timed ledger"
run report findings --db t.db --json
expect_json "a review that never came due is not listed" \
    '[(x["code"], x.get("person")) for x in d["findings"]] == [("REVIEW_OVERDUE", "P-K")] and d["findings"][0]["raised_at"] == "2025-03-02T00:00:00Z"'
run report findings --db t.db
expect_not_in out.txt "P-R" "the text report does not list it either"

run_json_checks
echo "report findings: $pass passed, $fail failed"
[ "$fail" = 0 ]
