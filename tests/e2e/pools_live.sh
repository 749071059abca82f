# Thread pools and verdicts on live processes: numpy jobs under GNU parallel on every
# core with both Debian builds of OpenBLAS (pthread, OpenMP), default threads and
# OMP_NUM_THREADS=1, and a plain OpenMP program — checked against threadpoolctl's view
# from inside the same processes.
. tests/e2e/lib.sh
command -v parallel >/dev/null || skip "GNU parallel not installed"
/usr/bin/python3 -c 'import numpy, threadpoolctl' 2>/dev/null || skip "python3-numpy or python3-threadpoolctl not installed"
OMPLIB=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -e $OMPLIB/libblas.so.3 ] || skip "libopenblas0-openmp not installed"
command -v cc >/dev/null || skip "no C compiler"
ncpu=$(nproc)
tmp=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do pkill -KILL -s "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
cat >"$tmp/job.py" <<'PY'
import json, os, sys, time, numpy as np, threadpoolctl
a = np.random.default_rng(0).random((400, 400))
a = a @ a.T
info = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"][0]
json.dump({"pid": os.getpid(), "threads": info["num_threads"], "layer": info["threading_layer"]},
          open(sys.argv[2], "w"))
end = time.time() + 6
while time.time() < end:
    a = np.linalg.inv(a @ a.T + 400 * np.eye(400))
PY
run_jobs() { # name env… — ncpu numpy jobs under parallel, one process group
	name=$1; shift
	(cd "$tmp" && exec setsid env "$@" parallel -j "$ncpu" /usr/bin/python3 job.py {} "$name-{}.tpc" ::: $(seq "$ncpu")) &
	pids="$pids $!"
	# each job writes its .tpc once its pool has run: then they are all computing
	i=0
	while [ "$(ls "$tmp/$name"-*.tpc 2>/dev/null | wc -l)" -lt "$ncpu" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
}
stop_jobs() { for p in $pids; do pkill -KILL -s "$p" 2>/dev/null; done; wait 2>/dev/null; pids=""; }
group() { # file expr over g: the group of this run's first job (other sessions may run
	  # python3 job.py too), found by the pid its threadpoolctl file recorded
	pid=$(sed 's/.*"pid": \([0-9]*\).*/\1/' "$tmp/$name-1.tpc")
	json_get "$1" "[$2 for g in d[-1]['groups'] if $pid in g['pids']][0]"
}
check() { # name expected-variant expected-verdicts expect-var-in-advice env…
	name=$1 variant=$2 verdicts=$3 advice_var=$4; shift 4
	run_jobs "$name" "$@"
	"$CORETOP" -b -n 1 -d 1.5 --json >"$tmp/$name.json" || fail "$name: coretop exited $?"
	stop_jobs
	v=$(group "$tmp/$name.json" "(g['verdict'], g['pools'][0]['lib'], g['pools'][0]['variant'], g['pools'][0]['threads'], round(g['demand_cores'],2), round(g['wait_pct']))")
	echo "$name: $v"
	case "$v" in *"'openblas', '$variant'"*) ok "$name: openblas $variant" ;; *) fail "$name: pool $v" ;; esac
	verdict=$(group "$tmp/$name.json" "g['verdict']")
	case " $verdicts " in *" $verdict "*) ok "$name: verdict $verdict" ;; *) fail "$name: verdict $verdict, expected one of $verdicts" ;; esac
	# what coretop sees from outside = what threadpoolctl saw inside
	want=$(cat "$tmp/$name-1.tpc")
	got=$(group "$tmp/$name.json" "g['pools'][0]['threads']")
	echo "$want" | grep -q "\"threads\": $got," && ok "$name: pool size $got agrees with threadpoolctl" || fail "$name: pool size $got, threadpoolctl: $want"
	layer=$(echo "$want" | sed 's/.*"layer": "\([a-z]*\)".*/\1/')
	[ "$layer" = "$variant" ] || [ "$layer" = "${variant}s" ] && ok "$name: threading layer $layer" || fail "$name: layer $layer vs $variant"
	if [ -n "$advice_var" ]; then
		a=$(group "$tmp/$name.json" "g['advice']")
		echo "  advice: $a"
		echo "$a" | grep -q "$advice_var" && ok "$name: advice names $advice_var" || fail "$name: advice: $a"
	fi
}

check pthread-default pthread "spinning oversubscribed" "OPENBLAS_NUM_THREADS=1" OPENBLAS_NUM_THREADS=
check pthread-one pthread "ok" "" OMP_NUM_THREADS=1
check openmp-default openmp "spinning oversubscribed" "OMP_NUM_THREADS=1" LD_LIBRARY_PATH=$OMPLIB
check openmp-one openmp "ok" "" LD_LIBRARY_PATH=$OMPLIB OMP_NUM_THREADS=1

# a plain OpenMP program, 4 threads on 2 cores, busy in parallel regions
cat >"$tmp/omp.c" <<'C'
#include <omp.h>
#include <stdio.h>
#include <time.h>
int main(void)
{
	time_t end = time(NULL) + 8;
	double s = 0;
	/* long parallel regions: the threads compute, they seldom wait at a barrier */
	while (time(NULL) < end) {
#pragma omp parallel for reduction(+ : s)
		for (long i = 0; i < 100000000; i++)
			s += (double)(i % 7) * 0.5;
	}
	printf("%g\n", s);
	return 0;
}
C
cc -O1 -fopenmp -o "$tmp/omp" "$tmp/omp.c" || skip "cannot build an OpenMP program"
setsid env OMP_NUM_THREADS=$((2 * ncpu)) "$tmp/omp" >/dev/null &
pids="$!"
sleep 2
"$CORETOP" -b -n 1 -d 1.5 --json >"$tmp/omp.json"
stop_jobs
v=$(json_get "$tmp/omp.json" "[(g['verdict'], g['pools'][0]['lib'], g['pools'][0]['variant'], g['pools'][0]['threads'], g['threads']) for g in d[-1]['groups'] if g['label']=='omp'][0]")
echo "omp: $v"
case "$v" in "('spinning', 'openmp', 'gomp', $((2 * ncpu)), $((2 * ncpu)))"|"('oversubscribed', 'openmp', 'gomp', $((2 * ncpu)), $((2 * ncpu)))") ok "OpenMP program: $v" ;; *) fail "OpenMP program: $v" ;; esac
finish
