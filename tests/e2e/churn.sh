# Invariants on a churning machine: processes and threads that are born and die
# between two of coretop's readings, all at once (lib/churn.c):
#   short jobs  two sh loops, each starting 0.05–0.3 s CPU burners one after another
#   orphans     a child subreaper whose launcher's children fork a burner and exit at
#               once: the burner is reparented to the subreaper and reaped there
#   daemons     double-forked setsid daemons that burn a little and exit (reparented
#               to pid 1 or the session's subreaper)
#   threads     a process whose threads each burn 5–50 ms and end, three at a time
# In every one of 40 samples at -d 0.5 (CHURN_DELAY; short: more churn per interval):
# Σ groups' used ≤ machine.busy_cores + 0.05 (+ a clock tick per group with recovered
# time: cutime comes in whole ticks), and on average over the run ≤ busy + 0.03; each
# group's demand ≥ used, 0 ≤ wait% ≤ 100, no null rate (lib/invariants.py).
. tests/e2e/lib.sh
command -v cc >/dev/null || skip "no C compiler"
/usr/bin/python3 -c 'import json' 2>/dev/null || skip "no /usr/bin/python3"
samples=${CHURN_SAMPLES:-40}
delay=${CHURN_DELAY:-0.5}
live_scratch
cc -O1 -pthread -o "$tmp/churn" tests/e2e/lib/churn.c || skip "cannot build tests/e2e/lib/churn.c"

start() { # command… — in a session of its own (setsid execs: $! is the session)
	setsid "$@" >/dev/null 2>&1 &
	sessions="$sessions $!"
}
leash=$tmp/leash # the burners stop when it is gone: a daemon is out of our sessions
touch "$leash"
# CHURN_MIX picks some of them, to tell which one breaks an invariant
for c in ${CHURN_MIX:-short orphans daemons threads}; do
	case $c in
	short)
		start sh -c 'while :; do "$0" burn 0.05 0.3 "$1"; done' "$tmp/churn" "$leash"
		start sh -c 'while :; do "$0" burn 0.05 0.3 "$1"; done' "$tmp/churn" "$leash" ;;
	orphans) start "$tmp/churn" orphans 0.05 0.2 "$leash" ;;
	daemons) start "$tmp/churn" daemons 0.05 0.2 "$leash" ;;
	threads) start "$tmp/churn" threads 0.005 0.05 "$leash" ;;
	*) fail "CHURN_MIX: no churner $c" ;;
	esac
done
sleep 1
"$CORETOP" -b --json -d "$delay" -n "$samples" >"$tmp/churn.jsonl" || fail "coretop exited $?"
for p in $sessions; do
	kill -0 "$p" 2>/dev/null || fail "churner $p ended before sampling did"
done
if /usr/bin/python3 tests/e2e/lib/invariants.py "$tmp/churn.jsonl" "$samples" >"$tmp/out"; then
	cat "$tmp/out"
	ok "every invariant held in every sample"
else
	cat "$tmp/out"
	fail "$(grep -c 'broken in *[1-9]' "$tmp/out") invariant(s) broken"
fi
finish
