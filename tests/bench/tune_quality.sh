#!/bin/sh
# The tuner's quality (`make bench`, issue 12): for each workload, the tuner as a user
# runs it, then the exhaustive grid over the same candidates and the same sample
# (every candidate, the same repeats, no cuts: `coretop tune --exhaustive`), in one
# run on this machine. Printed per workload:
#   regret  the grid's median of the tuner's pick against the grid's best, %
#           (0 when the tuner picked the grid's best)
#   cost    the tuner's wall time / the grid's, %
# Targets: regret <= 5 %, cost <= 50 %. These are figures, not pass/fail: the bench
# fails only if it cannot measure.
#
#   CORETOP=./coretop sh tests/bench/tune_quality.sh
#
# Environment: CORETOP (./coretop), QUALITY_INPUTS (1..30), QUALITY_WORKLOADS
# ("bench numpy"), QUALITY_JSON (a file for one JSON line per workload).
set -u
CORETOP=${CORETOP:-./coretop}
BENCH=${CORETOP_BENCH:-$(dirname "$CORETOP")/coretop-bench}
INPUTS=${QUALITY_INPUTS:-1..30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

[ -x "$CORETOP" ] || { echo "tune_quality: no $CORETOP; run make first" >&2; exit 1; }

cat >"$tmp/job.py" <<'PY'
# ~0.15 s of numpy per input on one core: the issue's job
import sys
import numpy as np
a = np.random.default_rng(int(sys.argv[1])).random((260, 260))
for _ in range(6):
    a = np.linalg.inv(a @ a.T + 260 * np.eye(260))
PY

# the workload's command, as words after `--`
workload() {
	case $1 in
	bench) echo "$BENCH --size 300 --iters 4 {}" ;;
	numpy) echo "/usr/bin/python3 $tmp/job.py {}" ;;
	esac
}

printf '%-8s %6s %10s %6s %9s %9s %8s %6s  %s\n' workload sample candidates \
	pick "tuner s" "grid s" regret cost "grid's best"
for w in ${QUALITY_WORKLOADS:-bench numpy}; do
	case $w in
	bench) [ -x "$BENCH" ] || { echo "tune_quality: no $BENCH, skipped" >&2; continue; } ;;
	numpy) /usr/bin/python3 -c 'import numpy' 2>/dev/null ||
		{ echo "tune_quality: no numpy, skipped" >&2; continue; } ;;
	esac
	# shellcheck disable=SC2046 # the command's words
	"$CORETOP" tune --no-tui --json --inputs "$INPUTS" --budget 600 -- $(workload "$w") \
		>"$tmp/$w.tuner.json" 2>"$tmp/$w.tuner.err" ||
		{ cat "$tmp/$w.tuner.err" >&2; echo "tune_quality: $w: the tuner failed" >&2; exit 1; }
	n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["inputs"]))' \
		"$tmp/$w.tuner.json")
	cands=$(/usr/bin/python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(",".join(c["name"] for c in r["candidates"] if "+" not in c["name"]))' "$tmp/$w.tuner.json")
	# shellcheck disable=SC2046
	"$CORETOP" tune --no-tui --json --exhaustive --inputs "$INPUTS" --sample "$n" \
		--candidates "$cands" --budget 3600 -- $(workload "$w") \
		>"$tmp/$w.grid.json" 2>"$tmp/$w.grid.err" ||
		{ cat "$tmp/$w.grid.err" >&2; echo "tune_quality: $w: the grid failed" >&2; exit 1; }
	/usr/bin/python3 - "$w" "$tmp/$w.tuner.json" "$tmp/$w.grid.json" "${QUALITY_JSON:-}" <<'PY'
import json, sys
w, tuner, grid, out = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
by = {c["name"]: c for c in grid["candidates"]}
ok = [c for c in grid["candidates"] if c["status"] == "ok" and c["median_s"]]
gbest = min(ok, key=lambda c: c["median_s"])
pick = tuner["best"]["name"]
g = by.get(pick)
# +passive variants exist only when the job loads OpenMP: the grid ran them too
regret = 100 * (g["median_s"] / gbest["median_s"] - 1) if g and g["median_s"] else float("nan")
cost = 100 * tuner["elapsed_s"] / grid["elapsed_s"]
print(f"{w:8s} {len(tuner['inputs']):6d} {len(grid['candidates']):10d} {pick:>6s} "
      f"{tuner['elapsed_s']:9.1f} {grid['elapsed_s']:9.1f} {regret:7.1f}% {cost:5.0f}%  "
      f"{gbest['name']} {gbest['median_s']:.3f} s ± {gbest['spread_s']:.3f}")
def runs(c):
    return ", ".join(f"{x:.3f}" for x in c["runs"])
ok_t = sorted((c for c in tuner["candidates"] if c["status"] == "ok"), key=lambda c: c["median_s"])
print("         tuner:", "; ".join(f"{c['name']} [{runs(c)}]" for c in ok_t[:3]))
print("         grid: ", "; ".join(f"{c['name']} [{runs(c)}]"
                             for c in sorted(ok, key=lambda c: c["median_s"])[:3]))
for wl in tuner.get("warnings", []):
    print(f"         tuner warning: {wl}")
if out:
    with open(out, "a") as f:
        f.write(json.dumps({"workload": w, "pick": pick, "grid_best": gbest["name"],
                            "regret_pct": regret, "cost_pct": cost,
                            "tuner_s": tuner["elapsed_s"], "grid_s": grid["elapsed_s"],
                            "sample": len(tuner["inputs"])}) + "\n")
PY
done
