# lib.sh: what the bash tests share. Sourcing it checks $HABEAS (the binary under
# test, made absolute), makes a temporary folder, cds into it ($T; removed on
# exit, after stopping a server http_lib.sh started) and sets $HERE to tests/.
# The assertions count into $pass and $fail.
: "${HABEAS:?set HABEAS to the habeas binary}"
case "$HABEAS" in /*) ;; *) HABEAS="$PWD/$HABEAS" ;; esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
hb_cleanup() {
    if declare -F kill_server >/dev/null; then kill_server; fi
    cd /
    rm -rf "$T"
}
trap hb_cleanup EXIT
cd "$T"
unset HABEAS_DB
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*" >&2
}

# run ARGS...: runs habeas; out.txt, err.txt and $rc hold what it did.
run() {
    set +e
    "$HABEAS" "$@" >out.txt 2>err.txt
    rc=$?
    set -e
}
# run_in FILE ARGS...: the same with FILE on stdin.
run_in() {
    local input=$1
    shift
    set +e
    "$HABEAS" "$@" <"$input" >out.txt 2>err.txt
    rc=$?
    set -e
}
expect_rc() { # WANT WHAT
    if [ "$rc" = "$1" ]; then ok; else
        bad "$2: exit $rc, wanted $1; stderr: $(head -c 600 err.txt)"
    fi
}
expect_in() { # FILE TEXT WHAT
    if grep -qF -- "$2" "$1"; then ok; else
        bad "$3: $1 lacks [$2]; it holds: $(head -c 600 "$1")"
    fi
}
expect_not_in() { # FILE TEXT WHAT
    if grep -qF -- "$2" "$1"; then bad "$3: $1 holds [$2]"; else ok; fi
}
expect_line() { # FILE LINE WHAT: an exact whole line
    if grep -qxF -- "$2" "$1"; then ok; else
        bad "$3: $1 lacks the line [$2]; it holds: $(head -c 600 "$1")"
    fi
}
expect_empty() { # FILE WHAT
    if [ ! -s "$1" ]; then ok; else bad "$2: $1 is not empty: $(head -c 300 "$1")"; fi
}
# expect_json WHAT EXPR: out.txt must be JSON and the Python expression over it (d)
# true. The checks are collected and run by one python3 at the end (it starts slowly).
njson=0
expect_json() {
    njson=$((njson + 1))
    cp out.txt "json$njson.txt"
    printf '%s\t%s\t%s\n' "json$njson.txt" "$1" "$2" >>json_checks.tsv
}
run_json_checks() {
    [ "$njson" = 0 ] && return
    local py=python3
    [ -x /usr/bin/python3 ] && py=/usr/bin/python3
    "$py" - json_checks.tsv >json_result.txt <<'PY' || true
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    path, what, expr = line.rstrip("\n").split("\t", 2)
    try:
        d = json.load(open(path, encoding="utf-8"))
        good = bool(eval(expr))
        why = "false"
    except Exception as e:
        good, why = False, repr(e)
    print("ok" if good else "FAIL: %s: JSON check [%s]: %s: %s" % (what, expr, why,
          open(path, encoding="utf-8").read()[:300].replace("\n", " ")))
PY
    local n_ok
    n_ok=$(grep -c '^ok$' json_result.txt || true)
    pass=$((pass + n_ok))
    fail=$((fail + njson - n_ok))
    grep '^FAIL' json_result.txt >&2 || true
}

