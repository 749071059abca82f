# Worker processes on live Python jobs: multiprocessing.Pool(2), joblib Parallel(n_jobs=2)
# with its loky backend and with backend='multiprocessing', and Dask's processes
# scheduler, each doing numpy work on 2 CPUs (taskset). Each job must be ONE group whose
# pids hold the job and every process it started, whose pool is what threadpoolctl saw
# inside the workers, and whose verdict and advice fit: loky caps its workers' threads
# (ok, and no variable advised at what it set), the others do not (oversubscribed or
# spinning, with the variables).
. tests/e2e/lib.sh
/usr/bin/python3 -c 'import numpy, threadpoolctl' 2>/dev/null || skip "python3-numpy or python3-threadpoolctl not installed"
/usr/bin/python3 -c 'import joblib' 2>/dev/null || skip "python3-joblib not installed"
/usr/bin/python3 -c 'import dask.multiprocessing' 2>/dev/null || skip "python3-dask not installed"
command -v taskset >/dev/null || skip "taskset not installed"
[ "$(nproc)" -ge 2 ] || skip "fewer than 2 CPUs"
live_scratch
job=$(pwd)/tests/e2e/lib/workers.py

# run KIND: the job, until its 2 workers have each run their BLAS pool once; then one
# sample; then the job's session goes
run() {
	kind=$1 out=$tmp/$1
	mkdir "$out"
	(cd "$out" && exec setsid taskset -c 0,1 /usr/bin/python3 "$job" "$kind" "$out" 12) &
	sessions="$sessions $!"
	i=0
	while [ "$(ls "$out"/*.tpc 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
	main=$(sed 's/.*"pid": \([0-9]*\).*/\1/' "$out/main.json")
	ps -o pid= --ppid "$main" | tr -d ' ' >"$out/children"
	"$CORETOP" -b -n 1 -d 1.5 --json >"$out/coretop.json" || fail "$kind: coretop exited $?"
	pkill -KILL -s "${sessions##* }" 2>/dev/null
	/usr/bin/python3 - "$out" "$kind" <<'PY'
import glob, json, os, sys
out, kind = sys.argv[1], sys.argv[2]
main = json.load(open(os.path.join(out, "main.json")))["pid"]
children = [int(l) for l in open(os.path.join(out, "children")) if l.strip()]
inside = [json.load(open(f)) for f in glob.glob(os.path.join(out, "*.tpc"))]
snap = [json.loads(l) for l in open(os.path.join(out, "coretop.json"))][-1]
groups = [g for g in snap["groups"] if main in g["pids"]]
fails = []
def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + kind + ": " + what)
    fails.append(not ok)
g = groups[0] if groups else None
check(g is not None, "the job %d has a group" % main)
if g is None:
    sys.exit(1)
workers = [w["pid"] for w in inside]
missing = sorted(set(workers + children) - set(g["pids"]))
print("  %s: %s pids %s (job %d, workers %s, children %s), %d threads, used %.2f demand "
      "%.2f wait %.0f %%, verdict %s, potential %s" % (kind, g["label"], g["pids"], main,
      workers, children, g["threads"], g["used_cores"] or 0, g["demand_cores"] or 0,
      g["wait_pct"] or 0, g["verdict"], g["potential"]))
print("  pools %s" % [(p["lib"], p["variant"], p["threads"], p["procs"]) for p in g["pools"] or []])
print("  advice: %s" % g["advice"])
check(g["label"] == "python3 workers.py", "label %r" % g["label"])
check(not missing, "one group holds the job, its workers and every child (missing %s)" % missing)
# what each says it does: the workers threadpoolctl ran in work, the job does not
role = {p["pid"]: p.get("worker") for p in g["processes"]}
want = {"pool": "fork", "jmp": "fork", "loky": "loky", "dask": "spawn"}[kind]
check(role.get(main) is None and all(role.get(w) == want for w in workers),
      "processes[].worker: job %s, workers %s (want %s)" %
      (role.get(main), sorted({role.get(w) for w in workers}, key=str), want))
blas = [[p for p in w["pools"] if p["user_api"] == "blas"][0] for w in inside]
threads = sorted({b["num_threads"] for b in blas})
layer = {"pthreads": "pthread", "openmp": "openmp"}.get(blas[0]["threading_layer"])
pool = [p for p in g["pools"] or [] if p["lib"] == "openblas"]
check(len(threads) == 1 and pool and pool[0]["threads"] == threads[0] and
      pool[0]["variant"] == layer,
      "its OpenBLAS pool %s agrees with threadpoolctl inside the workers: %s %s" %
      ([(p["variant"], p["threads"]) for p in pool], layer, threads))
advice = g["advice"] or ""
if kind == "loky":
    check(threads == [1], "loky starts its workers with 1 thread each")
    check(g["verdict"] == "ok", "verdict %s, expected ok" % g["verdict"])
    check("NUM_THREADS=1" not in advice, "no variable advised at what loky set")
else:
    check(threads == [2], "%s leaves its workers 2 threads each" % kind)
    check(g["verdict"] in ("spinning", "oversubscribed"),
          "verdict %s, expected spinning or oversubscribed" % g["verdict"])
    check(advice.startswith("2 worker processes of python3 workers.py") and
          "OPENBLAS_NUM_THREADS=1" in advice, "the advice names the workers and the variable")
sys.exit(1 if any(fails) else 0)
PY
	[ $? -eq 0 ] || fails=$((fails + 1))
}

run pool
run loky
run jmp
run dask
finish
