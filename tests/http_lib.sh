# http_lib.sh: run `habeas serve` on a free loopback port and talk to it with
# curl. Source after lib.sh, from the test's temporary folder. Only the server
# started here is ever signalled (by its PID); call stop_server, or
# kill_server from the script's EXIT trap.
SERVER_PID=
SERVER_URL=
server_rc=
SERVE_LISTEN=${SERVE_LISTEN:-127.0.0.1:0}

# start_server DB [ARGS...]: starts the server in the background (stdout in
# server.out, stderr in server.err), waits for its URL line and for it to answer
# HTTP (any status counts as up). Sets SERVER_PID and SERVER_URL
# ("http://127.0.0.1:PORT/"); returns 1 when it does not come up.
start_server() {
    local db=$1
    shift
    SERVER_URL=
    "$HABEAS" serve --db "$db" --listen "$SERVE_LISTEN" "$@" >server.out 2>server.err &
    SERVER_PID=$!
    local i
    for i in $(seq 1 400); do
        SERVER_URL=$(sed -n 's/^habeas: serving .* at \(http:[^ ]*\) (.*/\1/p' server.out)
        [ -n "$SERVER_URL" ] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID" || true
            echo "the server did not start: $(cat server.err)" >&2
            SERVER_PID=
            return 1
        fi
        sleep 0.05
    done
    [ -n "$SERVER_URL" ] || { echo "no URL from the server" >&2; kill_server; return 1; }
    for i in $(seq 1 200); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "${SERVER_URL}healthz")" != 000 ] && return 0
        sleep 0.05
    done
    echo "the server at $SERVER_URL does not answer" >&2
    kill_server
    return 1
}

# server_port: the port of SERVER_URL.
server_port() { echo "$SERVER_URL" | sed 's/.*:\([0-9]*\)\/$/\1/'; }

# stop_server [SIGNAL]: sends SIGTERM (or SIGNAL) to the server, waits up to
# 20 s for it to exit; its exit status in $server_rc (124 if it would not stop,
# then it is killed).
stop_server() {
    local sig=${1:-TERM} i
    [ -n "$SERVER_PID" ] || return 0
    kill -s "$sig" "$SERVER_PID" 2>/dev/null || true
    for i in $(seq 1 400); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -s KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        server_rc=124
    else
        set +e
        wait "$SERVER_PID"
        server_rc=$?
        set -e
    fi
    SERVER_PID=
}

# kill_server: for EXIT traps: stops the server if it still runs.
kill_server() {
    [ -n "$SERVER_PID" ] || return 0
    stop_server TERM >/dev/null 2>&1 || true
}

# req METHOD PATH [CURL ARGS...]: one request to the server. The body goes to
# out.txt (so expect_json works on it), the headers to hdr.txt, the status to
# $status (000: no HTTP answer).
req() {
    local method=$1 path=$2
    shift 2
    set +e
    status=$(curl -sS -o out.txt -D hdr.txt -w '%{http_code}' -X "$method" "$@" \
        "${SERVER_URL}${path#/}" 2>curl.err)
    set -e
    [ -n "$status" ] || status=000
}

expect_status() { # WANT WHAT
    if [ "$status" = "$1" ]; then ok; else
        bad "$2: HTTP $status, wanted $1; body: $(head -c 400 out.txt 2>/dev/null)"
    fi
}
# expect_header NAME VALUE WHAT: hdr.txt has the header with exactly that value.
expect_header() {
    if tr -d '\r' <hdr.txt | grep -qix -- "$1: $2"; then ok; else
        bad "$3: no header [$1: $2]; headers: $(tr -d '\r' <hdr.txt | tr '\n' '|')"
    fi
}
# expect_problem STATUS SLUG WHAT: a problem+json response of that type.
expect_problem() {
    expect_status "$1" "$3"
    expect_header Content-Type application/problem+json "$3: content type"
    expect_json "$3: problem type" \
        "d['type'] == 'https://habeas.invalid/problems/$2' and d['status'] == $1"
}
