# coretop tune contains its jobs (tuner/contain.h): a job that double-forks a setsid
# daemon leaves nothing behind after a tuning that ends well, after SIGINT (to the
# process, and to its process group as a terminal would), within 2 s of a SIGKILL of
# the tuner itself, and within 3 s of one of the process we started; the status stays the signal's; the job cgroup coretop-tune-PID
# is gone after; and jobs get the RLIMIT_NOFILE soft limit the user had, not the one
# the sampler raised. Both paths: the cgroup one (where this machine lets us create a
# cgroup) and the subreaper one (CORETOP_NO_CGROUP=1).
. tests/e2e/lib.sh
tmp=$(mktemp -d)
mark=coretop-contain-$$
# marked: the pids whose environment holds our marker (the keeper, tuner, jobs, daemons)
marked() {
	grep -lsz "^CT_MARK=$mark\$" /proc/[0-9]*/environ 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/environ$|\1|'
}
trap 'for p in $(marked); do kill -KILL "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
[ -r /proc/self/environ ] || skip "no /proc/PID/environ"

# A soft limit under the hard one, so that the sampler's raise would show.
if [ "$(ulimit -H -n)" = unlimited ] || [ "$(ulimit -H -n)" -gt 1024 ]; then
	ulimit -S -n 1024
fi
nofile=$(ulimit -S -n)

# Where a cgroup of ours would go, when this machine lets us make one.
cgmnt=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
cgself=$(sed -n 's/^0:://p' /proc/self/cgroup)
cgdir=$cgmnt${cgself%/}
can_cgroup=no
if [ -n "$cgmnt" ] && [ -w "$cgdir/cgroup.procs" ] && mkdir "$cgdir/coretop-probe-$$" 2>/dev/null; then
	rmdir "$cgdir/coretop-probe-$$"
	can_cgroup=yes
fi

# The job: a daemon that escapes its process group and session, then the limit and
# the cgroup it was given (whole files: a job may be killed at any point), then
# CT_SLEEP seconds.
cat >"$tmp/job.sh" <<'EOF'
setsid sh -c 'sleep 300 & sleep 300' </dev/null >/dev/null 2>&1 &
ulimit -S -n >"$CT_DIR/nofile.$1.$$" && mv "$CT_DIR/nofile.$1.$$" "$CT_DIR/nofile.$1"
sed -n 's/^0:://p' /proc/self/cgroup >"$CT_DIR/cg.$1.$$" && mv "$CT_DIR/cg.$1.$$" "$CT_DIR/cg.$1"
sleep "$CT_SLEEP"
EOF

# tune SLEEP: a tuning of the job in the background (its own session, $pid)
tune() {
	rm -f "$tmp"/nofile.* "$tmp"/cg.*
	CT_MARK=$mark CT_DIR=$tmp CT_SLEEP=$1 setsid "$CORETOP" tune --no-tui --inputs 1..2 \
		--sample 2 --repeat 1 --candidates 1x1,2x1 --budget 30 -- sh "$tmp/job.sh" {} \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
}

# gone WHAT SECS: nothing marked is left within SECS seconds
gone() {
	i=0
	while [ -n "$(marked)" ] && [ $i -lt $(($2 * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	left=$(marked)
	if [ -z "$left" ]; then
		ok "$1: nothing left"
	else
		fail "$1: $(echo $left | wc -w) left running, such as: $(for p in $left; do
			tr '\0' ' ' <"/proc/$p/cmdline"; echo '|'; done 2>/dev/null | head -n 3 | tr -d '\n')"
	fi
}

# started: waits until a job has run far enough to leave its daemon
started() {
	i=0
	until [ -s "$tmp/cg.1" ] && [ "$(marked | wc -l)" -ge 5 ] || [ $i -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# checks WHAT: the limit and the cgroup the jobs had, and that the cgroup is gone
checks() {
	got=$(cat "$tmp/nofile.1" 2>/dev/null)
	[ "$got" = "$nofile" ] && ok "$1: the job's soft RLIMIT_NOFILE is the user's ($nofile)" ||
		fail "$1: the job's soft RLIMIT_NOFILE is '$got', the user's is $nofile"
	cg=$(cat "$tmp/cg.1" 2>/dev/null)
	case "$mode,$cg" in
	cgroup,*/coretop-tune-[0-9]*/jobs)
		top=$cgmnt${cg%/jobs}
		i=0
		while [ -d "$top" ] && [ $i -lt 40 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		[ -d "$top" ] && fail "$1: $top is still there" || ok "$1: jobs ran in $cg, now gone"
		;;
	cgroup,*) fail "$1: the job ran in '$cg', not in a coretop-tune-PID/jobs cgroup" ;;
	*coretop-tune-*) fail "$1: CORETOP_NO_CGROUP=1, yet the job ran in $cg" ;;
	*) ok "$1: no cgroup made ($cg)" ;;
	esac
}

for mode in cgroup subreaper; do
	if [ $mode = cgroup ]; then
		[ $can_cgroup = yes ] || { echo "  (no cgroup may be made here: the cgroup path is not tried)"; continue; }
		unset CORETOP_NO_CGROUP
	else
		CORETOP_NO_CGROUP=1
		export CORETOP_NO_CGROUP
	fi

	tune 0.05
	wait "$pid"
	rc=$?
	[ $rc -eq 0 ] && ok "$mode: a tuning of a daemonizing job: status 0" ||
		fail "$mode: status $rc: $(tail -n 3 "$tmp/err")"
	gone "$mode, done" 1
	checks "$mode, done"

	tune 5
	started
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	[ $rc -eq 130 ] && ok "$mode: SIGINT mid-run: status 130" || fail "$mode: SIGINT: status $rc"
	gone "$mode, SIGINT" 2
	checks "$mode, SIGINT"

	# as a terminal's Ctrl-C: to the whole foreground process group
	tune 5
	started
	kill -INT -"$pid"
	wait "$pid"
	rc=$?
	[ $rc -eq 130 ] && ok "$mode: SIGINT to the group: status 130" ||
		fail "$mode: SIGINT to the group: status $rc"
	gone "$mode, SIGINT to the group" 2

	tune 5
	started
	# the tuner: the coretop whose parent is the one we started (that one when none)
	tuner=$(pgrep -P "$pid" -x "$(basename "$CORETOP")" | head -n 1)
	kill -KILL "${tuner:-$pid}"
	gone "$mode, SIGKILL of the tuner" 2
	wait "$pid"
	rc=$?
	[ $rc -eq 137 ] && ok "$mode: SIGKILL of the tuner: status 137" ||
		fail "$mode: SIGKILL of the tuner: status $rc"
	checks "$mode, SIGKILL"

	# the other way round: the keeper (the one we started) killed, the tuner stops
	tune 5
	started
	kill -KILL "$pid"
	gone "$mode, SIGKILL of the process started" 3
done
finish
