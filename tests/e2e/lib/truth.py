# Ground truth against coretop (tests/e2e/truth.sh): what the jobs recorded of
# themselves (lib/truthjob.py) over exactly the intervals coretop sampled, against
# coretop's groups that hold those jobs.
#
#   python3 truth.py CASE CORETOP.jsonl JOBDIR LAUNCHER-PID [-v]
#
# Truth. Each job left (epoch, run ns, wait ns) readings of all its threads from its
# fork (0, 0) to its end, and of its wrapper shell when it had one (fork to the job's
# end). Its run and wait over an interval [t0, t1] are its cumulative counters
# interpolated at t1 minus at t0 (linear between readings ~0.1 s apart; before its
# fork nothing, after its last reading everything). Summed over the jobs and their
# wrappers and over the intervals of the samples: used = run/span,
# demand = (run+wait)/span, wait% = wait/(run+wait). Not in it: each process's exit
# after its last reading (the job leaves with os._exit: a few ms).
#
# coretop. The groups summed are those that hold the jobs: any group with a live job
# (or a wrapper the launcher put between it and a job) among its pids; any group keyed
# under the launcher, a wrapper or a job ("PID/…": coretop names a job group by its
# parent's pid, wrappers it recognises skipped, and files an exited job's time under
# the key it last had); and the time of exited processes coretop files by their
# parent ("exited/PID" for the launcher, a wrapper or a job). Nothing else on the box: groups
# that name the job script but match none of these are listed, not summed. Each
# sample's used_cores and demand_cores are multiplied by its interval_s and summed.
#
# Prints one table row and exits 0 when coretop is within the margins (wait ±8 points,
# demand ±15 %), 1 when it is not, 2 when the run cannot be judged.
import json
import os
import sys

WAIT_POINTS = 8.0
DEMAND_FRAC = 0.15

case, jsonl, jobdir, launcher = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
verbose = "-v" in sys.argv[5:]
samples = [json.loads(line) for line in open(jsonl) if line.strip()]
samples = [s for s in samples if s.get("interval_s")]
if len(samples) < 2:
    print(f"{case}: {len(samples)} samples with rates")
    sys.exit(2)

jobs = []
for f in os.listdir(jobdir):
    if f.endswith(".json"):
        with open(os.path.join(jobdir, f)) as fh:
            jobs.append(json.load(fh))
if not jobs:
    print(f"{case}: no job reported")
    sys.exit(2)


def cumulative(points, t):
    """A job's (run s, wait s) from its fork up to epoch T."""
    if t <= points[0][0]:
        return 0.0, 0.0
    if t >= points[-1][0]:
        return points[-1][1] / 1e9, points[-1][2] / 1e9
    for (ta, ra, wa), (tb, rb, wb) in zip(points, points[1:]):
        if ta <= t <= tb:
            f = (t - ta) / (tb - ta) if tb > ta else 1.0
            return (ra + f * (rb - ra)) / 1e9, (wa + f * (wb - wa)) / 1e9
    return points[-1][1] / 1e9, points[-1][2] / 1e9


timelines = [j["points"] for j in jobs] + [j["wrapper"]["points"] for j in jobs if "wrapper" in j]


def truth(t0, t1):
    run = wait = 0.0
    for points in timelines:
        r1, w1 = cumulative(points, t1)
        r0, w0 = cumulative(points, t0)
        run += r1 - r0
        wait += w1 - w0
    return run, wait


job_pids = {j["pid"] for j in jobs}
wrappers = {j["ppid"] for j in jobs if j["ppid"] != launcher}
wrapped = sum(1 for j in jobs if "wrapper" in j)
ours_pids = job_pids | wrappers
exited_keys = {f"exited/{p}" for p in ours_pids | {launcher}}
script = "truthjob.py"


under_keys = tuple(f"{p}/" for p in ours_pids | {launcher})


def ours(g):
    return (
        bool(ours_pids & set(g.get("pids") or []))
        or g["key"].startswith(under_keys)
        or g["key"] in exited_keys
    )


# Every job active during the span must have reported: one that was still running
# when the launcher stopped and never wrote would be truth missing.
t_first = samples[0]["time"] - samples[0]["interval_s"]
t_last = samples[-1]["time"]
seen_live = set()
for s in samples:
    for g in s["groups"]:
        if ours(g):
            seen_live |= set(g.get("pids") or [])
unreported = {p for p in seen_live if p not in ours_pids and p != launcher}

tr = tw = cr = cd = est = span = 0.0
summed, foreign, rows = set(), set(), []
gap = 0.0
prev_t = None
for s in samples:
    dt = s["interval_s"]
    t1 = s["time"]
    t0 = t1 - dt
    if prev_t is not None:
        gap = max(gap, abs(t0 - prev_t))
    prev_t = t1
    r, w = truth(t0, t1)
    mine = [g for g in s["groups"] if ours(g)]
    for g in s["groups"]:
        if g in mine:
            summed.add(f'{g["key"]} ({g["label"]})')
        elif script in g["label"]:
            foreign.add(f'{g["key"]} ({g["label"]})')
    u = sum((g["used_cores"] or 0) for g in mine)
    d = sum((g["demand_cores"] or 0) for g in mine)
    e = sum((g.get("estimated_pct") or 0) / 100 * (g["demand_cores"] or 0) for g in mine)
    has_est = any("estimated_pct" in g for g in mine)
    tr += r
    tw += w
    cr += u * dt
    cd += d * dt
    est += e * dt
    span += dt
    rows.append((t1, r / dt, (r + w) / dt, u, d, [g["verdict"] for g in mine]))

t_wait = 100 * tw / (tr + tw) if tr + tw > 0 else 0.0
t_dem = (tr + tw) / span
c_wait = 100 * (cd - cr) / cd if cd > 0 else 0.0
c_dem = cd / span
est_s = f"{100 * est / cd:5.1f}" if has_est and cd > 0 else "    -"
print(
    f"{case:<16} {t_wait:6.1f} {t_dem:6.2f} {tr / span:5.2f} | {c_wait:6.1f} {c_dem:6.2f} {cr / span:5.2f}"
    f" | {est_s} | {len(samples):2d} x {span / len(samples):.2f}s {len(jobs):3d} jobs"
)
if verbose:
    print(f"    span {t_first:.3f} .. {t_last:.3f}, largest gap between samples {gap * 1000:.0f} ms;"
          f" launcher {launcher}, {len(wrappers)} jobs under a wrapper ({wrapped} recorded)")
    print("    summed: " + "; ".join(sorted(summed)))
    if foreign:
        print("    not summed (not under this run's launcher): " + "; ".join(sorted(foreign)))
    for t1, tu, td, u, d, v in rows:
        print(f"    {t1:.2f} truth used {tu:5.2f} demand {td:5.2f} | coretop used {u:5.2f} demand {d:5.2f} {v}")
if unreported:
    print(f"{case}: live job pids that never reported: {sorted(unreported)}")
    sys.exit(2)
bad = []
if abs(c_wait - t_wait) > WAIT_POINTS:
    bad.append(f"wait {c_wait:.1f}% vs truth {t_wait:.1f}% (±{WAIT_POINTS:.0f} points)")
if abs(c_dem - t_dem) > DEMAND_FRAC * t_dem:
    bad.append(f"demand {c_dem:.2f} vs truth {t_dem:.2f} (±{100 * DEMAND_FRAC:.0f} %)")
if bad:
    print(f"{case}: " + "; ".join(bad))
    sys.exit(1)
sys.exit(0)
