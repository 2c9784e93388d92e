#!/usr/bin/env bash
# `habeas report costs` and `habeas report occupancy` end to end: the DESIGN.md
# figures (238 persons for a year at 25,000 against 60,000 USD) in text and JSON,
# --at as a date and as a time, a term still running, a currency mismatch, an
# agreement without a baseline, yen without decimals, the --agreement and
# --facility filters, the refusals (exit 2 with what and why), that a report
# writes nothing to the ledger, and both reports on `habeas demo`.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

# ---------------------------------------------------------------- the ledger
# AG-1 is the DESIGN.md agreement: 5,950,000.00 USD for 238 persons for 365 days,
# baseline 60,000.00 USD per person-year, term 2025-03-16 .. 2026-03-15. 238
# persons are admitted under it to F-SV unit M1 (capacity 200, 150 beds) on the
# first day. M2 stays empty. AG-EUR's baseline is in euros, AG-JPY has a fee in
# yen and no baseline; nobody is held under either. F-TX holds nobody.
{
    cat <<'EOF'
{"type":"facility.registered","at":"2025-01-01T00:00:00Z","facility":"F-TX","name":"Texas Detention Center","country":"US","kind":"detention_center","design_capacity":100}
{"type":"unit.certified","at":"2025-01-01T00:05:00Z","facility":"F-TX","unit":"A1","kind":"dormitory","capacity":50,"floor_area_m2":300,"beds":50}
{"type":"facility.registered","at":"2025-01-01T00:10:00Z","facility":"F-SV","name":"Centro Penal","country":"SV","kind":"prison","design_capacity":40000}
{"type":"unit.certified","at":"2025-01-01T00:15:00Z","facility":"F-SV","unit":"M1","kind":"cell","capacity":200,"floor_area_m2":1000,"beds":150}
{"type":"unit.certified","at":"2025-01-01T00:20:00Z","facility":"F-SV","unit":"M2","kind":"cell","capacity":5,"floor_area_m2":40.5,"beds":5}
{"type":"agreement.signed","at":"2025-03-01T10:00:00-05:00","agreement":"AG-1","sending_state":"US","receiving_state":"SV","facilities":["F-SV"],"starts":"2025-03-16","ends":"2026-03-15","fee":{"amount":595000000,"currency":"USD","persons":238,"days":365},"baseline_cost":{"amount":6000000,"currency":"USD","per":"person_year"}}
{"type":"agreement.signed","at":"2025-03-02T10:00:00Z","agreement":"AG-EUR","sending_state":"US","receiving_state":"SV","facilities":["F-SV"],"starts":"2025-03-16","ends":"2026-03-15","fee":{"amount":595000000,"currency":"USD","persons":238,"days":365},"baseline_cost":{"amount":5500000,"currency":"EUR","per":"person_year"}}
{"type":"agreement.signed","at":"2025-03-03T10:00:00Z","agreement":"AG-JPY","sending_state":"US","receiving_state":"SV","facilities":["F-SV"],"starts":"2025-03-16","ends":"2026-03-15","fee":{"amount":900000000,"currency":"JPY","persons":238,"days":365}}
EOF
    for i in $(seq 1 238); do
        printf '{"type":"person.registered","at":"2025-03-10T00:00:00Z","person":"P-%d","given_names":"G","family_names":"F"}\n' "$i"
        printf '{"type":"custody.admitted","at":"2025-03-16T12:00:00Z","person":"P-%d","facility":"F-SV","unit":"M1","basis":{"kind":"agreement","reference":"AG-1"}}\n' "$i"
    done
} >events.jsonl

run init --db d.db
expect_rc 0 "init"
run import events.jsonl --db d.db
expect_rc 0 "import"
sum_before=$(sha256sum d.db)
export_before=$("$HABEAS" export --db d.db | sha256sum)

# ---------------------------------------------------------------- costs, text
run report costs --at 2026-03-15 --db d.db
expect_rc 0 "costs at the term's last day"
expect_line out.txt "Costs on 2026-03-15 (UTC date; open stays counted up to and including it), as of 2026-03-15" \
    "the header names the date"
grep -E '^  AG-1 +2025-03-16\.\.2026-03-15 +running +238 +86870 +5,950,000\.00 USD +25,000\.00 USD +14,280,000\.00 USD +8,330,000\.00 USD$' \
    out.txt >/dev/null && ok || bad "AG-1's row: $(cat out.txt)"
grep -E '^  AG-EUR +.* +0 +0\.00 USD +25,000\.00 USD +0\.00 EUR +-$' out.txt >/dev/null && ok ||
    bad "AG-EUR's row: a baseline in euros, no difference: $(cat out.txt)"
grep -E '^  AG-JPY +.* +0 +0 JPY +3,781,513 JPY +- +-$' out.txt >/dev/null && ok ||
    bad "AG-JPY's row: yen without decimals, no baseline: $(cat out.txt)"
expect_line out.txt "  AG-EUR: not comparable: fee in USD, baseline in EUR" "the mismatch is said"
expect_line out.txt "  AG-JPY: no baseline cost recorded: no difference" "the missing baseline is said"
expect_in out.txt "difference = baseline - fee accrued" "the difference is defined"
expect_empty err.txt "a clean report writes nothing on stderr"

run report costs --at 2030-01-01 --agreement AG-1 --db d.db
expect_rc 0 "costs long after the term"
grep -E '^  AG-1 .* ended +238 +86870 +5,950,000\.00 USD' out.txt >/dev/null && ok ||
    bad "after the term, open stays are clipped to it: $(cat out.txt)"
expect_in out.txt "AG-1: the term ended on 2026-03-15: the 238 persons still held under it accrue nothing after that day" \
    "those still held after the term are named"

run report costs --at 2025-03-16 --agreement AG-1 --db d.db
expect_rc 0 "costs on the first day"
grep -E '^  AG-1 .* running +238 +238 +16,301\.37 USD +25,000\.00 USD +39,123\.29 USD +22,821\.92 USD$' \
    out.txt >/dev/null && ok || bad "the first day counts, rounded to the cent: $(cat out.txt)"
expect_not_in out.txt "AG-EUR" "--agreement shows only that agreement"

run report costs --at 2025-03-10 --agreement AG-1 --db d.db
expect_rc 0 "before the term"
grep -E '^  AG-1 .* not started +0 +0 +0\.00 USD' out.txt >/dev/null && ok ||
    bad "before the term: nobody held yet, nothing accrued: $(cat out.txt)"

# ---------------------------------------------------------------- costs, JSON
run report costs --at 2026-03-15 --json --db d.db
expect_rc 0 "costs --json"
expect_json "top-level keys" 'list(d) == ["at", "date", "agreements"] and d["at"] == "2026-03-15" and d["date"] == "2026-03-15"'
expect_json "agreements in signing order" '[a["agreement"] for a in d["agreements"]] == ["AG-1", "AG-EUR", "AG-JPY"]'
expect_json "AG-1's figures in minor units" \
    '(lambda a: a["person_days"] == 86870 and a["fee_accrued"] == 595000000 and a["fee_per_person_year"] == 2500000 and a["baseline"] == 1428000000 and a["difference"] == 833000000 and a["comparable"] is True)(d["agreements"][0])'
expect_json "AG-1's currency and term" \
    '(lambda a: a["currency"] == "USD" and a["minor_unit_digits"] == 2 and a["minor_unit_assumed"] is False and a["baseline_currency"] == "USD" and a["starts"] == "2025-03-16" and a["ends"] == "2026-03-15" and a["status"] == "running" and a["term_ended"] is False and a["held_now"] == 238 and a["sending_state"] == "US" and a["receiving_state"] == "SV")(d["agreements"][0])'
expect_json "AG-1's terms as signed" \
    'd["agreements"][0]["fee"] == {"amount": 595000000, "currency": "USD", "persons": 238, "days": 365} and d["agreements"][0]["baseline_cost"] == {"amount": 6000000, "currency": "USD", "per": "person_year"}'
expect_json "AG-1 has no notes and no overflow" 'd["agreements"][0]["notes"] == [] and d["agreements"][0]["overflow"] == []'
expect_json "AG-EUR: not comparable, difference null" \
    '(lambda a: a["comparable"] is False and a["difference"] is None and a["baseline"] == 0 and a["baseline_currency"] == "EUR" and a["notes"] == ["not comparable: fee in USD, baseline in EUR"])(d["agreements"][1])'
expect_json "AG-JPY: no decimals, no baseline" \
    '(lambda a: a["minor_unit_digits"] == 0 and a["fee_per_person_year"] == 3781513 and a["baseline"] is None and a["baseline_cost"] is None and a["baseline_currency"] is None and a["baseline_minor_unit_digits"] is None and a["difference"] is None)(d["agreements"][2])'
expect_json "every row has the same keys, in order" 'len(set(tuple(a) for a in d["agreements"])) == 1'

run report costs --at 2025-03-16T23:30:00-05:00 --agreement AG-1 --json --db d.db
expect_rc 0 "--at as a time"
expect_json "a time's UTC date is the report date" \
    'd["at"] == "2025-03-16T23:30:00-05:00" and d["date"] == "2025-03-17" and d["agreements"][0]["person_days"] == 476'

run report costs --json --db d.db
expect_json "without --at: today, whole seconds in UTC" \
    '__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["at"]) is not None and d["at"][:10] == d["date"]'

run --db d.db --json report costs --agreement AG-1 --at 2026-03-15
expect_rc 0 "options before the report kind"
expect_json "options before the kind apply" 'd["agreements"][0]["difference"] == 833000000'

# ---------------------------------------------------------------- occupancy
run report occupancy --db d.db
expect_rc 0 "occupancy"
expect_in out.txt "Occupancy now, as of " "the occupancy header"
grep -E '^  F-SV +prison +238 +205 +116% +40000 +155 +1040\.5 +4\.4 +over capacity; 83 without a bed$' \
    out.txt >/dev/null && ok || bad "F-SV's row (totals over its units): $(cat out.txt)"
grep -E '^    M1 +cell +238 +200 +119% +- +150 +1000\.0 +4\.2 +over capacity; 88 without a bed$' \
    out.txt >/dev/null && ok || bad "M1's row, over capacity: $(cat out.txt)"
grep -E '^    M2 +cell +0 +5 +0% +- +5 +40\.5 +-$' out.txt >/dev/null && ok ||
    bad "M2's row, empty: no m2 per person: $(cat out.txt)"
grep -E '^  F-TX +detention_center +0 +50 +0% +100 +50 +300\.0 +-$' out.txt >/dev/null && ok ||
    bad "F-TX's row, nobody held: $(cat out.txt)"

run report occupancy --facility F-SV --json --db d.db
expect_rc 0 "occupancy --facility --json"
expect_json "top-level keys" 'list(d) == ["at", "facilities"] and [f["facility"] for f in d["facilities"]] == ["F-SV"]'
expect_json "the facility's figures" \
    '(lambda f: f["held"] == 238 and f["capacity"] == 205 and f["design_capacity"] == 40000 and f["beds"] == 155 and f["floor_area_m2"] == 1040.5 and f["m2_per_person"] == 4.37 and f["percent_of_capacity"] == 116 and f["over_capacity"] is True and f["over_design_capacity"] is False and f["without_bed"] == 83 and f["unassigned"] == 0 and f["kind"] == "prison" and f["country"] == "SV" and f["name"] == "Centro Penal")(d["facilities"][0])'
expect_in out.txt '"m2_per_person": 4.2,' "reals are printed short, not as 4.2000000000000002"
expect_json "the units, in certification order" '[u["unit"] for u in d["facilities"][0]["units"]] == ["M1", "M2"]'
expect_json "M1 over capacity" \
    '(lambda u: u["held"] == 238 and u["capacity"] == 200 and u["m2_per_person"] == 4.2 and u["over_capacity"] is True and u["without_bed"] == 88 and u["percent_of_capacity"] == 119 and u["kind"] == "cell")(d["facilities"][0]["units"][0])'
expect_json "M2 empty: m2_per_person null" \
    '(lambda u: u["held"] == 0 and u["m2_per_person"] is None and u["floor_area_m2"] == 40.5 and u["over_capacity"] is False and u["percent_of_capacity"] == 0)(d["facilities"][0]["units"][1])'

run report occupancy --facility F-TX --db d.db
expect_rc 0 "occupancy --facility F-TX"
expect_not_in out.txt "F-SV" "--facility shows only that facility"

# ---------------------------------------------------------------- refusals: exit 2
run report costs --agreement AG-9 --db d.db
expect_rc 2 "an unknown agreement"
expect_line err.txt 'habeas: report costs: no agreement "AG-9" in ledger d.db' "the unknown agreement's message"
expect_empty out.txt "an unknown agreement prints nothing on stdout"
run report costs --agreement AG-1 --at 2025-02-01 --db d.db
expect_rc 2 "an agreement not yet signed at --at"
expect_in err.txt 'agreement "AG-1" was not yet signed at 2025-02-01 (it was signed at 2025-03-01T15:00:00Z)' \
    "not yet signed: said so, with when"
# F-LATE's registration is dated June but recorded first; AG-LATE (March) names it.
cat >late.jsonl <<'EOF'
{"type":"facility.registered","at":"2025-06-01T00:00:00Z","facility":"F-LATE","name":"Late","country":"SV","kind":"prison","design_capacity":10}
{"type":"agreement.signed","at":"2025-03-05T00:00:00Z","agreement":"AG-LATE","sending_state":"US","receiving_state":"SV","facilities":["F-LATE"],"starts":"2025-03-16","ends":"2026-03-15","fee":{"amount":100,"currency":"USD","persons":1,"days":1}}
EOF
run init --db late.db
run import late.jsonl --db late.db
expect_rc 0 "import of an agreement naming a facility dated later"
run report costs --agreement AG-LATE --at 2025-04-01 --db late.db
expect_rc 2 "an agreement left out of the as-of view"
expect_in err.txt 'agreement "AG-LATE" (signed at 2025-03-05T00:00:00Z) is left out of the ledger as of 2025-04-01' \
    "left out: said why"
run report costs --agreement AG-LATE --at 2025-06-01 --db late.db
expect_rc 0 "once its facility is known, the agreement is reported"
for bad_at in yesterday 2025-13-01 2025-02-30 2025-03-16T12:00:00 20250316; do
    run report costs --at "$bad_at" --db d.db
    expect_rc 2 "a malformed --at ($bad_at)"
    expect_in err.txt "habeas report costs: --at: expected a date YYYY-MM-DD or an RFC 3339 time with offset" \
        "a malformed --at says what was expected ($bad_at)"
    expect_in err.txt "found \"$bad_at\"" "a malformed --at quotes what was found ($bad_at)"
done
expect_line err.txt 'see "habeas report costs --help"' "a malformed --at points to help"
run report costs --at 2025-03-16T12:00:00 --db d.db
expect_in err.txt "(a time needs an offset: Z or +hh:mm / -hh:mm)" "a missing offset is named"
run report costs --at 2025-13-01 --db nowhere.db
expect_rc 2 "a malformed --at is refused before the ledger is opened"
expect_in err.txt "--at" "the malformed --at is what is reported"
run report costs AG-1 --db d.db
expect_rc 2 "an unexpected argument to costs"
expect_in err.txt 'habeas report costs: unexpected argument "AG-1"' "costs names the extra argument"
run report costs --currency USD --db d.db
expect_rc 2 "an unknown option to costs"
run report occupancy --facility F-9 --db d.db
expect_rc 2 "an unknown facility"
expect_line err.txt 'habeas: report occupancy: no facility "F-9" in ledger d.db' "the unknown facility's message"
expect_empty out.txt "an unknown facility prints nothing on stdout"
run report occupancy F-SV --db d.db
expect_rc 2 "an unexpected argument to occupancy"
expect_in err.txt 'habeas report occupancy: unexpected argument "F-SV"' "occupancy names the extra argument"
run report costs --db nowhere.db
expect_rc 2 "a ledger that does not exist"
[ ! -e nowhere.db ] && ok || bad "a report created a ledger"

# ---------------------------------------------------------------- nothing written
[ "$(sha256sum d.db)" = "$sum_before" ] && ok || bad "a report changed the ledger file"
[ "$("$HABEAS" export --db d.db | sha256sum)" = "$export_before" ] && ok ||
    bad "a report changed the exported log"

# ---------------------------------------------------------------- help
run report costs --help
expect_rc 0 "costs --help"
expect_in out.txt "usage: habeas report costs [--agreement ID] [--at DATE|TIME]" "the costs usage line"
expect_in out.txt "examples:" "costs --help has examples"
run report occupancy --help
expect_rc 0 "occupancy --help"
expect_in out.txt "usage: habeas report occupancy [--facility ID]" "the occupancy usage line"

# ---------------------------------------------------------------- the demo
run demo --db demo.db
expect_rc 0 "demo"
run report costs --json --db demo.db --at 2026-03-14
expect_rc 0 "costs on the demo"
expect_json "the demo's agreement: 6,000,000.00 USD for 238 persons for a year" \
    'len(d["agreements"]) == 1 and d["agreements"][0]["fee_per_person_year"] == 2521008 and d["agreements"][0]["person_days"] > 0 and d["agreements"][0]["comparable"] is True'
run report occupancy --db demo.db
expect_rc 0 "occupancy on the demo"
expect_in out.txt "F-CECOT" "the demo's mega-prison is listed"

run_json_checks
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
