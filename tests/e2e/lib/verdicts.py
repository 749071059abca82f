# Verdicts over coretop's window (tests/e2e/steady.sh), for the jobs a launcher started:
# their group is the one keyed under the launcher ("PID/…") whose label names the job
# script. Only the samples whose window is full count (window.seconds ≥ 90 % of
# --window, and window.samples as many as that takes at the sample's interval).
#   steady   oversubscribed or spinning in all of them (at least MIN-SAMPLES); between
#            the two, changes only as the hysteresis lets them through: each verdict
#            shown between two changes lasts at least the hold (VERDICT_HOLD_FRAC, 0.3,
#            of the window), since OpenBLAS's idle workers switch from yielding to
#            sleeping, or back, for seconds at a time under the same load, and a change
#            that lasts is shown; verdict_since moves only at a change (a time:
#            constant between; a duration: growing)
#   flagged  at_risk, oversubscribed or spinning in every one of them
#
#   python3 verdicts.py steady|flagged CORETOP.jsonl LAUNCHER-PID SCRIPT WINDOW MIN-SAMPLES
import json
import sys

mode, jsonl, launcher, script = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
window, need = float(sys.argv[5]), int(sys.argv[6])
samples = [json.loads(line) for line in open(jsonl) if line.strip()]
rows, problems = [], []
for i, s in enumerate(samples):
    mine = [g for g in s["groups"] if g["key"].startswith(f"{launcher}/") and script in g["label"]]
    if not mine:
        rows.append((i, None))
        continue
    g = max(mine, key=lambda g: (g.get("window") or {}).get("demand_cores") or 0)
    rows.append((i, g))
def is_full(i, g):
    """The window spans 90 % of --window, and holds as many samples as that takes."""
    w = g.get("window") or {}
    dt = samples[i].get("interval_s") or 1
    return (w.get("seconds") or 0) >= 0.9 * window and (w.get("samples") or 0) >= int(0.9 * window / dt)


full = [(i, g) for i, g in rows if g is None or is_full(i, g)]
# the group must be there in every sample once one has shown a full window
first = next((k for k, (i, g) in enumerate(full) if g is not None), None)
full = full[first:] if first is not None else []
for i, g in rows:
    w = (g or {}).get("window") or {}
    print(f"  {i:2d} " + ("(no group)" if g is None else
          f"{g['verdict']:<15} since {g.get('verdict_since')} window {w.get('seconds')} s"
          f" {w.get('samples')} samples demand {w.get('demand_cores')} wait {w.get('wait_pct')}%"
          f" | now demand {g['demand_cores']} est {g.get('estimated_pct')}%"))
if len(full) < need:
    problems.append(f"{len(full)} samples with a full window, expected {need}")
missing = [i for i, g in full if g is None]
if missing:
    problems.append(f"no group for {script} under {launcher} in samples {missing}")
verdicts = [g["verdict"] for i, g in full if g is not None]
if mode == "steady":
    changes = [k for k in range(1, len(verdicts)) if verdicts[k] != verdicts[k - 1]]
    dt = next((s.get("interval_s") for s in samples if s.get("interval_s")), 1)
    hold = max(1, round(0.3 * window / dt))
    # a verdict between two changes that did not last the hold: the verdict flapped
    short = [b - a for a, b in zip(changes, changes[1:]) if b - a < hold]
    if short:
        problems.append(f"verdict changed back within {min(short)} samples (the hold is "
                        f"{hold}): {verdicts}")
    if any(v not in ("oversubscribed", "spinning") for v in verdicts):
        problems.append(f"verdicts {verdicts}, expected oversubscribed or spinning")
    since = [g.get("verdict_since") for i, g in full if g is not None]
    if any(v is None for v in since):
        problems.append("verdict_since missing")
    else:
        # between changes of verdict, verdict_since holds (or, as a duration, grows)
        for run in (since[a:b] for a, b in zip([0] + changes, changes + [len(since)])):
            if len(set(run)) > 1 and not (
                all(isinstance(v, (int, float)) and v < 1e9 for v in run) and run == sorted(run)
            ):
                problems.append(f"verdict_since moved: {since}")
                break
else:
    bad = [(i, g["verdict"]) for i, g in full if g is not None and g["verdict"] not in ("at_risk", "oversubscribed", "spinning")]
    if bad:
        problems.append(f"not flagged in samples {bad}")
print(f"{mode}: {len(full)} samples with a full window, verdicts {sorted(set(verdicts))}")
print("; ".join(problems) if problems else f"{mode}: {len(full)} samples with a full window, verdicts {sorted(set(verdicts))}")
sys.exit(1 if problems else 0)
