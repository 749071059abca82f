# coretop -b on live jobs: numpy under GNU parallel on every core, with default
# threads (OpenBLAS starts one thread per CPU in each job) and with OMP_NUM_THREADS=1.
. tests/e2e/lib.sh
command -v parallel >/dev/null || skip "GNU parallel not installed"
/usr/bin/python3 -c 'import numpy' 2>/dev/null || skip "Debian's python3-numpy not installed"
ncpu=$(nproc)
tmp=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do pkill -KILL -s "$p" 2>/dev/null; done; wait; rm -rf "$tmp"; }
trap cleanup EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
cat >"$tmp/job.py" <<'PY'
import time, numpy as np
a = np.random.default_rng(0).random((500, 500))
end = time.time() + 8
while time.time() < end:
    a = np.linalg.inv(a @ a.T + 500 * np.eye(500))
PY
run_jobs() { # threads-env… : $ncpu jobs in parallel, in their own process group
	(cd "$tmp" && exec setsid env "$@" parallel -j "$ncpu" /usr/bin/python3 job.py ::: $(seq "$ncpu")) &
	pids="$pids $!"
	sleep 2
}

# 1. default threads: ncpu jobs x ncpu threads each on ncpu cores
run_jobs OPENBLAS_NUM_THREADS= 
"$CORETOP" -b -n 2 -d 1 --json >"$tmp/default.json" || fail "coretop -b exited $?"
pkill -KILL -s "${pids##* }" 2>/dev/null; wait 2>/dev/null
v=$(json_get "$tmp/default.json" "[(g['key'],g['procs'],g['threads'],round(g['demand_cores'],2),round(g['wait_pct']),g['verdict']) for g in d[-1]['groups'] if g['label']=='python3 job.py']")
echo "default threads: $v"
# OpenBLAS's pthread workers yield in a loop when they queue: spinning, the worse case
# of oversubscribed
case "$v" in *"'oversubscribed')"* | *"'spinning')"*) ok "default threads: $v" ;; *) fail "default threads not oversubscribed: $v" ;; esac
n=$(json_get "$tmp/default.json" "len(d)")
[ "$n" = 2 ] && ok "-n 2 printed 2 samples" || fail "-n 2 printed $n samples"
json_get "$tmp/default.json" "all(s['interval_s'] and s['machine']['demand_cores'] is not None for s in d)" | grep -q True \
	&& ok "every sample has rates, the first included" || fail "a sample without rates"

# 2. one thread per job: demand fits the supply
pids=""
run_jobs OMP_NUM_THREADS=1
"$CORETOP" -b -n 1 -d 1 --json >"$tmp/one.json" || fail "coretop -b exited $?"
v=$(json_get "$tmp/one.json" "[(g['procs'],g['threads'],round(g['demand_cores'],2),round(g['wait_pct']),g['verdict']) for g in d[-1]['groups'] if g['label']=='python3 job.py']")
echo "OMP_NUM_THREADS=1: $v"
case "$v" in *"'ok')"*) ok "one thread per job: ok" ;; *) fail "one thread per job not ok: $v" ;; esac

# 3. the text table names the group and the verdict
"$CORETOP" -b -n 1 -d 0.5 >"$tmp/text" || fail "text exited $?"
grep -q '^GROUP ' "$tmp/text" && grep -q '^python3 job.py ' "$tmp/text" && ok "text table" || { cat "$tmp/text"; fail "text table"; }
finish
