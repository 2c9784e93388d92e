#!/usr/bin/env bash
# bench_http.sh: HTTP throughput and latency of `habeas serve` against nginx.
#
# With a ledger of 2,000,000 persons, wrk -t2 -c64 runs for 10 s against, in
# turn, in each of 3 rounds: nginx serving a small static JSON file, the public locator (a file of
# queries for existing persons, cycled), and /v1/persons/{id} with a records
# token. Prints req/s, p50 and p99 per target and round, their medians and the
# median ratios to nginx, each goal marked met or MISSED. See docs/bench.md.
#
# Environment (all optional):
#   HABEAS            the habeas binary (default build/habeas)
#   HB_BUILD          the build folder holding bench_http_gen (default: HABEAS's)
#   HB_BENCH_DB       keep the ledger in this file and reuse it on later runs
#                     (with its query files beside it: FILE.locate.txt, FILE.persons.txt)
#   HB_BENCH_PERSONS  persons in a new ledger (default 2000000)
#   HB_BENCH_SECONDS  seconds per wrk run (default 10)
#   HB_BENCH_THREADS, HB_BENCH_CONNS   wrk -t and -c (default 2 and 64)
#   HB_BENCH_ROUNDS   rounds of the three targets in turn (default 3); figures
#                     are medians over rounds, ratios taken within each round
#
# Everything runs on 127.0.0.1; every process it starts is stopped by PID when
# it ends, however it ends. Exit 0 unless something fails functionally (a server
# that does not start, a non-2xx answer, a socket error); a missed goal is
# reported, not an error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
HABEAS=${HABEAS:-$ROOT/build/habeas}
HB_BUILD=${HB_BUILD:-$(dirname "$HABEAS")}
GEN=$HB_BUILD/bench_http_gen
PERSONS=${HB_BENCH_PERSONS:-2000000}
SECONDS_RUN=${HB_BENCH_SECONDS:-10}
THREADS=${HB_BENCH_THREADS:-2}
CONNS=${HB_BENCH_CONNS:-64}
ROUNDS=${HB_BENCH_ROUNDS:-3}
LUA=$HERE/bench_http_paths.lua
GOAL_RATIO=1.0
GOAL_P99_MS=10

die() {
    echo "bench_http: $*" >&2
    exit 1
}

for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null ||
        die "$tool is not installed (make bench installs wrk and nginx with apt-get)"
done
[ -x "$HABEAS" ] || die "$HABEAS is not built (make build, or set HABEAS)"
[ -x "$GEN" ] || die "$GEN is not built (make build, or set HB_BUILD)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-http-XXXXXX")
SERVER_PID=""
NGINX_PID=""
TOKEN_NAME=""

# Stops what this script started, by PID, then removes the temp folder.
cleanup() {
    local pid
    for pid in $SERVER_PID $NGINX_PID; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $SERVER_PID $NGINX_PID; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$TOKEN_NAME" ]; then
        "$HABEAS" token revoke "$TOKEN_NAME" --db "$DB" >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- the ledger and its query files ----------------------------------------

DB=${HB_BENCH_DB:-$TMP/bench.db}
LOCATE_FILE=$DB.locate.txt
PERSONS_FILE=$DB.persons.txt

build_ledger() {
    local t0
    t0=$(now)
    "$GEN" --dir "$TMP" --persons "$PERSONS" >"$TMP/gen.out" || die "bench_http_gen failed"
    echo "  generated $(wc -l <"$TMP/events.jsonl") events for $PERSONS persons in $(elapsed "$t0") s"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$HABEAS" init --db "$DB" >"$TMP/init.out" 2>&1 || die "habeas init failed: $(cat "$TMP/init.out")"
    t0=$(now)
    "$HABEAS" import "$TMP/events.jsonl" --db "$DB" --actor bench >"$TMP/import.out" 2>&1 ||
        die "import failed: $(tail -5 "$TMP/import.out")"
    echo "  imported them in $(elapsed "$t0") s into $DB"
    mv "$TMP/locate.txt" "$LOCATE_FILE"
    mv "$TMP/persons.txt" "$PERSONS_FILE"
    rm -f "$TMP/events.jsonl"
}

echo "bench_http: wrk -t$THREADS -c$CONNS -d${SECONDS_RUN}s on 127.0.0.1, $(nproc) CPUs"
if [ -s "$DB" ] && [ -s "$LOCATE_FILE" ] && [ -s "$PERSONS_FILE" ]; then
    echo "  reusing $DB and its query files"
else
    build_ledger
fi

# A new token each run (names are unique among valid tokens), revoked at the end.
TOKEN_NAME="bench-http-$(date +%Y%m%dT%H%M%S)-$$"
TOKEN=$("$HABEAS" token create --role records --name "$TOKEN_NAME" --db "$DB" 2>"$TMP/token.err" |
    grep -o 'hb_[A-Za-z0-9_-]*' | head -1) || true
[ -n "$TOKEN" ] || die "could not create a records token: $(head -3 "$TMP/token.err")"

# --- the servers ----------------------------------------------------------

start_habeas() {
    local t0 port=""
    t0=$(now)
    "$HABEAS" serve --db "$DB" --listen 127.0.0.1:0 --locate-rate 0 \
        >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SERVER_PID=$!
    # The ledger is replayed before the server listens: wait for its line.
    for _ in $(seq 6000); do
        port=$(grep -oh 'http://127\.0\.0\.1:[0-9]*/' "$TMP/serve.out" "$TMP/serve.err" |
            head -1 | grep -o '[0-9]*/$' | tr -d /) || true
        [ -n "$port" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null ||
            die "habeas serve stopped: $(tail -5 "$TMP/serve.err")"
        sleep 0.1
    done
    [ -n "$port" ] || die "habeas serve did not say where it listens within 600 s"
    HABEAS_PORT=$port
    echo "  habeas serve on 127.0.0.1:$port (pid $SERVER_PID), ready in $(elapsed "$t0") s"
}

# A port nothing listens on now; nginx may still lose it to a race, so the
# caller retries.
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    die "no free loopback port found"
}

# About the size of a locator answer with two results. nginx's workers drop to
# an unprivileged user when started as root: they may pass through the temp
# folder, and read only this file.
write_static() {
    chmod 711 "$TMP"
    mkdir -m 755 "$TMP/www"
    cat >"$TMP/www/static.json" <<'EOF'
{"results": [{"given_names": "José Ángel", "family_names": "García Pérez", "birth_year": 1988, "status": "in_custody", "facility": {"name": "Bench Processing Center 7", "country": "US", "contact": "Records office, +1 555 0106 (bench)"}, "since": "2024-01-19T04:12:09-05:00"}, {"given_names": "José", "family_names": "García", "birth_year": 1991, "status": "released", "facility": {"name": "Bench Processing Center 3", "country": "US", "contact": "Records office, +1 555 0102 (bench)"}, "since": "2024-02-18T09:40:31-05:00"}]}
EOF
    chmod 644 "$TMP/www/static.json"
}

nginx_conf() { # PORT
    cat >"$TMP/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    default_type application/json;
    client_body_temp_path $TMP/nginx-tmp/body;
    proxy_temp_path $TMP/nginx-tmp/proxy;
    fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
    scgi_temp_path $TMP/nginx-tmp/scgi;
    server {
        listen 127.0.0.1:$1;
        root $TMP/www;
    }
}
EOF
}

start_nginx() {
    local port
    write_static
    mkdir -p "$TMP/nginx-tmp"
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        nginx_conf "$port"
        nginx -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" \
            >"$TMP/nginx.out" 2>&1 &
        NGINX_PID=$!
        for _ in $(seq 50); do
            curl -fs -o /dev/null "http://127.0.0.1:$port/static.json" && break
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.1
        done
        if curl -fs -o /dev/null "http://127.0.0.1:$port/static.json"; then
            NGINX_PORT=$port
            echo "  nginx on 127.0.0.1:$port (pid $NGINX_PID), 2 workers," \
                "static file of $(wc -c <"$TMP/www/static.json") bytes"
            return
        fi
        kill -TERM "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=""
    done
    die "nginx did not start: $(tail -3 "$TMP/nginx-error.log" 2>/dev/null)"
}

# --- a check of each target before it is measured -------------------------

probe() { # NAME URL [AUTH]
    local code
    local -a auth=()
    [ -z "${3:-}" ] || auth=(-H "Authorization: $3")
    code=$(curl -s -o "$TMP/probe.body" -w '%{http_code}' "${auth[@]}" "$2") ||
        die "$1: $2 did not answer"
    [ "${code:0:1}" = 2 ] || die "$1: $2 answered $code: $(head -c 300 "$TMP/probe.body")"
}

# --- wrk and its output -----------------------------------------------------

# wrk prints latencies as 250.00us, 1.01ms or 1.20s: in ms.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}
# wrk prints sizes as 901.51KB: in bytes.
to_bytes() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "KB") n *= 1024; else if (u == "MB") n *= 1048576; else if (u == "GB") n *= 1073741824
        printf "%.0f", n }'
}

FAILED=0
declare -A RPS P50 P99 BYTES

# Every target goes through the same Lua script, so wrk spends the same work
# per request on each (it shares the CPUs with the servers).
measure() { # NAME URL FILE [AUTH]
    local name=$1 out=$TMP/wrk-$1.txt
    local -a script=(-s "$LUA" "$2" -- "$3" "${4:-}")
    # One second first, not counted: connections made, caches warm.
    wrk -t"$THREADS" -c"$CONNS" -d1s "${script[@]}" >/dev/null 2>&1 || true
    wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency "${script[@]}" >"$out" 2>&1 ||
        die "wrk failed on $name: $(tail -3 "$out")"
    RPS[$name]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    P50[$name]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    P99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    local transfer
    transfer=$(to_bytes "$(awk '/^Transfer\/sec:/ { print $2 }' "$out")")
    BYTES[$name]=$(awk -v t="$transfer" -v r="${RPS[$name]}" 'BEGIN { printf "%.0f", (r > 0) ? t / r : 0 }')
    [ -n "${RPS[$name]}" ] || die "could not read wrk's output for $name: $(head -5 "$out")"
    local non2xx errors
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
    if [ -n "$non2xx" ] && [ "$non2xx" != 0 ]; then
        echo "  $name: $non2xx answers were not 2xx" >&2
        FAILED=1
    fi
    if [ -n "$errors" ] && [ "$errors" != 0 ]; then
        echo "  $name: $errors socket errors ($(grep 'Socket errors' "$out"))" >&2
        FAILED=1
    fi
}

label() { # TARGET
    case $1 in
        nginx) echo "nginx static file" ;;
        locator) echo "GET /v1/locate" ;;
        persons) echo "GET /v1/persons/{id}" ;;
    esac
}

# The median of ARRAY[KEY,1..ROUNDS] (the mean of the middle two for an even count).
median() { # ARRAY KEY
    local -n arr=$1
    local r
    for r in $(seq "$ROUNDS"); do echo "${arr[$2,$r]}"; done | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

verdict() { # CONDITION(awk)
    if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi
}

start_habeas
start_nginx
FIRST_QUERY=$(head -1 "$LOCATE_FILE")
FIRST_PERSON=$(head -1 "$PERSONS_FILE")
probe nginx "http://127.0.0.1:$NGINX_PORT/static.json"
probe locator "http://127.0.0.1:$HABEAS_PORT$FIRST_QUERY"
probe persons "http://127.0.0.1:$HABEAS_PORT$FIRST_PERSON" "Bearer $TOKEN"
echo "  $(wc -l <"$LOCATE_FILE") locator queries, $(wc -l <"$PERSONS_FILE") person ids, cycled"
echo

echo /static.json >"$TMP/static.txt"
# Rounds of nginx, locator, persons in turn: a neighbour that takes a core for a
# while then slows one round of all three, not one target of the comparison.
# Each figure is the median over the rounds; each ratio is taken within a round.
declare -A R_RPS R_P50 R_P99
printf '  %-7s %-26s %12s %10s %10s %10s\n' round target req/s p50 p99 bytes/resp
for r in $(seq "$ROUNDS"); do
    measure nginx "http://127.0.0.1:$NGINX_PORT" "$TMP/static.txt"
    measure locator "http://127.0.0.1:$HABEAS_PORT" "$LOCATE_FILE"
    measure persons "http://127.0.0.1:$HABEAS_PORT" "$PERSONS_FILE" "Bearer $TOKEN"
    for t in nginx locator persons; do
        R_RPS[$t,$r]=${RPS[$t]}
        R_P50[$t,$r]=${P50[$t]}
        R_P99[$t,$r]=${P99[$t]}
        printf '  %-7s %-26s %12.0f %8.2f ms %7.2f ms %10s\n' "$r" "$(label "$t")" "${RPS[$t]}" \
            "${P50[$t]}" "${P99[$t]}" "${BYTES[$t]}"
    done
    R_RPS[loc_ratio,$r]=$(awk -v a="${RPS[locator]}" -v b="${RPS[nginx]}" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
    R_RPS[per_ratio,$r]=$(awk -v a="${RPS[persons]}" -v b="${RPS[nginx]}" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
done
echo
printf '  %-7s %-26s %12s %10s %10s\n' median target req/s p50 p99
for t in nginx locator persons; do
    printf '  %-7s %-26s %12.0f %8.2f ms %7.2f ms\n' "" "$(label "$t")" "$(median R_RPS "$t")" \
        "$(median R_P50 "$t")" "$(median R_P99 "$t")"
done
echo
ratio_loc=$(printf %.2f "$(median R_RPS loc_ratio)")
ratio_per=$(printf %.2f "$(median R_RPS per_ratio)")
p99_loc=$(median R_P99 locator)
p99_per=$(median R_P99 persons)
printf '  %-34s %-10s %-16s %s\n' figure "median" goal ""
printf '  %-34s %-10s %-16s %s\n' "locator / nginx req/s" "$ratio_loc" ">= $GOAL_RATIO" \
    "$(verdict "$ratio_loc >= $GOAL_RATIO")"
printf '  %-34s %-10s %-16s %s\n' "persons / nginx req/s" "$ratio_per" "(reference)" ""
printf '  %-34s %-10s %-16s %s\n' "locator p99" "$(printf %.2f "$p99_loc") ms" "< $GOAL_P99_MS ms" \
    "$(verdict "$p99_loc < $GOAL_P99_MS")"
printf '  %-34s %-10s %-16s %s\n' "persons p99" "$(printf %.2f "$p99_per") ms" "(reference)" ""
if [ "$FAILED" != 0 ]; then
    echo "bench_http: some requests failed (see above)" >&2
    exit 1
fi
