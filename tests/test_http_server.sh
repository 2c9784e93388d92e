#!/usr/bin/env bash
# `habeas serve` over real HTTP on loopback: the server's own answers (404, 405,
# the body, depth and header limits), percent-decoding, keep-alive, loopback by
# default, usage errors, and graceful stops on SIGTERM (with a request in
# flight: it completes, nothing is half-written) and SIGINT.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # checks $HABEAS, cds into a fresh temp folder

. "$HERE/http_lib.sh"
command -v curl >/dev/null || { echo "curl is needed"; exit 1; }

cat >events.jsonl <<'EOF'
{"type":"facility.registered","at":"2025-01-10T09:00:00-06:00","facility":"F-CECOT","name":"Centro de Confinamiento del Terrorismo","country":"SV","kind":"prison","design_capacity":40000,"contact":"+503 2200 0000"}
{"type":"facility.registered","at":"2025-01-10T09:05:00-05:00","facility":"F-KROME","name":"Krome North Processing Center","country":"US","kind":"detention_center","design_capacity":600}
EOF
run init --db t.db
expect_rc 0 "init"
run import events.jsonl --db t.db
expect_rc 0 "import"

# ---------------------------------------------------------------- start, loopback
SERVE_LISTEN=":0" start_server t.db --body-limit 1024 ||
    { echo "FAIL: the server did not start"; exit 1; }
expect_in server.out "habeas: serving t.db at http://127.0.0.1:" "the URL line"
expect_in server.out "(2 events, 0 findings now)" "the URL line counts events and findings"
port=$(server_port)
[ "$port" -gt 0 ] && [ "$port" != 8080 ] && ok || bad "port 0 picks a free port: got $port"
# /proc/net/tcp: the listening socket (state 0A) on that port is bound to 127.0.0.1.
hexport=$(printf '%04X' "$port")
bound=$(awk -v p=":$hexport" '$4 == "0A" && substr($2, length($2) - 4) == p { print $2 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u | tr '\n' ' ')
[ "$bound" = "0100007F:$hexport " ] && ok || bad ":PORT listens on loopback only: bound [$bound]"
run serve --help
expect_in out.txt "default 127.0.0.1:8080: this machine only" "the default address is loopback"

# ---------------------------------------------------------------- routing answers
req GET /no/such/route
expect_problem 404 not-found "an unknown route"
expect_header Cache-Control no-store "every answer is no-store"
req POST /healthz
expect_problem 405 method-not-allowed "a known path with another method"
expect_header Allow GET "405 names the allowed methods"
req GET /heal%74hz
[ "$status" != 404 ] && ok || bad "a percent-encoded path is decoded before routing: 404"
req GET /v1/no%20such%2Froute
expect_json "the 404 names the decoded path" "'/v1/no such/route' in d['detail']"
req GET /healthz
expect_status 200 "healthz"

# The query, percent-decoded (the parameter's name here), reaches the handler:
# checked through the locator's required birth_country once it is built.
req GET '/v1/locate?family=x&given=y'
if [ "$status" != 501 ]; then
    expect_json "the locator names the missing birth_country" "d.get('field') == 'birth_country'"
    req GET '/v1/locate?family=x&given=y&birth%5Fcountry=SV'
    expect_status 200 "an encoded query parameter name is decoded"
fi

# ---------------------------------------------------------------- body limit
head -c 2000 /dev/zero | tr '\0' ' ' >big.txt
req POST /v1/events -H 'Content-Type: application/json' --data-binary @big.txt
expect_problem 413 body-too-large "a body over --body-limit (declared length)"
expect_json "413 says the limit" "'1024 bytes' in d['detail'] and d['expected'] == 'at most 1024 bytes'"
expect_header Connection close "413 closes the connection"
req POST /v1/events -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary @big.txt
expect_problem 413 body-too-large "a body over --body-limit (chunked, no length)"
printf '[%1022s]' '' >exact.txt
req POST /v1/events -H 'Content-Type: application/json' --data-binary @exact.txt
[ "$status" != 413 ] && [ "$status" != 000 ] && ok ||
    bad "a body of exactly --body-limit bytes is read: HTTP $status"
# Nothing stored by any of them.
req GET /healthz
expect_json "nothing appended by refused bodies" "d['events'] == 2"

# ---------------------------------------------------------------- JSON depth
deep() { # N: N nested arrays
    local i o='' c=''
    for i in $(seq 1 "$1"); do
        o="$o["
        c="$c]"
    done
    printf '%s%s' "$o" "$c"
}
deep 65 >deep.json
req POST /v1/events -H 'Content-Type: application/json' --data-binary @deep.json
expect_problem 400 json-too-deep "65 levels of nesting"
expect_json "json-too-deep says the limit" "d['expected'] == 'at most 64 levels of nesting'"
deep 64 >ok64.json
req POST /v1/events -H 'Content-Type: application/json' --data-binary @ok64.json
[ "$status" != 000 ] && ! grep -q json-too-deep out.txt && ok ||
    bad "64 levels pass the depth check: HTTP $status $(head -c 200 out.txt)"
printf '{"a":"%s", "b":"\\"[[[[["}' "$(printf '[%.0s' $(seq 1 100))" >strings.json
req POST /v1/events -H 'Content-Type: application/json' --data-binary @strings.json
! grep -q json-too-deep out.txt && ok || bad "brackets inside strings do not count as depth"

# ---------------------------------------------------------------- header limit
# The default limit, 8192 bytes: a 6000-byte header fits, a 10000-byte one does not.
pad=$(head -c 6000 /dev/zero | tr '\0' y)
req GET /healthz -H "X-Pad: $pad"
expect_status 200 "6000 bytes of headers fit the default --header-limit"
pad=$(head -c 10000 /dev/zero | tr '\0' y)
req GET /healthz -H "X-Pad: $pad"
expect_status 431 "headers over the default --header-limit: 431 from the HTTP library"
expect_header Connection close "431 closes the connection"
req GET /healthz
expect_status 200 "the server answers after an oversize header"

# ---------------------------------------------------------------- keep-alive
set +e
curl -sv -o /dev/null -o /dev/null "${SERVER_URL}healthz" "${SERVER_URL}no/such" 2>ka.txt
curl -sv -o /dev/null -o /dev/null -d '[]' -H 'Content-Type: application/json' \
    "${SERVER_URL}v1/events" "${SERVER_URL}v1/events" 2>ka_post.txt
set -e
expect_in ka.txt "Re-using existing connection" "two GETs on one connection"
expect_in ka_post.txt "Re-using existing connection" "two POSTs with bodies on one connection"

# ---------------------------------------------------------------- stop on SIGTERM
stop_server TERM
[ "$server_rc" = 0 ] && ok || bad "SIGTERM: exit $server_rc, wanted 0; $(cat server.err)"
expect_in server.out "habeas: stopping on SIGTERM (finishing 0 requests)" "the stop line"
expect_in server.out "habeas: stopped" "the stopped line"

# ---------------------------------------------------------------- usage errors
run serve --db t.db --listen nonsense
expect_rc 2 "--listen without a port"
expect_in err.txt "--listen \"nonsense\": no port" "a bad --listen says why"
run serve --db t.db --listen example.org:80
expect_rc 2 "--listen with a host name"
expect_in err.txt "not a numeric IPv4 address" "only numeric hosts"
run serve --db t.db --listen 127.0.0.1:70000
expect_rc 2 "--listen with a port over 65535"
run serve --db t.db --body-limit 0
expect_rc 2 "--body-limit 0"
run serve --db t.db --header-limit 100
expect_rc 2 "--header-limit under 4096"
run serve --db t.db --threads 0
expect_rc 2 "--threads 0"
run serve --db missing.db --listen 127.0.0.1:0
expect_rc 2 "no ledger there"
expect_in err.txt "missing.db" "the missing ledger is named"
run serve --db t.db extra
expect_rc 2 "a stray argument"

# An address in use: exit 2, saying so; the first server is unharmed.
start_server t.db || bad "a second start"
run serve --db t.db --listen "127.0.0.1:$(server_port)"
expect_rc 2 "an address in use"
expect_in err.txt "cannot listen on 127.0.0.1 port $(server_port)" "address in use says which"
req GET /healthz
expect_status 200 "the first server still serves"

# ---------------------------------------------------------------- SIGINT
stop_server INT
[ "$server_rc" = 0 ] && ok || bad "SIGINT: exit $server_rc, wanted 0"
expect_in server.out "habeas: stopping on SIGINT" "SIGINT is named"

# ---------------------------------------------------------------- graceful stop in flight
# A slow POST (about 3 s at 100 kB/s) is in flight when SIGTERM comes: it gets its
# answer, new connections are no longer answered, the server exits 0, and the
# ledger verifies (whatever was appended was appended whole).
start_server t.db --threads 2 || bad "start for the graceful stop"
{
    printf '[{"type":"facility.registered","at":"2025-01-12T09:00:00Z","facility":"F-NEW",'
    printf '"name":"New","country":"US","kind":"detention_center","design_capacity":10}'
    head -c 300000 /dev/zero | tr '\0' ' '
    printf ']'
} >slow.json
set +e
curl -sS -o slow_out.txt -w '%{http_code}' --limit-rate 100K -H 'Content-Type: application/json' \
    --data-binary @slow.json "${SERVER_URL}v1/events" >slow_status.txt 2>slow_err.txt &
curl_pid=$!
set -e
sleep 1
kill -s TERM "$SERVER_PID"
sleep 0.3
set +e
late=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${SERVER_URL}healthz")
wait "$curl_pid"
set -e
slow=$(cat slow_status.txt)
[ "$slow" != 000 ] && [ -n "$slow" ] && ok ||
    bad "the request in flight gets an answer: [$slow] $(cat slow_err.txt)"
[ "$late" = 000 ] && ok || bad "a request after SIGTERM is not served: HTTP $late"
stop_server TERM
[ "$server_rc" = 0 ] && ok || bad "stop with a request in flight: exit $server_rc"
expect_in server.out "(finishing 1 requests)" "the stop counts the request in flight"
run verify --db t.db
expect_rc 0 "the ledger verifies after the stop"
if [ "$slow" = 201 ]; then
    expect_in out.txt "OK: 3 events" "the event posted during the stop is stored"
else
    expect_in out.txt "OK: 2 events" "a refused post during the stop stored nothing"
fi

# ---------------------------------------------------------------- a larger --header-limit
SERVE_LISTEN=":0" start_server t.db --header-limit 16384 || { bad "server with --header-limit"; exit 1; }
pad=$(head -c 10000 /dev/zero | tr '\0' y)
req GET /healthz -H "X-Pad: $pad"
expect_status 200 "--header-limit 16384 lets 10000 bytes of headers in"
stop_server TERM

run_json_checks
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
