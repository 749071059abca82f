#!/bin/sh
# shellcheck disable=SC2086,SC2046,SC3045 # result lines are split into fields on purpose; dash and bash have ulimit -n and -H
# The scale benchmark (`make bench-scale`, issue 15): what coretop costs on a machine
# with 10k to 150k threads, against procps top in the same run, and against the pread
# floor when every thread is active; each figure beside its target.
#
#   CORETOP=./coretop sh tests/bench/scale.sh      (as root: it raises kernel limits)
#
# Environment:
#   CORETOP             the binary (default ./coretop); the bench fails without it
#   SCALE_SIZES         idle thread counts, "10000 50000 150000" by default; each is
#                       N processes x M tasks (10 a process up to 10,000, 50 up to
#                       50,000, 100 above: 1000x10, 1000x50, 1500x100), or give the
#                       shape yourself as NxM ("1000x10")
#   SCALE_DELAY         seconds between refreshes for the idle sizes (0.05)
#   SCALE_K_CORETOP     refreshes that coretop's two runs differ by (20: -n 2 vs -n 22)
#   SCALE_K_TOP         the same for top (10: -n 2 vs -n 12)
#   SCALE_ACTIVE        the all-active case, NxM tasks (100x100); "" or 0 skips it
#   SCALE_ACTIVE_DUTY   SPIN_US:PERIOD_US of each active task (10:250000, below)
#   SCALE_ACTIVE_DELAY  seconds between refreshes in the all-active case (0.25)
#   SCALE_TIMEOUT       seconds any one measured command may take (900)
#   SCALE_SETTLE        seconds to wait once a size's tasks are up (2)
#   SCALE_JSON          a file for the JSON line instead of stdout
#   CC                  (cc)
#
# For each size, one after the other, with only that size's load up:
#  1. spawn.c fills /proc with N x M idle tasks (fewer, said so, if the machine cannot
#     hold them) and holds them while the size is measured.
#  2. floor.c walks all of /proc and preads every thread's schedstat: it warms the
#     kernel's /proc inodes so that no monitor pays for building them, and gives the
#     floor for the row.
#  3. First sample: the wall time of `coretop -b --json -n 1` (two readings, rates need
#     two, SCALE_DELAY apart) and of `top -b -H -n 1`, from fork to exit (cputime.c).
#  4. CPU per refresh (user + sys from wait4's rusage, cputime.c): coretop -b --json
#     at -n 2 and -n 2+K_CORETOP, top -b -H and top -b (processes only) at -n 2 and
#     -n 2+K_TOP, all at -d SCALE_DELAY; the difference over K is one refresh, start-up
#     and what both runs share cancel out.  top gets an empty home (no toprc).  Max
#     RSS is the largest of each tool's runs at that size.  coretop's JSON of its long
#     run is kept, and its "sampler" objects say what the refreshes read (the activity
#     rule: sampler/sampler.h).
#  5. While the load is still up: tests/e2e/starved.sh, if it exists (exit 0 pass, 77
#     skip, else fail; it prints one line).
# Then the all-active case: N x M tasks, each waking every PERIOD_US and spinning
# SPIN_US of CPU, so that every thread runs in every refresh interval (PERIOD_US is
# at most SCALE_ACTIVE_DELAY), the floor and coretop both at SCALE_ACTIVE_DELAY, K_CORETOP
# refreshes, and starved.sh again.  "Each thread busy a few percent" cannot be had on a
# small machine: 10,000 threads at 3 % would be 300 cores.  The load's own CPU use is
# measured and printed.
#
# Limits: kernel.pid_max and kernel.threads-max are raised (as root) to what the largest
# size needs and restored on every exit; the soft RLIMIT_NOFILE is raised to the hard
# limit, which is kept (past it coretop's descriptor budget is full: that is measured).
# The product itself never changes a sysctl.  Everything it starts is ended on any
# exit.  The output states the machine, what was changed, a table per case, each
# target with its figure (met, or missed by how much), then one JSON line.  These are
# figures, not pass/fail: the bench fails only if it cannot measure.
set -u
CORETOP=${CORETOP:-./coretop}
SIZES=${SCALE_SIZES:-10000 50000 150000}
DELAY=${SCALE_DELAY:-0.05}
K_CT=${SCALE_K_CORETOP:-20}
K_TOP=${SCALE_K_TOP:-10}
ACTIVE=${SCALE_ACTIVE-100x100}
DUTY=${SCALE_ACTIVE_DUTY:-10:250000}
ADELAY=${SCALE_ACTIVE_DELAY:-0.25}
TIMEOUT=${SCALE_TIMEOUT:-900}
SETTLE=${SCALE_SETTLE:-2}
CC=${CC:-cc}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

die() { echo "scale: $*" >&2; exit 1; }
note() { echo "scale: $*" >&2; }
say() { printf '%s\n' "$*"; } # a line of the report

case $CORETOP in
*/*) CORETOP=$(cd "$(dirname "$CORETOP")" 2>/dev/null && pwd)/$(basename "$CORETOP") ;;
*) CORETOP=$(command -v "$CORETOP") ;;
esac
[ -x "$CORETOP" ] || die "coretop not found (build it with make, or set CORETOP)"
CORETOP_BENCH=${CORETOP_BENCH:-$(dirname "$CORETOP")/coretop-bench}
command -v top >/dev/null 2>&1 || die "top (procps) is not installed"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is not installed"

tmp=$(mktemp -d) || exit 1
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

# --- limits: raised here, restored by the EXIT trap --------------------------------
changed="" # "NAME OLD NEW" lines of the sysctls we wrote
restore_sysctls() {
	[ -n "$changed" ] || return 0
	printf '%s\n' "$changed" | while read -r name old new; do
		[ -n "$name" ] || continue
		if echo "$old" >"/proc/sys/kernel/$name" 2>/dev/null; then
			echo "scale: kernel.$name restored to $old (was raised to $new)"
		else
			echo "scale: could not restore kernel.$name to $old" >&2
		fi
	done
	changed=""
}
m_pid="" st_pid="" # the measured command, the starved test, while they run
cleanup() {
	for _c in $m_pid $st_pid; do
		kill -TERM "$_c" 2>/dev/null && wait "$_c" 2>/dev/null
	done
	m_pid="" st_pid=""
	bench_unspawn
	restore_sysctls >&2
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# raise NAME WANT : kernel.NAME to WANT if it is lower; notes what it did
raise() {
	_r_old=$(cat "/proc/sys/kernel/$1")
	[ "$_r_old" -lt "$2" ] || return 0
	if echo "$2" >"/proc/sys/kernel/$1" 2>/dev/null; then
		changed="$changed$1 $_r_old $2
"
		limits_said="${limits_said}kernel.$1 $_r_old -> $2 (restored on exit); "
	else
		limits_said="${limits_said}kernel.$1 is $_r_old and could not be raised to $2 (not root?); "
	fi
}

# shape SPEC : sets sh_procs and sh_per (tasks a process, its main thread included)
shape() {
	case $1 in
	*x*) sh_procs=${1%x*} sh_per=${1#*x} ;;
	*)
		if [ "$1" -le 10000 ]; then sh_per=10
		elif [ "$1" -le 50000 ]; then sh_per=50
		else sh_per=100
		fi
		sh_procs=$((($1 + sh_per - 1) / sh_per))
		;;
	esac
	if ! [ "$sh_procs" -ge 1 ] 2>/dev/null || ! [ "$sh_per" -ge 1 ] 2>/dev/null; then
		die "bad size '$1' (a thread count or NxM)"
	fi
}

# --- the machine ----------------------------------------------------------------------
nofile_soft0=$(ulimit -n) nofile_hard=$(ulimit -Hn)
limits_said=""
if [ "$nofile_soft0" != "$nofile_hard" ]; then
	ulimit -n "$nofile_hard" && limits_said="RLIMIT_NOFILE soft $nofile_soft0 -> $nofile_hard (this run only); "
fi
pid_max0=$(cat /proc/sys/kernel/pid_max) threads_max0=$(cat /proc/sys/kernel/threads-max)
most=0
for spec in $SIZES ${ACTIVE:+$ACTIVE}; do
	[ "$spec" = 0 ] && continue
	shape "$spec"
	[ $((sh_procs * sh_per)) -gt "$most" ] && most=$((sh_procs * sh_per))
done
now=$(bench_tasks_now)
# pids are handed out in a cycle up to pid_max: leave room for the monitors, the
# starved test and the rest of the machine besides spawn's own 512 of headroom.
raise pid_max $((most + now + 16384))
raise threads-max $((most + now + 8192))
[ -n "$limits_said" ] || limits_said="nothing (the limits already fit); "
limits_said=${limits_said%; }

cpus=$(getconf _NPROCESSORS_ONLN)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
kernel=$(uname -sr)
mem_mib=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
top_version=$(top -V 2>&1 | head -n 1)
ct_version=$("$CORETOP" --version 2>&1 | head -n 1)
say "scale benchmark: $ct_version against $top_version"
say "machine: $cpus CPUs ($model), $kernel, $mem_mib MiB memory"
say "limits: RLIMIT_NOFILE $(ulimit -n) soft / $nofile_hard hard, kernel.pid_max $pid_max0, kernel.threads-max $threads_max0 at start"
say "changed: $limits_said"
say "load at start: $(cut -d' ' -f1-4 /proc/loadavg) (loadavg; other work on the machine shares its CPUs)"

bench_build

# --- measuring ------------------------------------------------------------------------
m_out=/dev/null
# The machine's busy CPU time so far, in clock ticks (/proc/stat: user nice system irq
# softirq steal), and the clock: what the rest of the machine did while we measured is
# the busy time less ours.
hz=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
clock_s() { date +%s.%N; }
# others_cores BUSY0 BUSY1 T0 T1 OURS_US : cores the rest of the machine used meanwhile
others_cores() {
	awk -v a="$1" -v b="$2" -v s="$3" -v e="$4" -v us="$5" -v hz="$hz" 'BEGIN {
		o = (b - a) / hz - us / 1e6; if (o < 0) o = 0
		printf "%.2f", (e > s ? o / (e - s) : 0) }'
}

# run_m CMD... : sets m_cpu (user + sys, us), m_rss (KiB), m_wall (us) and m_others
# (cores the rest of the machine used meanwhile); adds m_cpu to own_us; 1 on failure.
# In the background, and waited for: a signal to the bench is handled at once (wait
# returns), and cleanup stops the command (cputime passes the TERM on).
own_us=0
run_m() {
	_mb0=$(busy_ticks) _mt0=$(clock_s)
	"$tmp/cputime" -o "$m_out" timeout --foreground "$TIMEOUT" "$@" >"$tmp/m" &
	m_pid=$!
	wait "$m_pid"
	_rc=$?
	m_pid=""
	[ "$_rc" -eq 0 ] || { note "$* failed (exit $_rc)"; return 1; }
	_mb1=$(busy_ticks) _mt1=$(clock_s)
	set -- $(cat "$tmp/m")
	m_cpu=$(($1 + $2)) m_rss=$3 m_wall=$4
	own_us=$((own_us + m_cpu))
	m_others=$(others_cores "$_mb0" "$_mb1" "$_mt0" "$_mt1" "$m_cpu")
}

# pair N1 N2 CMD... : CMD -n N1 and CMD -n N2; sets p_ms (CPU ms a refresh) and p_rss
# (the larger max RSS, KiB); 1 on failure
pair() {
	_p1=$1 _p2=$2
	shift 2
	p_ms="" p_rss=""
	run_m "$@" -n "$_p1" || return 1
	_pc=$m_cpu _pr=$m_rss
	run_m "$@" -n "$_p2" || return 1
	p_ms=$(awk -v a="$_pc" -v b="$m_cpu" -v k=$((_p2 - _p1)) 'BEGIN { printf "%.3f", (b - a) / k / 1000 }')
	p_rss=$((m_rss > _pr ? m_rss : _pr))
}

# floor_ms N DELAY : the pread floor's CPU ms a refresh over every thread (scaled up to
# all of them if RLIMIT_NOFILE kept some closed); sets f_ms and f_note
floor_run() {
	f_ms="" f_note=""
	_f=$("$tmp/floor" -n "$1" -d "$2" 2>/dev/null) || { note "floor failed"; return 1; }
	set -- $_f
	[ "${1:-}" = floor ] || { note "floor printed nothing"; return 1; }
	[ "$3" -lt "$2" ] && f_note="scaled from $3 of $2 threads kept open (RLIMIT_NOFILE)"
	own_us=$((own_us + $5 + $6))
	f_ms=$(awk -v u="$6" -v k="$4" -v all="$2" -v open="$3" \
		'BEGIN { printf "%.3f", u / k / 1000 * (open > 0 ? all / open : 1) }')
}

# sampler_stats FILE : what coretop's refreshes read, from the "sampler" objects of its
# JSON lines; sets s_lines s_threads_read s_procs_read s_active s_woken s_exhausted
# s_reopened (means over the lines but the first, which follows the reading of all)
# and s_last (the last object, verbatim)
sampler_stats() {
	set -- $(awk '
	function val(o, k) {
		if (match(o, "\"" k "\":[0-9]+"))
			return substr(o, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0
		return 0
	}
	match($0, /"sampler":\{[^}]*\}/) {
		o = substr($0, RSTART + 10, RLENGTH - 10)
		n++
		last = o
		if (n == 1)
			next
		tr += val(o, "threads_read"); pr += val(o, "procs_read")
		ac += val(o, "threads_active"); re += val(o, "reopened")
		if (o ~ /"woken":true/) w++
		if (o ~ /"fds_exhausted":true/) ex++
	}
	END {
		m = n > 1 ? n - 1 : 1
		printf "%d %.0f %.0f %.0f %d %d %.0f %s\n", n, tr / m, pr / m, ac / m, w, ex, re / m, last
	}' "$1")
	s_lines=$1 s_threads_read=$2 s_procs_read=$3 s_active=$4 s_woken=$5 s_exhausted=$6 s_reopened=$7
	s_last=${8:-null}
}

# starved : runs tests/e2e/starved.sh if it is there; sets st_res (pass, fail, skip,
# absent) and st_line (its one line)
starved() {
	st_res=absent st_line="tests/e2e/starved.sh is not there"
	[ -f "$root/tests/e2e/starved.sh" ] || return 0
	(cd "$root" && CORETOP="$CORETOP" CORETOP_BENCH="$CORETOP_BENCH" \
		exec timeout 600 sh tests/e2e/starved.sh) >"$tmp/starved.out" 2>&1 </dev/null &
	st_pid=$!
	wait "$st_pid"
	_rc=$?
	st_pid=""
	st_line=$(tail -n 1 "$tmp/starved.out")
	case $_rc in
	0) st_res=pass ;;
	77) st_res=skip ;;
	*) st_res=fail st_line="exit $_rc: $st_line" ;;
	esac
}

# load_ticks : CPU clock ticks (utime + stime) used so far by spawn's process group
load_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$spawn_pid" '{
		s = $0; sub(/^.*\) /, "", s); split(s, f, " ")
		if (f[3] == g) t += f[12] + f[13]
	} END { print t + 0 }'
}

ratio() { # A B : A / B to three decimals, or empty if either is missing
	[ -n "$1" ] && [ -n "$2" ] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b }'
}
s_of() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1e6 }'; }       # us -> s
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }        # KiB -> MiB
grp() { printf '%s' "$1" | sed ':a;s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/;ta'; } # 1,234
num() { echo "${1:-null}"; } # a JSON number, or null when not measured
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
HOMES="env HOME=$tmp XDG_CONFIG_HOME=$tmp"

# --- the idle sizes -------------------------------------------------------------------
rows="" sizes_json="" details=""
for spec in $SIZES; do
	shape "$spec"
	want=$((sh_procs * sh_per))
	note "size $spec: spawning $sh_procs processes x $sh_per tasks"
	bench_spawn "$sh_procs" $((sh_per - 1)) 2>"$tmp/spawn.err"
	ok=$?
	spawn_notes=$(sed 's/^spawn: //' "$tmp/spawn.err" | tr '\n' ' ')
	if [ "$ok" -ne 0 ]; then
		say "size $spec: spawn could not get ready: $spawn_notes"
		bench_unspawn
		sizes_json="$sizes_json${sizes_json:+,}{\"size\":$want,\"tasks_spawned\":0,\"error\":$(jstr "spawn failed: $spawn_notes")}"
		continue
	fi
	got=$spawn_tasks
	short=""
	[ "$got" -lt "$want" ] && short="only $got of $want tasks could be spawned: $spawn_notes"
	[ -n "$short" ] && say "size $spec: $short"
	sleep "$SETTLE" # the kernel's clean-up of the last size, the new tasks' first sleep
	tasks=$(bench_tasks_now)
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	note "size $spec: $got tasks up in $spawn_s s ($tasks on the machine), measuring"

	own_us=0 w_b0=$(busy_ticks) w_t0=$(clock_s)
	floor_run "$K_TOP" "$DELAY"
	fl_ms=$f_ms fl_note=$f_note

	ct_first="" ct_first_cpu="" ct_rss=0 top_first="" top_first_cpu="" toph_rss=0
	first_note=""
	if run_m $HOMES "$CORETOP" -b --json -d "$DELAY" -n 1; then
		ct_first=$(s_of "$m_wall") ct_first_cpu=$(s_of "$m_cpu") ct_rss=$m_rss
		first_note="coretop $ct_first s wall, $ct_first_cpu s CPU (rest of the machine: $m_others cores meanwhile)"
	fi
	if run_m $HOMES top -b -H -d "$DELAY" -n 1; then
		top_first=$(s_of "$m_wall") top_first_cpu=$(s_of "$m_cpu") toph_rss=$m_rss
		first_note="$first_note; top -H $top_first s wall, $top_first_cpu s CPU ($m_others)"
	fi

	m_out=$tmp/coretop.json
	ct_ms=""
	pair 2 $((2 + K_CT)) $HOMES "$CORETOP" -b --json -d "$DELAY" &&
		ct_ms=$p_ms ct_rss=$((p_rss > ct_rss ? p_rss : ct_rss))
	m_out=/dev/null
	s_lines=0 s_last=null
	[ -n "$ct_ms" ] && sampler_stats "$tmp/coretop.json"
	toph_ms=""
	pair 2 $((2 + K_TOP)) $HOMES top -b -H -d "$DELAY" &&
		toph_ms=$p_ms toph_rss=$((p_rss > toph_rss ? p_rss : toph_rss))
	top_ms=""
	pair 2 $((2 + K_TOP)) $HOMES top -b -d "$DELAY" && top_ms=$p_ms

	w_others=$(others_cores "$w_b0" "$(busy_ticks)" "$w_t0" "$(clock_s)" "$own_us")
	note "size $spec: starved.sh under the load"
	starved
	bench_unspawn

	[ "$ct_rss" -gt 0 ] || ct_rss="" ; [ "$toph_rss" -gt 0 ] || toph_rss=""
	r_h=$(ratio "$ct_ms" "$toph_ms") r_t=$(ratio "$ct_ms" "$top_ms")
	r_rss=$(ratio "$ct_rss" "$toph_rss")
	eval "res_$want=\"\$ct_ms|\$toph_ms|\$top_ms|\$r_h|\$r_t|\$ct_first|\$top_first|\$ct_rss|\$toph_rss|\$r_rss|\$got|\$st_res\""
	rows="$rows| $(grp "$tasks") ($sh_procs x $sh_per) | ${ct_ms:--} ms | ${toph_ms:--} ms | ${r_h:--} | ${top_ms:--} ms | ${r_t:--} | ${fl_ms:--} ms | ${ct_first:--} s / ${top_first:--} s | $(mib "${ct_rss:-0}") / $(mib "${toph_rss:-0}") MiB | ${r_rss:--} | $st_res |
"
	details="$details  $(grp "$tasks") threads: starved test $st_res: $st_line
    the rest of the machine used $w_others of $cpus CPUs on average while this size was measured
    first sample: $first_note
"
	[ -n "$fl_note" ] && details="$details    floor $fl_note
"
	[ -n "$short" ] && details="$details    $short
"
	if [ "$s_lines" -gt 0 ]; then
		details="$details    coretop's refreshes (mean of $((s_lines - 1)) after the first): read $(grp "$s_threads_read") threads of $(grp "$got")+ in $(grp "$s_procs_read") processes, $(grp "$s_active") active, $(grp "$s_reopened") files opened and closed; woken $s_woken times; descriptors full in $s_exhausted; last: $s_last
"
	fi
	sizes_json="$sizes_json${sizes_json:+,}{\"size\":$want,\"procs\":$sh_procs,\"tasks_per_proc\":$sh_per,\"tasks_spawned\":$got,\"tasks\":$tasks,\"spawn_s\":$spawn_s,\"loadavg\":$(jstr "$load"),\"cpu_ms_per_refresh\":{\"coretop\":$(num "$ct_ms"),\"top_H\":$(num "$toph_ms"),\"top\":$(num "$top_ms"),\"floor\":$(num "$fl_ms")},\"ratios\":{\"coretop_top_H\":$(num "$r_h"),\"coretop_top\":$(num "$r_t"),\"rss_coretop_top_H\":$(num "$r_rss")},\"first_sample_wall_s\":{\"coretop\":$(num "$ct_first"),\"top_H\":$(num "$top_first")},\"first_sample_cpu_s\":{\"coretop\":$(num "$ct_first_cpu"),\"top_H\":$(num "$top_first_cpu")},\"others_cores\":$w_others,\"max_rss_kib\":{\"coretop\":$(num "$ct_rss"),\"top_H\":$(num "$toph_rss")},\"sampler_mean\":{\"threads_read\":$(num "${s_threads_read:-}"),\"procs_read\":$(num "${s_procs_read:-}"),\"threads_active\":$(num "${s_active:-}"),\"reopened\":$(num "${s_reopened:-}"),\"woken\":$(num "${s_woken:-}"),\"fds_exhausted\":$(num "${s_exhausted:-}"),\"lines\":$s_lines},\"sampler_last\":$s_last,\"starved\":$(jstr "$st_res"),\"starved_line\":$(jstr "$st_line")}"
	s_threads_read="" s_procs_read="" s_active="" s_reopened="" s_woken="" s_exhausted=""
done

# --- every thread active --------------------------------------------------------------
act_json=null act_row="" act_detail=""
a_ms="" af_ms="" a_r=""
if [ -n "$ACTIVE" ] && [ "$ACTIVE" != 0 ]; then
	shape "$ACTIVE"
	want=$((sh_procs * sh_per))
	note "all active: spawning $sh_procs processes x $sh_per tasks, each -a $DUTY"
	if bench_spawn -a "$DUTY" "$sh_procs" $((sh_per - 1)) 2>"$tmp/spawn.err"; then
		got=$spawn_tasks
		sleep "$SETTLE" # the tasks' random phases spread out
		tasks=$(bench_tasks_now)
		l0=$(load_ticks) w0=$(clock_s) own_us=0 w_b0=$(busy_ticks)
		floor_run "$K_CT" "$ADELAY"
		af_ms=$f_ms af_note=$f_note
		m_out=$tmp/active.json
		pair 2 $((2 + K_CT)) $HOMES "$CORETOP" -b --json -d "$ADELAY" && a_ms=$p_ms a_rss=$p_rss
		m_out=/dev/null
		l1=$(load_ticks) w1=$(clock_s)
		# the load is ours too: what the rest used is the busy time less both
		a_others=$(others_cores "$w_b0" "$(busy_ticks)" "$w0" "$w1" \
			$((own_us + (l1 - l0) * 1000000 / hz)))
		load_cores=$(awk -v a="$l0" -v b="$l1" -v s="$w0" -v e="$w1" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.2f", (b - a) / hz / (e - s) }')
		s_lines=0 s_last=null
		[ -n "$a_ms" ] && sampler_stats "$tmp/active.json"
		note "all active: starved.sh under the load"
		starved
		bench_unspawn
		a_r=$(ratio "$a_ms" "$af_ms")
		act_row="| $(grp "$tasks") ($sh_procs x $sh_per, each $DUTY us) | $load_cores | ${a_ms:--} ms | ${af_ms:--} ms | ${a_r:--} | $(grp "${s_threads_read:-0}") / $(grp "${s_active:-0}") | $st_res |"
		act_detail="  all active: starved test $st_res: $st_line
    the rest of the machine used $a_others of $cpus CPUs on average meanwhile (besides the load)
"
		[ -n "$af_note" ] && act_detail="$act_detail    floor $af_note
"
		[ "$got" -lt "$want" ] && act_detail="$act_detail    only $got of $want tasks could be spawned
"
		[ "$s_lines" -gt 0 ] && act_detail="$act_detail    coretop's refreshes: woken $s_woken times of $((s_lines - 1)), descriptors full in $s_exhausted; last: $s_last
"
		act_json="{\"procs\":$sh_procs,\"tasks_per_proc\":$sh_per,\"tasks_spawned\":$got,\"tasks\":$tasks,\"duty\":$(jstr "$DUTY"),\"delay_s\":$ADELAY,\"load_cores\":$load_cores,\"others_cores\":$a_others,\"cpu_ms_per_refresh\":{\"coretop\":$(num "$a_ms"),\"floor\":$(num "$af_ms")},\"ratio_coretop_floor\":$(num "$a_r"),\"max_rss_kib\":{\"coretop\":$(num "${a_rss:-}")},\"sampler_mean\":{\"threads_read\":$(num "${s_threads_read:-}"),\"threads_active\":$(num "${s_active:-}"),\"woken\":$(num "${s_woken:-}")},\"sampler_last\":$s_last,\"starved\":$(jstr "$st_res"),\"starved_line\":$(jstr "$st_line")}"
	else
		act_row="| all active: spawn could not get ready: $(tr '\n' ' ' <"$tmp/spawn.err") |"
		bench_unspawn
	fi
fi

# --- report ---------------------------------------------------------------------------
say ""
say "Idle threads: CPU per refresh (user + sys) at -d $DELAY, coretop -n 2 vs -n $((2 + K_CT)), top -n 2 vs -n $((2 + K_TOP)); first sample = wall of -n 1; RSS = max RSS"
say ""
say "| threads (procs x tasks) | coretop -b --json | top -b -H | ratio | top -b (procs only) | ratio | floor (pread) | first sample, wall (coretop / top -H) | RSS (coretop / top -H) | ratio | starved |"
say "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$rows"
if [ -n "$act_row" ]; then
	say ""
	say "All threads active: CPU per refresh at -d $ADELAY, -n 2 vs -n $((2 + K_CT)); the floor over the same $K_CT refreshes"
	say ""
	say "| threads (procs x tasks, duty) | load (cores) | coretop -b --json | floor (pread) | ratio | threads read / active (mean) | starved |"
	say "|---|---|---|---|---|---|---|"
	say "$act_row"
fi
say ""
say "Notes:"
printf '%s%s' "$details" "$act_detail"

# --- targets ----------------------------------------------------------------------------
met=0 missed=0 unmeasured=0 targets_json=""
# target NAME VALUE LIMIT [UNIT] : VALUE <= LIMIT
target() {
	if [ -z "$2" ]; then
		say "  $1: not measured (target <= $3${4:+ $4})"
		unmeasured=$((unmeasured + 1))
		_t_met=null
	elif awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then
		say "  $1: $2${4:+ $4} (target <= $3${4:+ $4}): met"
		met=$((met + 1))
		_t_met=true
	else
		say "  $1: $2${4:+ $4} (target <= $3${4:+ $4}): MISSED, $(awk -v v="$2" -v l="$3" \
			'BEGIN { printf "%.2fx the limit (%+.0f %%)", v / l, (v / l - 1) * 100 }')"
		missed=$((missed + 1))
		_t_met=false
	fi
	targets_json="$targets_json${targets_json:+,}{\"target\":$(jstr "$1"),\"value\":$(num "$2"),\"limit\":$3,\"met\":$_t_met}"
}
# starved_target NAME RESULT : the starved test passed under that load
starved_target() {
	case $2 in
	pass) say "  $1: passed: met"; met=$((met + 1)); _t_met=true ;;
	fail) say "  $1: FAILED: missed"; missed=$((missed + 1)); _t_met=false ;;
	*) say "  $1: not measured (the test is ${2:-not run})"; unmeasured=$((unmeasured + 1)); _t_met=null ;;
	esac
	targets_json="$targets_json${targets_json:+,}{\"target\":$(jstr "$1"),\"value\":$(jstr "${2:-}"),\"limit\":\"pass\",\"met\":$_t_met}"
}
# row_of SIZE : sets the r_* fields of that size's row; 1 if it was not measured
row_of() {
	eval "_row=\${res_$1:-}"
	[ -n "$_row" ] || return 1
	IFS='|' read -r _ _ _ r_h r_t r_first _ r_rss _ r_rr r_got r_st <<EOF
$_row
EOF
	[ "$r_got" -lt "$1" ] && say "  (at $1: only $r_got tasks were spawned)"
	return 0
}
say ""
say "Targets (issue 15):"
if row_of 10000; then
	target "10k idle: coretop / top -b -H per refresh" "$r_h" 0.10
	target "10k idle: coretop / top -b per refresh" "$r_t" 2
	starved_target "10k idle: starved test" "${r_st:-}"
else
	say "  10k idle: not run (10000 is not in SCALE_SIZES)"
fi
if row_of 150000; then
	target "150k idle: coretop / top -b -H per refresh" "$r_h" 0.05
	target "150k idle: coretop's first sample, wall" "$r_first" 1.0 s
	target "150k idle: RSS coretop / top -b -H" "$r_rr" 0.5
	target "150k idle: RSS coretop" "$([ -n "$r_rss" ] && mib "$r_rss")" 64 MiB
	starved_target "150k idle: starved test" "${r_st:-}"
else
	say "  150k idle: not run (150000 is not in SCALE_SIZES)"
fi
if row_of 50000; then
	starved_target "50k idle: starved test" "${r_st:-}"
fi
if [ -n "$act_row" ]; then
	target "all active: coretop / floor per refresh" "$a_r" 1.5
	starved_target "all active: starved test" "${st_res:-}"
fi
say "  ($met met, $missed missed, $unmeasured not measured; a skipped or absent starved test is 'not measured')"

# Everything is down: put the limits back now, so the JSON line is the last line.
bench_unspawn
restore_sysctls

json="{\"bench\":\"scale\",\"coretop\":$(jstr "$ct_version"),\"top\":$(jstr "$top_version"),\"machine\":{\"cpus\":$cpus,\"model\":$(jstr "$model"),\"kernel\":$(jstr "$kernel"),\"mem_mib\":$mem_mib,\"nofile_soft\":$(ulimit -n),\"nofile_hard\":$nofile_hard,\"pid_max\":$pid_max0,\"threads_max\":$threads_max0},\"changed\":$(jstr "$limits_said"),\"delay_s\":$DELAY,\"refreshes\":{\"coretop\":$K_CT,\"top\":$K_TOP},\"sizes\":[$sizes_json],\"active\":$act_json,\"targets\":[$targets_json],\"met\":$met,\"missed\":$missed,\"unmeasured\":$unmeasured}"
if [ -n "${SCALE_JSON:-}" ]; then
	echo "$json" >"$SCALE_JSON" || die "cannot write $SCALE_JSON"
	say "JSON written to $SCALE_JSON"
else
	say "$json"
fi
