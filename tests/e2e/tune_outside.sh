# coretop tune sees load that is not its jobs': with a `yes` hog on one CPU beside a
# tuning, every candidate's outside_cores holds that core and warnings[] says so;
# the hog's core is counted from /proc/stat less the jobs' own CPU, so jobs shorter
# than any sampling interval do not make load appear (or vanish).
. tests/e2e/lib.sh
command -v yes >/dev/null || skip "no yes"
bench=${CORETOP_BENCH:-./coretop-bench}
[ -x "$bench" ] || skip "no $bench"
live_scratch

# the hog: its own session, so that the EXIT trap kills it whatever happens
setsid yes >/dev/null 2>&1 &
sessions=$!
sleep 0.5
"$CORETOP" tune --no-tui --json --repeat 1 --candidates 1x1,2x1 --inputs 1..8 --sample 8 \
	--budget 120 -- "$bench" --size 200 --iters 3 {} >"$tmp/r.json" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "tune beside a hog exited $?"; }
kill -KILL "$sessions" 2>/dev/null
sessions=""

/usr/bin/python3 - "$tmp/r.json" <<'PY' || fail "outside load not reported"
import json, os, sys
r = json.load(open(sys.argv[1]))
out = {c["name"]: c["outside_cores"] for c in r["candidates"] if c["runs"]}
print("outside_cores:", out, "warnings:", r["warnings"])
# the hog's core at least (whatever else the machine runs adds to it), never more
# than the machine has
bad = [n for n, o in out.items() if o is None or not 0.6 <= o <= os.cpu_count() + 0.2]
if not out or bad:
    sys.exit(f"outside_cores not the hog's core: {bad or 'no candidate ran'}")
if not any("outside load" in w for w in r["warnings"]):
    sys.exit("no outside-load warning")
PY
ok "a yes hog: its core in every candidate's outside_cores, and a warning"
finish
