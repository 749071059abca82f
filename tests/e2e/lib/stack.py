"""Subject for stacks_live.sh and the pool fixtures: loads one thread-pool stack, runs
its pool once, writes what the libraries say from inside this process as JSON, then
idles (or, with `busy`, keeps the pool computing) until SECONDS have passed.

    /usr/bin/python3 stack.py KIND OUT [SECONDS [idle|busy]]

KIND   blas     numpy's BLAS (whichever LD_LIBRARY_PATH makes the loader pick)
       limited  the same, then threadpoolctl.threadpool_limits(1) from inside; the
                process keeps computing on one thread, so what runs can be seen
       scipy    a scipy.linalg call (scipy's own links to the BLAS and LAPACK)
       numexpr  numexpr.evaluate on numpy arrays
       blosc    python-blosc compress + decompress
       blis     numpy on Debian's BLIS libblas.so.3, which threadpoolctl cannot see:
                the BLIS API is asked in a child through libblis.so.4 of the same
                folder (so this process maps nothing more), and the pool's threads
                are counted while a dgemm runs

OUT gets {"pid", "kind", "tasks", "steps", "threadpoolctl", "pools"}: `tasks` is
/proc/self/task now, `steps` the task count after each step, `pools` one entry per pool
in coretop's terms (lib, variant, threads = what the library says it uses now,
expected = what it said before anything but the environment steered it, live = the
pool's threads alive now, the caller included where it computes in the pool).
"""
import json
import os
import sys
import threading
import time

kind, out = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60
busy = len(sys.argv) > 4 and sys.argv[4] == "busy"
end = time.time() + seconds


def tasks():
    return len(os.listdir("/proc/self/task"))


steps = {"start": tasks()}
LAYER = {"pthreads": "pthread", "openmp": "openmp", "disabled": "serial"}
OMP = {"libgomp": "gomp", "libomp": "llvm", "libiomp": "intel", "vcomp": "vcomp"}
MKL = {"intel": "intel", "gnu": "gomp", "tbb": "tbb", "sequential": "sequential"}


def tpc_pools(info, live):
    """threadpoolctl's entries in coretop's names; LIVE: internal_api -> live count"""
    pools = []
    for e in info:
        api = e["internal_api"]
        if api == "openmp":
            variant = OMP.get(e["prefix"])
        elif api == "mkl":
            variant = MKL.get(e.get("threading_layer"))
        else:
            variant = LAYER.get(e.get("threading_layer"))
        pools.append({"lib": api, "variant": variant, "threads": e["num_threads"],
                      "expected": e["num_threads"], "live": live.get(api),
                      "path": e["filepath"], "source": "threadpoolctl"})
    return pools


def probe(info):
    """OpenBLAS builds threadpoolctl 3.1 does not see (it knows them by file name: pip's
    libscipy_openblas64_-….so is not one), asked through their own exports. dlsym on a
    handle also searches the library's dependencies, so the file that defines the
    symbol (dladdr) is the one reported, once."""
    import ctypes
    known = {os.path.realpath(e["filepath"]) for e in info}
    libc = ctypes.CDLL(None)

    class DlInfo(ctypes.Structure):
        _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p),
                    ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]
    found = {}
    paths = {l.split()[-1] for l in open("/proc/self/maps") if ".so" in l and "/" in l}
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
        except OSError:
            continue
        if not hasattr(lib, "openblas_get_parallel"):
            continue
        d = DlInfo()
        libc.dladdr(ctypes.cast(lib.openblas_get_parallel, ctypes.c_void_p), ctypes.byref(d))
        real = os.path.realpath(d.fname.decode())
        if real in known or real in found:
            continue
        lib.openblas_get_config.restype = ctypes.c_char_p
        found[real] = {"lib": "openblas",
                       "variant": {0: "serial", 1: "pthread", 2: "openmp"}.get(lib.openblas_get_parallel()),
                       "threads": lib.openblas_get_num_threads(), "path": real,
                       "config": lib.openblas_get_config().decode(),
                       "source": "openblas_get_parallel(), openblas_get_num_threads() (ctypes)"}
    return list(found.values())


def blas_work(np, n=300):
    a = np.random.default_rng(0).random((n, n))
    b = a @ a.T
    np.linalg.inv(b + n * np.eye(n))
    return a


pools = []
info = []
if kind in ("blas", "limited", "scipy", "numexpr", "blosc"):
    import numpy as np
    import threadpoolctl
    a = blas_work(np)
    if kind == "scipy":
        import scipy.linalg
        scipy.linalg.lu_factor(a @ a.T + 300 * np.eye(300))
    steps["blas"] = tasks()
    blas_live = steps["blas"] - steps["start"] + 1
    info = threadpoolctl.threadpool_info()
    pools = tpc_pools(info, {"openblas": blas_live, "openmp": blas_live,
                             "blis": blas_live, "mkl": blas_live})
    for p in probe(info):
        p.update(expected=p["threads"], live=blas_live)
        pools.insert(0, p)
    if kind == "limited":
        limits = threadpoolctl.threadpool_limits(1)
        info = threadpoolctl.threadpool_info()
        now = {e["filepath"]: e["num_threads"] for e in info}
        for p in pools:
            p["threads"] = now.get(p["path"], p["threads"])
        steps["limited"] = tasks()
    elif kind == "numexpr":
        import numexpr
        # numexpr starts its workers at import (set_num_threads in _init_num_threads)
        steps["import"] = tasks()
        x = np.arange(2_000_000, dtype=float)
        numexpr.evaluate("sin(x) ** 2 + cos(x) ** 2")
        steps["numexpr"] = tasks()
        pools.append({"lib": "numexpr", "variant": None,
                      "threads": numexpr.get_num_threads(), "expected": numexpr.nthreads,
                      "live": steps["numexpr"] - steps["blas"], "max_threads": numexpr.MAX_THREADS,
                      "path": numexpr.interpreter.__file__,
                      "source": "numexpr.get_num_threads(), numexpr.nthreads"})
    elif kind == "blosc":
        import blosc
        steps["import"] = tasks()
        at_import = blosc.nthreads
        x = np.arange(4_000_000, dtype=np.int64)
        c = blosc.compress(x.tobytes(), typesize=8)
        blosc.decompress(c)
        steps["blosc"] = tasks()
        python_nthreads = blosc.nthreads
        # c-blosc has no getter: set_nthreads returns the value it replaces
        now = blosc.set_nthreads(1)
        blosc.set_nthreads(now)
        blosc.decompress(c)
        # python-blosc sets min(cores, 8) at import; c-blosc's blosc_compress and
        # blosc_decompress then read BLOSC_NTHREADS at every call, and it wins
        pools.append({"lib": "blosc", "variant": None, "threads": now, "expected": now,
                      "at_import": at_import,
                      "live": steps["blosc"] - steps["blas"], "python_nthreads": python_nthreads,
                      "path": blosc.blosc_extension.__file__,
                      "source": "blosc.set_nthreads() return, blosc.nthreads at import"})
elif kind == "blis":
    import ctypes
    import numpy as np
    import threadpoolctl
    steps["import"] = tasks()
    a = np.random.default_rng(0).random((700, 700))
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], tasks())
            time.sleep(0.0005)
    # the dgemm runs on the main thread: an OpenMP pool belongs to the thread that
    # started it and would go with a helper thread
    w = threading.Thread(target=watch)
    w.start()
    for _ in range(3):
        a @ a
    done.set()
    w.join()
    # join returns when the kernel clears the thread's tid, a moment before its
    # /proc/self/task entry goes: counted before then, the watcher is a pool thread
    gone = time.time() + 2
    while os.path.exists(f"/proc/self/task/{w.native_id}") and time.time() < gone:
        time.sleep(0.001)
    steps["blas"] = tasks()
    info = threadpoolctl.threadpool_info()
    path = next(l.split()[-1] for l in open("/proc/self/maps") if l.rstrip().endswith("/libblas.so.3"))
    r, wfd = os.pipe()
    if os.fork() == 0:
        os.close(r)
        lib = ctypes.CDLL(os.path.join(os.path.dirname(path), "libblis.so.4"))
        n = lib.bli_thread_get_num_threads()
        layer = "openmp" if lib.bli_info_get_enable_openmp() else \
            "pthreads" if lib.bli_info_get_enable_pthreads() else "disabled"
        os.write(wfd, json.dumps([n, layer]).encode())
        os._exit(0)
    os.close(wfd)
    n, layer = json.loads(os.read(r, 100))
    os.wait()
    live = steps["blas"] - steps["import"] + 1
    pools = tpc_pools(info, {"openmp": live})
    pools.insert(0, {"lib": "blis", "variant": LAYER[layer], "threads": 1 if n == -1 else n,
                     "expected": 1 if n == -1 else n, "live": live,
                     "ran": peak[0] - steps["import"], "path": path,
                     "source": "bli_thread_get_num_threads() of libblis.so.4 in a child; ran: "
                               "threads seen during a dgemm, the caller included"})
else:
    sys.exit("stack.py: unknown kind " + kind)

if kind == "limited":
    # one second of the single-threaded pool computing: which threads ran
    def runtimes():
        t = {}
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                t[tid] = int(f.read().split()[0])
        return t
    # OpenBLAS's workers yield in a loop for a while after a job (OPENBLAS_THREAD_TIMEOUT,
    # 2^28 cycles by default) before they sleep: let that pass
    time.sleep(0.5)
    t0 = runtimes()
    stop = time.time() + 1
    while time.time() < stop:
        a @ a
        time.sleep(0.004)
    t1 = runtimes()
    pools[0]["ran"] = sum(1 for k in t1 if t1[k] - t0.get(k, 0) > 1_000_000)

report = {"pid": os.getpid(), "kind": kind, "tasks": tasks(), "steps": steps,
          "threadpoolctl": info, "pools": pools}
with open(out + ".tmp", "w") as f:
    json.dump(report, f)
os.rename(out + ".tmp", out)

while time.time() < end:
    if busy:
        a @ a
    elif kind == "limited":
        # keeps computing on its one thread, half the time, so what runs shows
        a @ a
        time.sleep(0.004)
    else:
        time.sleep(min(1, max(0, end - time.time())))
