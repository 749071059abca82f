# Invariants every sample of coretop -b --json must keep (tests/e2e/churn.sh), whatever
# comes and goes between two readings:
#   sum   Σ groups' used_cores ≤ machine.busy_cores + 0.05 (the kernel's own count of
#         busy CPUs over the same interval: nothing is counted twice), plus one clock
#         tick per reaper in each group with recovered time (exited, or threads never
#         seen): that part is read from each reaper's cutime + cstime (or a process's
#         utime + stime), which the kernel gives in whole ticks, rounded down at each
#         reading (±1 tick per reaper per interval). A group's reapers are told by its
#         members' parents: a job's workers, their forkserver or subreaper are in its
#         group (sampler/workers.c), each reaping its own children.
#   mean  the mean of Σused - busy over the run ≤ +0.03: no time counted twice on average
#   order every group's demand_cores ≥ used_cores (1e-6 for rounding)
#   range every group's 0 ≤ wait_pct ≤ 100
#   null  with rates (interval_s), no group or machine rate is null
# Prints the worst margin seen for each (negative: broken), the samples that broke one,
# and exits 1 when any did.
#
#   python3 invariants.py CORETOP.jsonl MIN-SAMPLES
import json
import os
import sys

SUM_SLACK = 0.05
MEAN_SLACK = 0.03
TICK = 1.0 / os.sysconf("SC_CLK_TCK")
ORDER_SLACK = 1e-6
samples = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
need = int(sys.argv[2])
rated = [s for s in samples if s.get("interval_s")]
worst = {"sum": None, "order": None, "range": None}
where = {}
nulls = 0
broken = {"sum": 0, "order": 0, "range": 0, "null": 0}
examples = []
RATES = ("used_cores", "demand_cores", "wait_pct", "exited_cores")


def note(name, margin, what):
    if worst[name] is None or margin < worst[name]:
        worst[name] = margin
        where[name] = what


for i, s in enumerate(rated):
    m = s["machine"]
    groups = s["groups"]
    bad = set()
    missing = [k for k in ("used_cores", "demand_cores", "wait_pct", "busy_cores") if m.get(k) is None]
    missing += [f'{g["key"]}.{k}' for g in groups for k in RATES if g.get(k) is None]
    if missing:
        nulls += len(missing)
        bad.add("null")
        examples.append(f"sample {i}: null {', '.join(missing[:4])}")
    if m.get("busy_cores") is not None:
        total = sum(g["used_cores"] or 0 for g in groups)
        ticks = sum(max(1, len({p["ppid"] for p in g.get("processes") or []})) for g in groups
                    if (g.get("exited_cores") or 0) > 0 or (g.get("estimated_pct") or 0) > 0)
        margin = m["busy_cores"] + SUM_SLACK + ticks * TICK / s["interval_s"] - total
        top = sorted(groups, key=lambda g: -(g["used_cores"] or 0))[:3]
        exited = sum(g["exited_cores"] or 0 for g in groups)
        what = (f"sample {i}: Σused {total:.2f} (exited {exited:.2f}) vs busy {m['busy_cores']:.2f}; top "
                + ", ".join(f'{g["key"]} {g["used_cores"]:.2f} (exited {g["exited_cores"] or 0:.2f})' for g in top))
        note("sum", margin, what)
        if margin < 0:
            bad.add("sum")
            examples.append(what)
    for g in groups:
        u, d, w = g.get("used_cores"), g.get("demand_cores"), g.get("wait_pct")
        if u is not None and d is not None:
            margin = d - u + ORDER_SLACK
            what = f'sample {i}: {g["key"]} demand {d} used {u}'
            note("order", margin, what)
            if margin < 0:
                bad.add("order")
                examples.append(what)
        if w is not None:
            margin = min(w, 100 - w)
            what = f'sample {i}: {g["key"]} wait {w}%'
            note("range", margin, what)
            if margin < 0:
                bad.add("range")
                examples.append(what)
    for b in bad:
        broken[b] += 1

busy = [s["machine"]["busy_cores"] for s in rated if s["machine"].get("busy_cores") is not None]
used = [sum(g["used_cores"] or 0 for g in s["groups"]) for s in rated]
print(f"{len(rated)} samples with rates; machine busy {min(busy, default=0):.2f}..{max(busy, default=0):.2f} cores,"
      f" Σ groups' used {min(used, default=0):.2f}..{max(used, default=0):.2f}")
pairs = [(sum(g["used_cores"] or 0 for g in s["groups"]), s["machine"]["busy_cores"])
         for s in rated if s["machine"].get("busy_cores") is not None]
mean = sum(u - b for u, b in pairs) / len(pairs) if pairs else 0.0
mean_ok = mean <= MEAN_SLACK
print(f"  {'mean Σused - busy':<20} {mean:+.4f} (at most {MEAN_SLACK:+.2f}){'' if mean_ok else '  BROKEN'}")
labels = {"sum": "Σused ≤ busy + 0.05", "order": "demand ≥ used", "range": "0 ≤ wait% ≤ 100"}
for k in ("sum", "order", "range"):
    w = "-" if worst[k] is None else f"{worst[k]:+.4f}"
    print(f"  {labels[k]:<20} worst margin {w:>8}  broken in {broken[k]:2d} samples   {where.get(k, '')}")
print(f"  {'no null rate':<20} {nulls} nulls, broken in {broken['null']} samples")
for e in examples[:8]:
    print("  " + e)
if len(rated) < need:
    print(f"only {len(rated)} samples with rates, expected {need}")
    sys.exit(1)
sys.exit(1 if any(broken.values()) or not mean_ok else 0)
