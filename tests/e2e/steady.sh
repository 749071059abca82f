# Verdicts over coretop's window (--window 5 -d 0.5), once the window is full:
#  (a) a steady oversubscribed workload (numpy jobs under GNU parallel on every core,
#      OpenBLAS's default threads, each longer than the test) stays flagged,
#      oversubscribed or spinning, for 10 consecutive samples and more, and changes
#      between the two no faster than the verdict's hold (lib/verdicts.py);
#  (b) 0.15 s numpy jobs under the same parallel, each born and dead between two
#      readings, are flagged (at_risk, oversubscribed or spinning) in every sample.
# Needs coretop's --window (the sampler that keeps short-lived jobs' wait): skips
# without it.
. tests/e2e/lib.sh
command -v parallel >/dev/null || skip "GNU parallel not installed"
/usr/bin/python3 -c 'import numpy' 2>/dev/null || skip "Debian's python3-numpy not installed"
"$CORETOP" --help | grep -q -- --window || skip "coretop has no --window yet"
ncpu=$(nproc)
window=5
live_scratch
launcher=""
cp tests/e2e/lib/truthjob.py "$tmp/"

check() { # name seconds-per-job steady|flagged
	name=$1 len=$2 mode=$3
	mkdir "$tmp/$name"
	n=$(/usr/bin/python3 -c "print(int(30 * $ncpu / $len) + 2 * $ncpu)")
	(cd "$tmp" && exec setsid env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS \
		parallel -j "$ncpu" /usr/bin/python3 truthjob.py "$len" "$tmp/$name" ::: $(seq "$n") >/dev/null 2>&1) &
	launcher=$! sessions=$!
	sleep 1
	# the window fills after 10 samples; 12 more after it
	"$CORETOP" -b --json -d 0.5 --window "$window" -n $((2 * window + 12)) >"$tmp/$name.jsonl" \
		|| fail "$name: coretop exited $?"
	pid=$launcher
	pkill -KILL -s "$launcher" 2>/dev/null
	wait 2>/dev/null
	launcher="" sessions=""
	if /usr/bin/python3 tests/e2e/lib/verdicts.py "$mode" "$tmp/$name.jsonl" "$pid" truthjob.py "$window" 10 >"$tmp/$name.out"; then
		cat "$tmp/$name.out"
		ok "$name: $(tail -n 1 "$tmp/$name.out")"
	else
		cat "$tmp/$name.out"
		fail "$name: $(tail -n 1 "$tmp/$name.out")"
	fi
}

check long-default 60 steady
check short-0.15s 0.15 flagged
finish
