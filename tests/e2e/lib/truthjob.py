# A numpy job that records its own ground truth (tests/e2e/truth.sh): the run time and
# run-queue wait of all its threads, summed from /proc/self/task/*/schedstat, at its
# start (zero, at the fork: the kernel zeroes both counters there), every ~0.1 s while
# it computes, and at its end. Written as one JSON object to OUTDIR/PID.json when it is
# done, then the process leaves with os._exit, so that nearly none of its CPU time
# falls after the last reading.
#
# A launcher may put a shell between itself and the job (GNU parallel runs
# `$SHELL -c 'python3 truthjob.py …'`, and a shell that does not exec its last command
# stays as the job's parent): that wrapper's own time is the job's too, so its counters
# (from its fork to now, all but its exit) are recorded as well, as "wrapper".
#
#   python3 truthjob.py SECONDS OUTDIR
import json
import os
import sys
import time

length = float(sys.argv[1])
outdir = sys.argv[2]
hz = os.sysconf("SC_CLK_TCK")


def reading(pid="self"):
    """(epoch, run ns, wait ns) of every thread of process PID, now."""
    run = wait = 0
    t0 = time.time()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                r, w, _ = f.read().split()
        except (OSError, ValueError):
            continue  # a thread that has just ended
        run += int(r)
        wait += int(w)
    return ((t0 + time.time()) / 2, run, wait)


def fork_time(pid="self"):
    """When process PID was forked, as epoch (starttime is in ticks since boot)."""
    with open(f"/proc/{pid}/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    return time.time() - (time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / hz)


points = [(fork_time(), 0, 0)]
import numpy as np  # noqa: E402  (the import is part of the job, and of its truth)

a = np.random.default_rng(os.getpid()).random((300, 300))
points.append(reading())
end = points[0][0] + length
while True:
    a = np.linalg.inv(a @ a.T + 300 * np.eye(300))
    p = reading() if time.time() - points[-1][0] >= 0.1 else None
    if p:
        points.append(p)
    if time.time() >= end:
        break
points.append(reading())
record = {"pid": os.getpid(), "ppid": os.getppid(), "points": points}
try:
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
        parent = f.read().split(b"\0")
    if os.path.basename(parent[0]) in (b"sh", b"bash", b"dash") and b"truthjob.py" in b" ".join(parent):
        record["wrapper"] = {"pid": os.getppid(), "points": [(fork_time(os.getppid()), 0, 0), reading(os.getppid())]}
except OSError:
    pass
with open(os.path.join(outdir, f"{os.getpid()}.tmp"), "w") as f:
    json.dump(record, f)
os.rename(os.path.join(outdir, f"{os.getpid()}.tmp"), os.path.join(outdir, f"{os.getpid()}.json"))
sys.stdout.flush()
os._exit(0)
