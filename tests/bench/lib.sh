# shellcheck shell=sh disable=SC2086,SC2034,SC2154 # $CC and $bench_cflags are split on purpose; it sets
# variables for, and reads those of, the script that sources it
# Helpers shared by the sampler benchmarks (run.sh, scale.sh); sourced, not run.
# The caller sets here (this folder), tmp (a private folder it removes), CC, and
# defines die and note.
#
#   bench_build             spawn, floor and cputime into $tmp (dies if one fails)
#   bench_spawn [ARGS...]   starts spawn.c with ARGS (its [-a SPIN:PERIOD] PROCS
#                           THREADS), waits until it is ready; sets spawn_pid,
#                           spawn_procs, spawn_tasks and spawn_s (seconds it took);
#                           returns 1 if it died before getting ready
#   bench_unspawn           TERM to spawn's process group, waits for it; safe to call
#                           twice and from an EXIT trap
#   bench_tasks_now         tasks on the machine now (/proc/loadavg's 4th field)

bench_cflags="-std=c11 -O2 -Wall -Wextra"
spawn_pid=""

bench_build() {
	$CC $bench_cflags -pthread -o "$tmp/spawn" "$here/spawn.c" || die "cannot build spawn.c"
	$CC $bench_cflags -o "$tmp/floor" "$here/floor.c" || die "cannot build floor.c"
	$CC $bench_cflags -o "$tmp/cputime" "$here/cputime.c" || die "cannot build cputime.c"
}

# spawn says "ready PROCS TASKS" through a FIFO once every child has its threads; if it
# dies first the read sees end-of-file instead of hanging.
bench_spawn() {
	spawn_procs=0 spawn_tasks=0 spawn_s=""
	rm -f "$tmp/ready"
	mkfifo "$tmp/ready" || die "mkfifo failed"
	_b_t0=$(date +%s.%N)
	"$tmp/spawn" "$@" >"$tmp/ready" &
	spawn_pid=$!
	_b_word=""
	read -r _b_word spawn_procs spawn_tasks <"$tmp/ready"
	_b_t1=$(date +%s.%N)
	spawn_s=$(awk -v a="$_b_t0" -v b="$_b_t1" 'BEGIN { printf "%.1f", b - a }')
	[ "$_b_word" = ready ] || { spawn_procs=0 spawn_tasks=0; return 1; }
}

# spawn leads its own process group: TERM to the group ends every child at once and
# spawn, which traps TERM, reaps them before it exits, so nothing is left behind.
bench_unspawn() {
	if [ -n "$spawn_pid" ]; then
		kill -TERM "-$spawn_pid" 2>/dev/null || kill -TERM "$spawn_pid" 2>/dev/null
		wait "$spawn_pid" 2>/dev/null
		spawn_pid=""
	fi
}

bench_tasks_now() {
	awk '{ split($4, a, "/"); print a[2] }' /proc/loadavg
}
