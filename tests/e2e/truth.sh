# coretop's numbers against ground truth: numpy jobs of ~0.3 s, 1 s and 3 s under
# GNU parallel on every core, with OpenBLAS's default threads and with one, each job
# recording its own threads' run and run-queue wait (lib/truthjob.py). coretop -b
# samples beside them; lib/truth.py reads the truth over exactly the intervals coretop
# sampled and compares it with the groups that hold the jobs. Targets over the span:
# wait % within ±8 points, demand within ±15 %.
#
# Short jobs are born and dead between two of coretop's readings; their wait is the
# part a sampler of /proc has to work for. TRUTH_VERBOSE=1 prints every sample.
. tests/e2e/lib.sh
command -v parallel >/dev/null || skip "GNU parallel not installed"
/usr/bin/python3 -c 'import numpy' 2>/dev/null || skip "Debian's python3-numpy not installed"
ncpu=$(nproc)
samples=${TRUTH_SAMPLES:-11}
live_scratch
launcher=""
cp tests/e2e/lib/truthjob.py "$tmp/"

case_run() { # name seconds threads(default|1)
	name=$1 len=$2 threads=$3
	mkdir "$tmp/$name"
	# enough jobs to outlast warm-up and sampling: parallel is stopped before it runs out
	n=$(/usr/bin/python3 -c "print(int(($samples + 8) * $ncpu / $len) + 2 * $ncpu)")
	if [ "$threads" = 1 ]; then set -- env -u OMP_NUM_THREADS OPENBLAS_NUM_THREADS=1
	else set -- env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS; fi
	# its own session (setsid execs in a background subshell, which leads no group):
	# $! is parallel, and the session is every job; the EXIT trap kills it whole
	(cd "$tmp" && exec setsid "$@" parallel -j "$ncpu" /usr/bin/python3 truthjob.py "$len" "$tmp/$name" \
		::: $(seq "$n") >/dev/null 2>&1) &
	launcher=$! sessions=$!
	# warm-up: the first jobs have reported (the slots have turned over once), at least 2 s
	i=0
	while [ $i -lt 20 ] || { [ "$(ls "$tmp/$name" | wc -l)" -lt "$ncpu" ] && [ $i -lt 100 ]; }; do
		sleep 0.1
		i=$((i + 1))
	done
	"$CORETOP" -b --json -d 1 -n "$samples" >"$tmp/$name.jsonl" || fail "$name: coretop exited $?"
	# SIGHUP: parallel starts nothing more and waits for the running jobs, which report
	kill -HUP "$launcher"
	wait "$launcher"
	pid=$launcher launcher="" sessions=""
	if /usr/bin/python3 tests/e2e/lib/truth.py "$name" "$tmp/$name.jsonl" "$tmp/$name" "$pid" \
		${TRUTH_VERBOSE:+-v} >"$tmp/$name.out"; then
		cat "$tmp/$name.out"
		ok "$name: coretop within the margins"
	else
		cat "$tmp/$name.out"
		fail "$(tail -n 1 "$tmp/$name.out")"
	fi
}

echo "                   -- truth ---------- | -- coretop -------- | est % |"
echo "case               wait% demand  used |  wait% demand  used |       |"
for len in ${TRUTH_LENGTHS:-0.3 1 3}; do
	for threads in default 1; do
		case_run "${len}s-$threads" "$len" "$threads"
	done
done
finish
