# coretop tune on the built-in workload: the recommended split is the fastest one
# measured, the JSON on stdout and in --out is the same valid result, usage errors are
# one line, and after a SIGINT in the middle of a run no job survives.
. tests/e2e/lib.sh
CORETOP_BENCH=${CORETOP_BENCH:-./coretop-bench}
[ -x "$CORETOP_BENCH" ] || skip "coretop-bench not built"
"$CORETOP" tune --help >/dev/null 2>&1 || skip "coretop has no tune subcommand yet"
bench=$(cd "$(dirname "$CORETOP_BENCH")" && pwd)/$(basename "$CORETOP_BENCH")
tmp=$(mktemp -d)
tpid=""
cleanup() { [ -n "$tpid" ] && kill -KILL "$tpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# 1. four inputs, a small size: well within a minute on two cores
start=$(date +%s)
"$CORETOP" tune --no-tui --json --inputs 1..4 --budget 60 --out "$tmp/r.json" \
	-- "$bench" --size 150 --iters 3 >"$tmp/out.json" 2>"$tmp/err"
rc=$?
secs=$(($(date +%s) - start))
if [ $rc -eq 0 ] && [ $secs -le 60 ]; then
	ok "tune over 4 inputs: exit 0 in ${secs}s"
else
	sed 's/^/    /' "$tmp/err"
	fail "tune over 4 inputs: exit $rc in ${secs}s"
fi
/usr/bin/python3 - "$tmp/out.json" "$tmp/r.json" "$tmp/err" <<'PY' && ok "result checks" || fail "result checks"
import json, sys
out, saved = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
err = open(sys.argv[3]).read().splitlines()
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)
check(out == saved, "stdout and --out differ")
for key in ("command", "inputs", "topology", "supply_cores", "candidates", "best", "naive",
            "serial", "speedup_vs_naive", "speedup_vs_serial", "recommendation"):
    check(key in out, "no " + key)
cands = out["candidates"]
ok = [c for c in cands if c["status"] == "ok"]
best = out["best"]
check(best is not None and best["status"] == "ok", "no best")
if best and ok:
    # the contract (issue 12): the pick is the lowest median, or a split noise cannot
    # tell from it whose slowest run is faster (the steady one); never one beaten beyond
    # the noise; the answer is that pick, or the default itself when no change is needed
    low = min(ok, key=lambda c: c["median_s"])
    fastest = low["median_s"]
    pick = out["fastest"] or best
    noise = max(0.05 * fastest, low["spread_s"] or 0, pick["spread_s"] or 0,
                out.get("run_spread_s") or 0, out.get("job_spread_s") or 0)
    check(pick["median_s"] - fastest <= noise + 1e-9,
          "the pick %s (%s s) is beaten beyond the noise (%.3f s) by %s (%s s)"
          % (pick["name"], pick["median_s"], noise, low["name"], fastest))
    check(pick["name"] == low["name"] or max(pick["runs"]) <= max(low["runs"]),
          "the pick %s is not the steady one of the ties (slowest runs %s vs %s's %s)"
          % (pick["name"], max(pick["runs"]), low["name"], max(low["runs"])))
    check(best["name"] == pick["name"] or (out["outcome"] == "no_change" and best["name"] == "naive"),
          "best %s is neither the pick %s nor the default of a no-change outcome" % (best["name"], pick["name"]))
    print("best %s: %.4f s; %s" % (best["name"], best["median_s"],
          ", ".join("%s %s %s" % (c["name"], c["status"], c["median_s"]) for c in cands)))
for c in cands:
    check(c["status"] in ("ok", "cut", "failed", "not_run"), c["name"] + ": status " + c["status"])
    # the sampler watches the jobs: a share of runnable time, or null when a run was too short to see
    check(c["wait_pct"] is None or 0 <= c["wait_pct"] <= 100, c["name"] + ": wait_pct " + str(c["wait_pct"]))
    if c["threads"]:
        # every variable that sizes a pool of some library in coretop's table
        want = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS",
                "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS",
                "POLARS_MAX_THREADS", "RAYON_NUM_THREADS", "BLOSC_NTHREADS"}
        check(set(c["env"]) == want and set(c["env"].values()) == {str(c["threads"])},
              c["name"] + ": env " + " ".join(sorted(set(c["env"]) ^ want)))
    else:
        check(c["env"] == {}, c["name"] + ": baseline with thread variables")
check(out["naive"]["procs"] == out["supply_cores"], "naive is not P = supply")
check(out["serial"]["procs"] == 1, "serial is not P = 1")
progress = [l for l in err if l.startswith("coretop tune: [")]
check(len(progress) == len(cands), "%d progress lines for %d candidates" % (len(progress), len(cands)))
check(all("ETA" in l for l in progress), "a progress line without ETA")
for p in problems:
    print("problem:", p)
sys.exit(1 if problems else 0)
PY

# 2. the table, with inputs from stdin and {} in the middle of the command
seq 5 8 | "$CORETOP" tune --no-tui --repeat 1 --sample 4 --candidates 2x1,1x2 \
	-- "$bench" --seed {} --size 100 --iters 2 >"$tmp/table" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^best: ' "$tmp/table" && grep -q '^recommendation: ' "$tmp/table" &&
	grep -q 'runs of 4 jobs over 4 inputs' "$tmp/err"; then
	ok "table from stdin inputs"
else
	cat "$tmp/table" "$tmp/err"
	fail "table from stdin inputs (exit $rc)"
fi

# 3. usage errors and a command that cannot run: one line each
expect_exit 2 "no command to tune" "$CORETOP" tune --inputs 1..3
expect_exit 2 "no inputs in stdin" "$CORETOP" tune -- "$bench"
expect_exit 2 "invalid --repeat '0'" "$CORETOP" tune --repeat 0 --inputs 1 -- "$bench"
expect_exit 2 "invalid candidate '2y1'" "$CORETOP" tune --candidates 2y1 --inputs 1 -- "$bench"
expect_exit 2 "unknown option '--frobnicate'" "$CORETOP" tune --frobnicate -- "$bench"
expect_exit 127 "coretop-no-such-command: command not found" \
	"$CORETOP" tune --inputs 1 -- coretop-no-such-command {}
expect_exit 1 "fails on its own .*invalid seed 'x'" "$CORETOP" tune --inputs x -- "$bench"

# 4. SIGINT while candidates run: coretop stops, and every job is gone
"$CORETOP" tune --no-tui --inputs 1..8 --budget 120 -- "$bench" --size 401 --iters 60 \
	>"$tmp/int.out" 2>"$tmp/int.err" &
tpid=$!
# The warm-up runs one job; two at once means a candidate's run is under way.
seen=""
for _ in $(seq 600); do
	jobs=$(pgrep -f "^$bench --size 401 ")
	[ "$(echo "$jobs" | grep -c .)" -ge 2 ] && { seen=$jobs; break; }
	sleep 0.1
done
[ -n "$seen" ] && ok "jobs running: $(echo $seen)" || fail "no two jobs at once within 60 s"
kill -INT "$tpid"
wait "$tpid"
rc=$?
tpid=""
[ $rc -eq 130 ] && ok "SIGINT: exit 130" || fail "SIGINT: exit $rc"
grep -q "interrupted; every job was stopped" "$tmp/int.err" && ok "SIGINT: said so" ||
	fail "SIGINT: $(cat "$tmp/int.err")"
sleep 0.5
left=$(pgrep -f "^$bench --size 401 ")
alive=""
for p in $seen; do [ -d "/proc/$p" ] && alive="$alive $p"; done
if [ -z "$left" ] && [ -z "$alive" ]; then
	ok "SIGINT: no job survives"
else
	ps -o pid,ppid,stat,args -p "$(echo $left $alive | tr ' ' ,)"
	fail "SIGINT: survivors $left $alive"
fi
# what was measured is kept (issue 12): the table, all "not run" when the first run was cut short
grep -q '^rank ' "$tmp/int.out" && ok "SIGINT: the ranking so far printed" ||
	fail "SIGINT: no table: $(cat "$tmp/int.out")"
finish
