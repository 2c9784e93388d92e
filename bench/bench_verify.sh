#!/usr/bin/env bash
# bench_verify.sh: how fast `habeas verify` checks a ledger, against raw SHA-256.
#
# On a ledger of about 10,000,000 events, in each of 3 rounds: `openssl speed
# -seconds 3 sha256` (one core, the CPU's SHA extensions), then `habeas verify
# --db FILE`, timed. verify's throughput is the stored record bytes (the sum of
# length(body) over the events table) divided by its wall time. Prints, per round
# and as medians over the rounds, verify's bytes/s, openssl's bytes/s on large
# blocks (the better of its 8192- and 16384-byte columns) and on the block size
# nearest to the mean record, the ratios, and the goal (verify >= 70 % of raw
# SHA-256 on large blocks) marked met or MISSED. Then, once each as reference
# lines, not the goal: `habeas verify --deep` (every record also decoded and
# re-canonicalised), `HABEAS_HASH=openssl habeas verify` (every hash by
# libcrypto, one at a time, instead of libipsec-mb's multi-buffer SHA-256) and
# `HABEAS_READAHEAD=0 habeas verify` (every page read alone, not 256 KiB at once).
# The rounds hash with the engine HABEAS_HASH names (unset: libipsec-mb where
# habeas was built with it and the CPU has AVX2, else libcrypto). See
# docs/bench.md.
#
# Environment (all optional):
#   HABEAS            the habeas binary (default build/habeas)
#   HB_BUILD          the build folder holding bench_http_gen (default: HABEAS's)
#   HB_BENCH_EVENTS   events in a new ledger (default 10000000; about that many:
#                     the generator writes whole persons)
#   HB_BENCH_DB       keep the ledger in this file and reuse it on later runs
#   HB_BENCH_ROUNDS   rounds of openssl + verify (default 3)
#   HABEAS_HASH       verify's SHA-256 engine in the rounds (docs/transparency.md)
#
# Exit 0 unless something fails functionally (a tool missing, the ledger cannot
# be built, verify does not say OK); a missed goal is reported, not an error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
HABEAS=${HABEAS:-$ROOT/build/habeas}
HB_BUILD=${HB_BUILD:-$(dirname "$HABEAS")}
GEN=$HB_BUILD/bench_http_gen
EVENTS=${HB_BENCH_EVENTS:-10000000}
ROUNDS=${HB_BENCH_ROUNDS:-3}
GOAL_PCT=70

die() {
    echo "bench_verify: $*" >&2
    exit 1
}

for tool in openssl sqlite3 awk; do
    command -v "$tool" >/dev/null || die "$tool is not installed (make deps installs sqlite3)"
done
[ -x "$HABEAS" ] || die "$HABEAS is not built (make build, or set HABEAS)"
case $EVENTS in '' | *[!0-9]*) die "HB_BENCH_EVENTS must be a number, not '$EVENTS'" ;; esac
case $ROUNDS in '' | *[!0-9]* | 0) die "HB_BENCH_ROUNDS must be a number >= 1, not '$ROUNDS'" ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-verify-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- the ledger ------------------------------------------------------------

DB=${HB_BENCH_DB:-$TMP/bench.db}

# bench_http_gen writes 1,020 facility and unit events, then per person a
# registration and an admission, and releases one person in ten: the fewest
# persons that make at least EVENTS events.
persons_for() {
    awk -v n="$1" 'BEGIN {
        p = int((n - 1020) * 10 / 21); if (p < 1) p = 1
        while (1020 + 2 * p + int(p / 10) < n) p++
        print p }'
}

build_ledger() {
    [ -x "$GEN" ] || die "$GEN is not built (make build, or set HB_BUILD)"
    local t0 persons
    persons=$(persons_for "$EVENTS")
    t0=$(now)
    "$GEN" --dir "$TMP" --persons "$persons" --queries 1000 >"$TMP/gen.out" ||
        die "bench_http_gen failed: $(cat "$TMP/gen.out")"
    echo "  generated $(wc -l <"$TMP/events.jsonl") events ($persons persons) in $(elapsed "$t0") s"
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
    "$HABEAS" init --db "$DB" >"$TMP/init.out" 2>&1 || die "habeas init failed: $(cat "$TMP/init.out")"
    t0=$(now)
    "$HABEAS" import "$TMP/events.jsonl" --db "$DB" --actor bench >"$TMP/import.out" 2>&1 ||
        die "import failed: $(tail -5 "$TMP/import.out")"
    echo "  imported them in $(elapsed "$t0") s into $DB"
    rm -f "$TMP/events.jsonl" "$TMP/locate.txt" "$TMP/persons.txt"
}

echo "bench_verify: habeas verify against openssl speed sha256, $(nproc) CPUs, $ROUNDS rounds"
echo "  verify hashes with HABEAS_HASH=${HABEAS_HASH:-(unset: libipsec-mb if built in, else openssl)}"
if [ -s "$DB" ]; then
    echo "  reusing $DB"
else
    build_ledger
fi

read -r RECORDS BYTES < <(sqlite3 -separator ' ' "$DB" \
    "SELECT count(*), coalesce(sum(length(body)), 0) FROM events") || die "cannot read $DB with sqlite3"
[ "$RECORDS" -gt 0 ] || die "$DB holds no events"
MEAN=$(awk -v b="$BYTES" -v n="$RECORDS" 'BEGIN { printf "%.0f", b / n }')
DBSIZE=$(stat -c %s "$DB")
echo "  $RECORDS records, $BYTES bytes of records (mean $MEAN bytes), file of $DBSIZE bytes"

# Unmeasured: reads the file into the page cache, and checks it verifies at all.
t0=$(now)
"$HABEAS" verify --db "$DB" >"$TMP/verify.out" 2>&1 ||
    die "verify of the untouched ledger failed: $(cat "$TMP/verify.out")"
echo "  warm-up verify in $(elapsed "$t0") s: $(head -1 "$TMP/verify.out")"

# --- the rounds ------------------------------------------------------------

# openssl speed's last line: "sha256  <16> <64> <256> <1024> <8192> <16384>", in
# 1000s of bytes/s with a "k" suffix. Prints bytes/s for the block size asked.
OSSL_SIZES=(16 64 256 1024 8192 16384)
ossl_col() { # FILE SIZE
    local i col=0
    for i in "${!OSSL_SIZES[@]}"; do [ "${OSSL_SIZES[$i]}" = "$2" ] && col=$((i + 2)); done
    awk -v c="$col" '$1 == "sha256" { v = $c; sub(/k$/, "", v); printf "%.0f", v * 1000 }' "$1"
}
# The column nearest to the mean record size, on a log scale.
MATCHED=$(printf '%s\n' "${OSSL_SIZES[@]}" |
    awk -v m="$MEAN" '{ d = log($1 / m); if (d < 0) d = -d; if (NR == 1 || d < best) { best = d; s = $1 } }
        END { print s }')

declare -A R
for r in $(seq "$ROUNDS"); do
    openssl speed -seconds 3 sha256 >"$TMP/ossl.out" 2>/dev/null || die "openssl speed failed"
    big8=$(ossl_col "$TMP/ossl.out" 8192)
    big16=$(ossl_col "$TMP/ossl.out" 16384)
    if [ -z "$big8" ] || [ "$big8" -le 0 ]; then
        die "cannot read openssl speed's output: $(tail -3 "$TMP/ossl.out")"
    fi
    R[big,$r]=$((big8 > big16 ? big8 : big16))
    R[matched,$r]=$(ossl_col "$TMP/ossl.out" "$MATCHED")
    # /usr/bin/time is not everywhere; bash's time keyword is.
    TIMEFORMAT='%R %U %S'
    { time "$HABEAS" verify --db "$DB" >"$TMP/verify.out" 2>&1; } 2>"$TMP/time.out" ||
        die "verify failed in round $r: $(cat "$TMP/verify.out")"
    read -r wall user sys <"$TMP/time.out"
    R[wall,$r]=$wall
    R[cpu_ns,$r]=$(awk -v u="$user" -v s="$sys" -v n="$RECORDS" 'BEGIN { printf "%.0f", (u + s) * 1e9 / n }')
    R[verify,$r]=$(awk -v b="$BYTES" -v t="$wall" 'BEGIN { printf "%.0f", b / t }')
    R[ratio,$r]=$(awk -v a="${R[verify,$r]}" -v b="${R[big,$r]}" 'BEGIN { printf "%.4f", a / b }')
    R[mratio,$r]=$(awk -v a="${R[verify,$r]}" -v b="${R[matched,$r]}" 'BEGIN { printf "%.4f", a / b }')
    if [ "$r" = 1 ]; then
        printf '\n  %-6s %10s %16s %16s %16s %8s %8s %12s\n' round "verify s" "verify B/s" \
            "sha256 large B/s" "sha256 $MATCHED B/s" "ratio" "matched" "CPU ns/rec"
    fi
    printf '  %-6s %10.2f %16.0f %16.0f %16.0f %7.1f%% %7.1f%% %12.0f\n' "$r" "$wall" \
        "${R[verify,$r]}" "${R[big,$r]}" "${R[matched,$r]}" \
        "$(awk -v x="${R[ratio,$r]}" 'BEGIN { print x * 100 }')" \
        "$(awk -v x="${R[mratio,$r]}" 'BEGIN { print x * 100 }')" "${R[cpu_ns,$r]}"
done

# Once, for reference: --deep adds the decoding and canonical-form check.
TIMEFORMAT='%R %U %S'
{ time "$HABEAS" verify --deep --db "$DB" >"$TMP/deep.out" 2>&1; } 2>"$TMP/time.out" ||
    die "verify --deep failed: $(cat "$TMP/deep.out")"
read -r DEEP_WALL DEEP_USER DEEP_SYS <"$TMP/time.out"
DEEP=$(awk -v b="$BYTES" -v t="$DEEP_WALL" 'BEGIN { printf "%.0f", b / t }')
DEEP_NS=$(awk -v u="$DEEP_USER" -v s="$DEEP_SYS" -v n="$RECORDS" 'BEGIN { printf "%.0f", (u + s) * 1e9 / n }')
# Once, for reference: every hash by libcrypto, what the multi-buffer engine saves.
{ time HABEAS_HASH=openssl "$HABEAS" verify --db "$DB" >"$TMP/ossl-verify.out" 2>&1; } 2>"$TMP/time.out" ||
    die "HABEAS_HASH=openssl verify failed: $(cat "$TMP/ossl-verify.out")"
read -r OSSL_WALL OSSL_USER OSSL_SYS <"$TMP/time.out"
OSSL_V=$(awk -v b="$BYTES" -v t="$OSSL_WALL" 'BEGIN { printf "%.0f", b / t }')
OSSL_NS=$(awk -v u="$OSSL_USER" -v s="$OSSL_SYS" -v n="$RECORDS" 'BEGIN { printf "%.0f", (u + s) * 1e9 / n }')

# Once, for reference: every page read alone, what the readahead VFS saves.
{ time HABEAS_READAHEAD=0 "$HABEAS" verify --db "$DB" >"$TMP/nora-verify.out" 2>&1; } 2>"$TMP/time.out" ||
    die "HABEAS_READAHEAD=0 verify failed: $(cat "$TMP/nora-verify.out")"
read -r NORA_WALL NORA_USER NORA_SYS <"$TMP/time.out"
NORA_V=$(awk -v b="$BYTES" -v t="$NORA_WALL" 'BEGIN { printf "%.0f", b / t }')
NORA_NS=$(awk -v u="$NORA_USER" -v s="$NORA_SYS" -v n="$RECORDS" 'BEGIN { printf "%.0f", (u + s) * 1e9 / n }')

median() { # KEY
    local r
    for r in $(seq "$ROUNDS"); do echo "${R[$1,$r]}"; done | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
mb() { awk -v v="$1" 'BEGIN { printf "%.1f MB/s", v / 1e6 }'; }
pct() { awk -v v="$1" 'BEGIN { printf "%.1f %%", v * 100 }'; }

RATIO=$(median ratio)
VERDICT=$(awk -v r="$RATIO" -v g="$GOAL_PCT" 'BEGIN { print (r * 100 >= g) ? "met" : "MISSED" }')
echo
echo "  figure (median of $ROUNDS)              measured           goal"
printf '  %-36s %-18s %s\n' "habeas verify" "$(mb "$(median verify)")" "(wall $(median wall) s, $(median cpu_ns) ns CPU per record)"
printf '  %-36s %-18s %s\n' "habeas verify --deep (once)" "$(mb "$DEEP")" "(reference: wall $DEEP_WALL s, $DEEP_NS ns CPU per record, $(pct "$(awk -v a="$DEEP" -v b="$(median big)" 'BEGIN { print a / b }')") of large blocks)"
printf '  %-36s %-18s %s\n' "HABEAS_HASH=openssl verify (once)" "$(mb "$OSSL_V")" "(reference: wall $OSSL_WALL s, $OSSL_NS ns CPU per record, $(pct "$(awk -v a="$OSSL_V" -v b="$(median big)" 'BEGIN { print a / b }')") of large blocks)"
printf '  %-36s %-18s %s\n' "HABEAS_READAHEAD=0 verify (once)" "$(mb "$NORA_V")" "(reference: wall $NORA_WALL s, $NORA_NS ns CPU per record, $(pct "$(awk -v a="$NORA_V" -v b="$(median big)" 'BEGIN { print a / b }')") of large blocks)"
printf '  %-36s %-18s %s\n' "openssl sha256, large blocks" "$(mb "$(median big)")" "(reference: one core)"
printf '  %-36s %-18s %s\n' "openssl sha256, $MATCHED-byte blocks" "$(mb "$(median matched)")" "(reference: mean record $MEAN bytes)"
printf '  %-36s %-18s %-16s %s\n' "verify / sha256 large blocks" "$(pct "$RATIO")" ">= $GOAL_PCT %" "$VERDICT"
printf '  %-36s %-18s %s\n' "verify / sha256 $MATCHED-byte blocks" "$(pct "$(median mratio)")" "(reference)"
