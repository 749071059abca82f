#!/bin/sh
# A starved thread shows its wait within one refresh (issue 15; sampler.h's activity
# rule). One hog per CPU spins at the normal priority; a process that coretop has
# found quiet for several refreshes (its main thread asleep, its CPU time still) then
# has a second thread spin under SCHED_IDLE (lib/starve.c). That thread is runnable all
# the time and runs almost never, so nothing in its process's stat moves: only the
# machine's counts (loadavg's runnable, PSI) say someone waits. The first sample whose
# interval begins after the thread spins must show the process's group waiting: demand
# >= 0.5 cores and wait >= 50 % (measured here, quiet: demand 0.90-1.0, wait 99-100 %,
# in 8 runs of 8; the thread gets about 0.3 % of a CPU) — or, when the refresh before
# it did not notice (the thread began too late in that interval), be the refresh that
# notices, the two after it showing the wait. With two more hogs outside the test (the
# hogs then wait too, so neither count can single it out) it was found within one
# refresh in 4 runs of 5, and at the third in the fifth: the limit sampler.h states.
#   STARVED_DELAY (0.5) seconds between samples, STARVED_SAMPLES (14).
. tests/e2e/lib.sh
command -v cc >/dev/null || skip "no C compiler"
/usr/bin/python3 -c 'import json' 2>/dev/null || skip "no /usr/bin/python3"
delay=${STARVED_DELAY:-0.5}
samples=${STARVED_SAMPLES:-14}
live_scratch
cc -O1 -pthread -o "$tmp/starve" tests/e2e/lib/starve.c || skip "cannot build tests/e2e/lib/starve.c"
cp "$tmp/starve" "$tmp/hog" # a name of their own: the hogs are another group
ncpu=$(getconf _NPROCESSORS_ONLN)

mkfifo "$tmp/go" || exit 1
exec 3<>"$tmp/go" # a writer held open: the subject's read waits for our byte
# One session for both, so one autogroup (CONFIG_SCHED_AUTOGROUP gives each session a
# fair share of its own, SCHED_IDLE or not): the subject is the session's leader.
setsid sh -c '"$1" hog "$3" >/dev/null 2>&1 & exec "$2" idle' sh "$tmp/hog" "$tmp/starve" "$ncpu" \
	<"$tmp/go" >"$tmp/spin" 2>&1 &
subject=$!
sessions="$sessions $subject"
: >"$tmp/out.json"
timeout 60 "$CORETOP" -b --json -d "$delay" -n "$samples" >"$tmp/out.json" 2>"$tmp/err" &
ct=$!

# quiet for a while first: the subject sleeps through 8 refreshes
waited=0
while [ "$(wc -l <"$tmp/out.json")" -lt 8 ] && [ $waited -lt 200 ]; do
	sleep 0.1
	waited=$((waited + 1))
done
before=$(wc -l <"$tmp/out.json")
printf x >&3
waited=0
while ! grep -q spinning "$tmp/spin" && [ $waited -lt 100 ]; do
	sleep 0.05
	waited=$((waited + 1))
done
spin_at=$(date +%s.%N)
grep -q spinning "$tmp/spin" || fail "the subject did not start spinning: $(cat "$tmp/spin")"
wait $ct || fail "coretop exited $?: $(cat "$tmp/err")"

/usr/bin/python3 - "$tmp/out.json" "$subject" "$spin_at" "$before" <<'EOF' || fails=$((fails + 1))
import json, sys
path, pid, spin_at, before = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
samples = [json.loads(l) for l in open(path)]
quiet = [s["sampler"]["skipped"] for s in samples[1:before]]
print("before the thread spun: %d samples, processes skipped per refresh %s" % (before, quiet))
if not any(quiet):
    print("FAIL: no process was ever found quiet: the rule was not in force")
    sys.exit(1)
after = [s for s in samples if s["interval_s"] and s["time"] - s["interval_s"] >= spin_at]
if not after:
    print("FAIL: no sample began after the thread spun (%d samples)" % len(samples))
    sys.exit(1)
# It waited from the start of sample 1's interval. The counts tell at the end of an
# interval in which it waited long enough (sampler.h): if that was sample 0's (the
# interval it began in: woken there), sample 1 shows its wait; if it began too late in
# that one, sample 1 must be woken, and its wait shows from sample 2.
straddle = samples[samples.index(after[0]) - 1]["sampler"]["woken"]
bad = 0
for i, s in enumerate(after[:3]):
    g = [g for g in s["groups"] if pid in g["pids"]]
    st = s["sampler"]
    if not g:
        print("FAIL: sample %d after: no group holds pid %d" % (i + 1, pid))
        bad += 1
        continue
    g = g[0]
    p = [p for p in g["processes"] if p["pid"] == pid][0]
    line = ("sample %d after: group %r (%d procs) demand %s used %s wait %s%%, the process "
            "demand %s used %s (sampler: %d of %d processes read, %d skipped, runnable_read "
            "%.2f, woken %s)" %
            (i + 1, g["label"], g["procs"], g["demand_cores"], g["used_cores"], g["wait_pct"],
             p["demand_cores"], p["used_cores"], st["procs_read"], st["procs"], st["skipped"],
             st["runnable_read"], st["woken"]))
    if g["procs"] != 1 or g["demand_cores"] is None or g["demand_cores"] < 0.5 or \
            g["wait_pct"] is None or g["wait_pct"] < 50 or p["demand_cores"] < 0.5:
        if i == 0 and not straddle and st["woken"]:
            print("ok: %s: noticed at this refresh (the one before was not woken), shown "
                  "from the next" % line)
            continue
        print("FAIL: " + line)
        bad += 1
    else:
        print("ok: " + line)
sys.exit(1 if bad else 0)
EOF
finish
