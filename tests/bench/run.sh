#!/bin/sh
# shellcheck disable=SC2086,SC2046 # $CC, $cflags, pkg-config and result lines are split on purpose
# The sampler benchmark (`make bench`): what one refresh of a monitor costs in CPU on
# a machine with a busy /proc, for coretop against procps top and against the floor.
#
#   CORETOP=./coretop sh tests/bench/run.sh
#
# Environment: CORETOP (default ./coretop; skipped with a note if it is missing),
# BENCH_PROCS (1000) processes of BENCH_THREADS (10) extra threads each,
# BENCH_REFRESHES (10) refreshes BENCH_DELAY (0.5) seconds apart, BENCH_JSON (a file
# for the JSON line instead of stdout), CC (cc).
#
# Steps:
#  1. spawn.c fills /proc with PROCS x (THREADS + 1) idle tasks (fewer, with a note,
#     if the machine's limits cannot hold them) and holds them until we exit.
#  2. CPU time is user + sys from wait4's rusage (cputime.c) or, for the floors, from
#     getrusage inside the program; never wall time, which is mostly the delay.
#     - top -b -H and coretop -b are each run twice, with -n 1 and -n 1+K, and the
#       difference divided by K is the cost of one refresh: start-up and the readings
#       both runs share cancel out.  coretop's batch mode takes one reading more than
#       it prints (rates need two), so -n N is N+1 readings for coretop and N for top;
#       the difference is K readings for both.  Start-up is then the -n 1 run less
#       its readings (1 for top, 2 for coretop) at the per-refresh cost.
#     - floor.c keeps every thread's schedstat open and preads them all per refresh;
#       floor_libproc2.c reaps every thread through libproc2 per refresh.  Both time
#       their own set-up and refresh loop.  If RLIMIT_NOFILE stops floor short of
#       every thread, its figure is scaled up to all of them, and says so.
#     Everything is run once per bench: K refreshes are the averaging.  top prints every
#     thread per frame (11,000 lines) and coretop prints groups, so top's figure
#     includes formatting that coretop's does not; the floors print nothing.
#  3. A table on stdout, then the same figures as one JSON line.  "tasks" counts every
#     task on the machine, not only ours: each tool reads all of /proc.
# These are figures, not pass/fail: the bench fails only if it cannot measure.
set -u
CORETOP=${CORETOP:-./coretop}
PROCS=${BENCH_PROCS:-1000}
THREADS=${BENCH_THREADS:-10}
K=${BENCH_REFRESHES:-10}
DELAY=${BENCH_DELAY:-0.5}
CC=${CC:-cc}
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d) || exit 1
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
cleanup() {
	bench_unspawn
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

# --- build the helpers --------------------------------------------------------------
bench_build
have_lp2=""
if pkg-config --exists libproc2 2>/dev/null; then
	$CC $bench_cflags $(pkg-config --cflags libproc2) -o "$tmp/floor-libproc2" \
		"$here/floor_libproc2.c" $(pkg-config --libs libproc2) && have_lp2=1
fi
[ -n "$have_lp2" ] || note "skipping floor-libproc2: libproc2 (pkg-config) not usable"

# --- 1. a busy /proc ------------------------------------------------------------------
bench_spawn "$PROCS" "$THREADS" || die "spawn did not get ready"
procs=$spawn_procs spawned=$spawn_tasks
note "spawned $procs processes, $spawned tasks in $spawn_s s"

# --- 2. measure --------------------------------------------------------------------
# cpu_us CMD... : user + sys microseconds of CMD on stdout; fails if CMD failed
cpu_us() {
	r=$("$tmp/cputime" "$@") || { note "$* failed"; return 1; }
	echo "$r" | awk '{ print $1 + $2 }'
}

# Floors first: their set-up walks all of /proc once, so the kernel's /proc inodes
# exist before the monitors are timed and no monitor pays for building them.
tasks=0 floor_ms="" floor_start="" lp2_ms="" lp2_start=""
out=$("$tmp/floor" -n "$K" -d "$DELAY") || die "floor failed"
set -- $out
[ "${1:-}" = floor ] || die "floor printed nothing"
tasks=$2
floor_note=""
if [ "$3" -lt "$2" ]; then
	# Out of descriptors: the cost is per thread read, so scale up to all of them.
	floor_note="scaled up from $3 of $2 threads (RLIMIT_NOFILE)"
	note "floor kept only $3 of $2 threads open; per-refresh figure $floor_note"
fi
floor_start=$(awk -v u="$5" 'BEGIN { printf "%.2f", u / 1000 }')
floor_ms=$(awk -v u="$6" -v k="$4" -v all="$2" -v open="$3" \
	'BEGIN { printf "%.3f", u / k / 1000 * (open > 0 ? all / open : 1) }')

if [ -n "$have_lp2" ]; then
	out=$("$tmp/floor-libproc2" -n "$K" -d "$DELAY") || out=""
	set -- $out
	if [ "${1:-}" = floor-libproc2 ]; then
		lp2_start=$(awk -v u="$5" 'BEGIN { printf "%.2f", u / 1000 }')
		lp2_ms=$(awk -v u="$6" -v k="$4" 'BEGIN { printf "%.3f", u / k / 1000 }')
	else
		note "floor-libproc2 failed"
	fi
fi

# per_refresh EXTRA-READINGS-IN-N1 CMD... (with -n appended): sets per_ms and start_ms
per_ms="" start_ms=""
per_refresh() {
	extra=$1
	shift
	per_ms="" start_ms=""
	one=$(cpu_us "$@" -n 1) || return 1
	many=$(cpu_us "$@" -n $((K + 1))) || return 1
	per_ms=$(awk -v a="$one" -v b="$many" -v k="$K" 'BEGIN { printf "%.3f", (b - a) / k / 1000 }')
	start_ms=$(awk -v a="$one" -v p="$per_ms" -v r="$extra" 'BEGIN { printf "%.2f", a / 1000 - r * p }')
}

# A user's toprc could change modes or fields: top gets an empty home.
top_ms="" top_start="" top_skip=""
if command -v top >/dev/null 2>&1; then
	if per_refresh 1 env HOME="$tmp" XDG_CONFIG_HOME="$tmp" top -b -H -d "$DELAY"; then
		top_ms=$per_ms top_start=$start_ms
	else
		top_skip="top failed"
	fi
else
	top_skip="top not installed"
fi

ct_ms="" ct_start="" ct_skip=""
if command -v "$CORETOP" >/dev/null 2>&1; then
	if per_refresh 2 "$CORETOP" -b -d "$DELAY"; then
		ct_ms=$per_ms ct_start=$start_ms
	else
		ct_skip="$CORETOP failed"
	fi
else
	ct_skip="$CORETOP not found (build it with make, or set CORETOP)"
fi
[ -z "$ct_skip" ] || note "skipping coretop: $ct_skip"

# --- 3. report ------------------------------------------------------------------------
ratio() { # A B : A / B to one decimal, or empty if either is missing
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'
}
r_ct_top=$(ratio "$ct_ms" "$top_ms")
r_ct_floor=$(ratio "$ct_ms" "$floor_ms")
r_lp2_floor=$(ratio "$lp2_ms" "$floor_ms")

row() { # NAME START PER NOTE
	printf '%-22s %12s %12s  %s\n' "$1" "${2:--}" "${3:--}" "$4"
}
echo
echo "sampler benchmark: $procs processes x $((THREADS + 1)) tasks spawned, $tasks tasks on the machine"
echo "$K refreshes ${DELAY} s apart; CPU time = user + sys, in ms"
row tool start-up per-refresh ""
row "top -b -H" "$top_start" "$top_ms" "$top_skip"
row "coretop -b" "$ct_start" "$ct_ms" "$ct_skip"
row "floor (pread schedstat)" "$floor_start" "$floor_ms" "$floor_note"
row "floor-libproc2" "$lp2_start" "$lp2_ms" "$([ -n "$have_lp2" ] || echo skipped)"
echo "ratios: coretop/top ${r_ct_top:--}  coretop/floor ${r_ct_floor:--}  libproc2/floor ${r_lp2_floor:--}"

num() { echo "${1:-null}"; } # JSON number, or null when not measured
json=$(printf '{"bench":"sampler","procs":%s,"threads_per_proc":%s,"tasks_spawned":%s,"tasks":%s,"refreshes":%s,"delay_s":%s,"cpu_ms_per_refresh":{"top":%s,"coretop":%s,"floor":%s,"floor_libproc2":%s},"startup_cpu_ms":{"top":%s,"coretop":%s,"floor":%s,"floor_libproc2":%s},"ratios":{"coretop_top":%s,"coretop_floor":%s,"libproc2_floor":%s}}' \
	"$procs" "$THREADS" "$spawned" "$tasks" "$K" "$DELAY" \
	"$(num "$top_ms")" "$(num "$ct_ms")" "$(num "$floor_ms")" "$(num "$lp2_ms")" \
	"$(num "$top_start")" "$(num "$ct_start")" "$(num "$floor_start")" "$(num "$lp2_start")" \
	"$(num "$r_ct_top")" "$(num "$r_ct_floor")" "$(num "$r_lp2_floor")")
if [ -n "${BENCH_JSON:-}" ]; then
	echo "$json" >"$BENCH_JSON" || die "cannot write $BENCH_JSON"
	echo "JSON written to $BENCH_JSON"
else
	echo "$json"
fi
