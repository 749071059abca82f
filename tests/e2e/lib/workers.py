"""A Python job that hands numpy work to worker processes, for workers_live.sh.

    python3 workers.py KIND OUTDIR SECONDS

KIND: pool (multiprocessing.Pool(2), fork start), loky (joblib n_jobs=2, its default
backend), jmp (joblib n_jobs=2, backend='multiprocessing'), dask (dask.compute with
scheduler='processes', 2 workers). The job writes OUTDIR/main.json (its pid) first;
each worker, once its BLAS pool has run, writes OUTDIR/PID.tpc: its pid and
threadpoolctl's view of its pools from inside. Workers compute until SECONDS after
the job started.
"""
import json
import os
import sys
import time

N = 2


def work(args):
    out, end = args
    import numpy as np
    import threadpoolctl

    a = np.random.default_rng(os.getpid()).random((300, 300))
    a = a @ a.T
    path = os.path.join(out, "%d.tpc" % os.getpid())
    if not os.path.exists(path):
        info = threadpoolctl.threadpool_info()
        with open(path + ".tmp", "w") as f:
            json.dump({"pid": os.getpid(), "ppid": os.getppid(), "pools": info}, f)
        os.rename(path + ".tmp", path)
    while time.time() < end:
        a = np.linalg.inv(a @ a.T + 300 * np.eye(300))
    return os.getpid()


def main():
    kind, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    end = time.time() + seconds
    with open(os.path.join(out, "main.json"), "w") as f:
        json.dump({"pid": os.getpid(), "kind": kind}, f)
    tasks = [(out, end)] * N
    if kind == "pool":
        import multiprocessing

        with multiprocessing.Pool(N) as p:
            p.map(work, tasks, chunksize=1)
    elif kind in ("loky", "jmp"):
        from joblib import Parallel, delayed

        backend = "loky" if kind == "loky" else "multiprocessing"
        Parallel(n_jobs=N, backend=backend)(delayed(work)(t) for t in tasks)
    elif kind == "dask":
        import dask

        dask.compute(*[dask.delayed(work)(t) for t in tasks], scheduler="processes", chunksize=1,
                     num_workers=N)
    else:
        sys.exit("unknown kind " + kind)


if __name__ == "__main__":
    main()
