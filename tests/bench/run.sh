#!/bin/sh
# Sampler benchmark (make bench): CPU time per refresh of coretop against top -b -H
# and against the floors, on a busy /proc of N processes x T idle threads, measured in
# one run. Figures, not pass/fail.
#
#   N=1000 T=10 K=10 sh tests/bench/run.sh
#
# Per refresh = (CPU of K+1 refreshes - CPU of 1) / K, so start-up (and coretop's
# first reading, which opens every file) is left out: the steady state is what a
# monitor costs. BENCH_JSON=FILE also writes the figures as one JSON line.
set -eu
N=${N:-1000} T=${T:-10} K=${K:-10}
CORETOP=${CORETOP:-./coretop}
tmp=$(mktemp -d)
spawner=""
cleanup() {
	[ -n "$spawner" ] && kill -KILL -- -"$spawner" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cc -O2 -pthread -o "$tmp/spawn" tests/bench/spawn.c
cc -O2 -o "$tmp/cputime" tests/bench/cputime.c
cc -O2 -o "$tmp/floor" tests/bench/floor.c $(pkg-config --cflags --libs libproc2)

max=$(cat /proc/sys/kernel/threads-max)
if [ $((N * (T + 1))) -gt $((max / 2)) ]; then
	N=$((max / 2 / (T + 1)))
	echo "note: threads-max is $max: using $N processes"
fi
setsid "$tmp/spawn" "$N" "$T" >"$tmp/ready" &
spawner=$!
i=0
until grep -q ready "$tmp/ready" 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
	[ $i -lt 300 ] || { echo "spawn did not get ready"; exit 1; }
done
tasks=$(ls /proc/*/task 2>/dev/null | grep -c '^[0-9]')

per_refresh() { # label cmd-for-1 cmd-for-K+1 (each a string)
	one=$("$tmp/cputime" $2)
	many=$("$tmp/cputime" $3)
	echo "$one $many $K" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $3 }'
}
top_ms=$(per_refresh top "top -b -H -d 0.05 -n 1" "top -b -H -d 0.05 -n $((K + 1))")
if [ -x "$CORETOP" ]; then
	core_ms=$(per_refresh coretop "$CORETOP -b -d 0.05 -n 1" "$CORETOP -b -d 0.05 -n $((K + 1))")
	corej_ms=$(per_refresh coretop-json "$CORETOP -b --json -d 0.05 -n 1" "$CORETOP -b --json -d 0.05 -n $((K + 1))")
else
	echo "note: $CORETOP not built: skipped"
	core_ms=nan corej_ms=nan
fi
floor_ms=$("$tmp/floor" pread "$K" 2>/dev/null)
lp2_ms=$("$tmp/floor" libproc2 "$K" 2>/dev/null)

ratio() { echo "$1 $2" | awk '{ if ($2 > 0 && $1 == $1 + 0) printf "%.3f", $1 / $2; else printf "nan" }'; }
printf '\n%d processes x %d threads: %d tasks in /proc, %d refreshes each\n' "$N" "$T" "$tasks" "$K"
printf '%-34s %10s\n' "CPU per refresh" "ms"
printf '%-34s %10s\n' "top -b -H" "$top_ms"
printf '%-34s %10s\n' "coretop -b (text)" "$core_ms"
printf '%-34s %10s\n' "coretop -b --json" "$corej_ms"
printf '%-34s %10s\n' "floor: pread every schedstat" "$floor_ms"
printf '%-34s %10s\n' "libproc2 full thread scan" "$lp2_ms"
printf '\ncoretop / top -b -H     %s  (budget for #2: <= 0.25)\n' "$(ratio "$core_ms" "$top_ms")"
printf 'coretop / floor         %s\n' "$(ratio "$core_ms" "$floor_ms")"
printf 'libproc2 scan / floor   %s\n' "$(ratio "$lp2_ms" "$floor_ms")"
json=$(printf '{"processes":%d,"threads_per_process":%d,"tasks":%d,"refreshes":%d,"top_ms":%s,"coretop_ms":%s,"coretop_json_ms":%s,"floor_pread_ms":%s,"libproc2_ms":%s}' \
	"$N" "$T" "$tasks" "$K" "$top_ms" "$core_ms" "$corej_ms" "$floor_ms" "$lp2_ms")
echo "$json"
[ -n "${BENCH_JSON:-}" ] && echo "$json" >"$BENCH_JSON"
exit 0
