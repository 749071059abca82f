# The tuner screen's progress bar counts work done (tune_plan_progress: seconds of
# runs), not candidates: read every 0.2 s while a tuning of ~20 s runs, it tracks the
# time the tuning took, it shows 90 % or more only near the end, and 100 % at the end.
. tests/e2e/lib.sh
command -v tmux >/dev/null || skip "tmux not installed"
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
BENCH=$(cd "$(dirname "$CORETOP")" && pwd)/coretop-bench
[ -x "$BENCH" ] || BENCH=$(pwd)/coretop-bench
sock=coretop-progress-$$
tmp=$(mktemp -d)
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM

T new-session -d -s e2e -x 120 -y 40 "sh"
T send-keys -t e2e "cd $tmp && LC_ALL=C.UTF-8 TERM=xterm-256color $CORETOP tune --repeat 3 --inputs 1..8 -- $BENCH --size 300 --iters 14 --seed {}; echo rc=\$?" Enter
# "seconds since the start  percent  state": one line per reading, until the result
start=$(date +%s.%N)
i=0
while [ $i -lt 900 ]; do
	T capture-pane -t e2e -p >"$tmp/screen"
	now=$(date +%s.%N)
	pct=$(sed -n 's/^\[[| ]*\] *\([0-9]*\)%.*/\1/p' "$tmp/screen" | head -n 1)
	state=run
	grep -q '^warm-up' "$tmp/screen" && state=warm
	grep -q '^e export' "$tmp/screen" && state=end
	[ -n "$pct" ] && echo "$now $start $pct $state" >>"$tmp/curve"
	[ "$state" = end ] && break
	sleep 0.2
	i=$((i + 1))
done
T send-keys -t e2e q
/usr/bin/python3 - "$tmp/curve" <<'PY' && ok "progress tracks the work" || fail "progress"
import sys
rows = [l.split() for l in open(sys.argv[1])]
pts = [(float(n) - float(s), int(p), st) for n, s, p, st in rows]
run = [(t, p) for t, p, st in pts if st == "run"]
end = [p for t, p, st in pts if st == "end"]
assert run and end, "no reading while it ran, or no end"
t0, t1 = run[0][0], next(t for t, p, st in pts if st == "end")
span = t1 - t0
first90 = next((t for t, p in run if p >= 90), t1)
# progress against the share of the time gone, once the first run has said how long
# runs take (before it, 0 % is all that can be known)
gaps = [(p / 100 - (t - t0) / span, t) for t, p in run if p > 0]
gap, at = max(gaps, key=lambda g: abs(g[0]))
worst = abs(gap)
print("  %d readings over %.1f s; 90 %% first at %.0f %% of the time (%.1f s before the end); "
      "largest gap between progress and time %+.2f at %.0f %% of the time; end %d %%"
      % (len(run), span, 100 * (first90 - t0) / span, t1 - first90, gap,
         100 * (at - t0) / span, end[0]))
assert end[0] == 100, "the end is not 100 %"
assert (t1 - first90) / span <= 0.2, "90 % shown too early"
assert worst <= 0.35, "progress strays from the time taken"
PY
finish
