#!/usr/bin/env bash
# Every route over real HTTP, with a real token per role: the authorisation
# matrix (route x role, the expected decision read from the served OpenAPI
# document's x-roles, which test_http_meta holds equal to authz.c), an append
# by POST then read back, the locator's matching and disclosure, and the
# locator's rate limit with 429 and Retry-After (4 a minute here).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

: "${HB_SOURCE_DIR:?set HB_SOURCE_DIR to the source tree}"
. "$HERE/http_lib.sh"
command -v curl >/dev/null || { echo "curl is needed"; exit 1; }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

run init --db d.db
run import "$HB_SOURCE_DIR/examples/minimal.jsonl" --db d.db
expect_rc 0 "import the example ledger"
declare -A TOKEN
for role in admin records transport court inspector; do
    TOKEN[$role]=$("$HABEAS" token create --role "$role" --name "t-$role" --db d.db 2>/dev/null)
done
start_server d.db --locate-rate 4

auth() { # ROLE: the curl arguments for that role's token (none for public)
    [ "$1" = public ] || printf '%s\n' -H "Authorization: Bearer ${TOKEN[$1]}"
}

# --------------------------------------------------- the matrix, over HTTP
req GET /v1/openapi.json
expect_status 200 "the OpenAPI document"
cp out.txt openapi.json
"$py" - openapi.json >ops.txt <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = {"id": None}
for path, item in d["paths"].items():
    for method, op in item.items():
        if method not in ("get", "post"):
            continue
        print(method.upper(), path, ",".join(op.get("x-roles", [])))
PY
[ -s ops.txt ] && ok || bad "the document lists operations"
while read -r method path roles; do
    concrete=$(printf '%s' "$path" | sed 's#/persons/{id}#/persons/P-EX-1#; s#/facilities/{id}#/facilities/F-EX-SV#; s#/transfers/{id}#/transfers/T-EX-1#')
    case "$concrete" in
    /v1/locate) concrete="/v1/locate?family=nunez&birth_country=VE" ;;
    esac
    for role in public admin records transport court inspector; do
        # the locator's own rate limit (3 a minute) is not the subject here
        [ "$concrete" = "/v1/locate?family=nunez&birth_country=VE" ] && [ "$role" != public ] && continue
        mapfile -t a < <(auth "$role")
        if [ "$method" = POST ]; then
            req POST "$concrete" "${a[@]}" -H 'Content-Type: application/json' --data '[]'
        else
            req GET "$concrete" "${a[@]}"
        fi
        allowed=no
        case ",$roles," in *",$role,"*) allowed=yes ;; esac
        if [ $allowed = yes ]; then
            case $status in
            401 | 403 | 000) bad "$role may $method $path: got HTTP $status: $(head -c 200 out.txt)" ;;
            *) ok ;;
            esac
        else
            want=403
            [ "$role" = public ] && want=401
            if [ "$status" = "$want" ]; then ok; else
                bad "$role may not $method $path: wanted $want, got $status"
            fi
        fi
    done
done <ops.txt

# ------------------------------------------------------ append, read back
mapfile -t rec < <(auth records)
req POST /v1/events "${rec[@]}" -H 'Content-Type: application/json' --data \
    '{"type":"person.registered","at":"2025-06-01T10:00:00Z","person":"P-HTTP-1","given_names":"Ana María","family_names":"Peña Gómez","birth_date":"1990-04-02","birth_country":"VE","nationalities":["VE"]}'
expect_status 201 "records may register a person"
expect_json "201 gives the assigned seq" 'd["first"] == d["last"] and d["seqs"] == [d["first"]]'
req GET /v1/persons/P-HTTP-1 "${rec[@]}"
expect_status 200 "the new person is readable at once"
expect_json "the record read back" '"P-HTTP-1" in json.dumps(d)'
req POST /v1/events "${rec[@]}" -H 'Content-Type: application/json' --data \
    '[{"type":"person.registered","at":"2025-06-01T10:00:00Z","person":"P-HTTP-2","given_names":"X","family_names":"Y","nationalities":["VE"]},{"type":"person.registered","at":"2025-06-01T10:00:00Z","person":"P-HTTP-2","given_names":"X","family_names":"Y","nationalities":["VE"]}]'
expect_problem 422 events-refused "a batch with a duplicate is refused whole"
req GET /v1/persons/P-HTTP-2 "${rec[@]}"
expect_status 404 "nothing of the refused batch was stored"
mapfile -t insp < <(auth inspector)
req POST /v1/events "${insp[@]}" -H 'Content-Type: application/json' --data \
    '{"type":"hold.placed","at":"2025-06-01T10:00:00Z","hold":"H-X","kind":"court_order","issued_by":"Court","case":"c-1","effective_from":"2025-06-01T10:00:00Z","scope":{"persons":["P-EX-1"]}}'
expect_problem 403 event-forbidden "an inspector may not place a hold"
mapfile -t court < <(auth court)
req GET /v1/access-log "${court[@]}"
expect_status 200 "court reads the access log"
expect_json "the read of P-HTTP-1 by the records token is logged" \
    'any(e["which"] == "P-HTTP-1" and e["role"] == "records" and e["token"] == "t-records" for e in d["entries"])'
req GET /v1/persons/P-EX-1 -H "Authorization: Bearer hb_0000000000000000000000000000000000000000000000000000000000000000"
expect_problem 401 unauthorized "an unknown token"

# ---------------------------------------------------------------- the locator
# (the matrix above made the first of the 4 locator requests a minute allowed)
req GET "/v1/locate?family=IBANEZ&given=angel%20jose&birth_country=VE"
expect_status 200 "the locator needs no token"
expect_json "found without accents or case, given names in any order, one family name" \
    'len(d["results"]) == 1 and d["results"][0]["family_names"] == "Núñez Ibáñez" and d["results"][0]["facility"]["country"] == "SV"'
expect_json "nothing but the listed fields" \
    'list(d) == ["results"] and all(set(r) == {"given_names","family_names","birth_year","status","facility","since"} for r in d["results"])'
req GET "/v1/locate?family=nunez&birth_country=VE&birth_date=1990-05-18"
expect_json "another birth date finds no one" 'd["results"] == []'
req GET "/v1/locate?family=pena"
expect_status 400 "birth_country is required"
req GET "/v1/locate?family=nunez&birth_country=VE"
expect_status 429 "the fourth request in a minute is refused"
expect_header Content-Type application/problem+json "429 is a problem"
if tr -d '\r' <hdr.txt | grep -qiE '^Retry-After: [1-9][0-9]*$'; then ok; else
    bad "429 says when to retry: $(tr -d '\r' <hdr.txt | tr '\n' '|')"
fi

stop_server
[ "$server_rc" = 0 ] && ok || bad "the server stops cleanly (exit $server_rc)"
run verify --db d.db
expect_rc 0 "the ledger verifies after the server"

run_json_checks
echo "http routes: $pass passed, $fail failed"
[ "$fail" = 0 ]
