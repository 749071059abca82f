# coretop tune on real jobs: --bind gives each worker slot its own CPUs, and a numpy
# job (Debian's OpenBLAS) is tuned to a split that no other beats beyond the noise,
# with the contention the sampler saw.
. tests/e2e/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
ncpu=$(nproc)

# --bind: a 2x1 candidate's two slots get disjoint CPUs (--sample 2: one job a slot in
# each run, so that each file is written from its own slot)
if [ "$ncpu" -ge 2 ]; then
	"$CORETOP" tune --no-tui --bind --candidates 2x1 --repeat 1 --inputs 1..2 --sample 2 --shell -- \
		"grep Cpus_allowed_list /proc/self/status > $tmp/bind.{}.\$OMP_NUM_THREADS" >/dev/null 2>&1 ||
		fail "tune --bind exited $?"
	a=$(cut -f2 "$tmp/bind.1.1" 2>/dev/null) b=$(cut -f2 "$tmp/bind.2.1" 2>/dev/null)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] && ! echo "$a" | grep -q '[-,]'; then
		ok "--bind: the two workers ran on CPU $a and CPU $b"
	else
		fail "--bind: workers on '$a' and '$b'"
	fi
else
	echo "one CPU: --bind not checked"
fi

# --shell: the user's own quotes around {} (the issue's `echo '{}'`) and an input that
# closes them: the job sees its input byte for byte and nothing it says runs
mkdir -p "$tmp/sh"
printf '%s\n' "x';touch $tmp/sh/PWNED;'" "it's" '$(touch PWNED)' 'a "b" \c' >"$tmp/sh/inputs"
"$CORETOP" tune --no-tui --candidates 1x1 --repeat 1 --sample 4 --inputs-file "$tmp/sh/inputs" --shell -- \
	"cd $tmp/sh && printf '%s\\n' '{}' >>got; printf '%s\\n' \"{}\" >>got2" >/dev/null 2>&1 || fail "tune --shell exited $?"
if [ -e "$tmp/sh/PWNED" ] || [ -e PWNED ]; then
	fail "--shell: an input ran as code"
elif [ "$(sort -u "$tmp/sh/got")" = "$(sort -u "$tmp/sh/inputs")" ] && [ "$(sort -u "$tmp/sh/got2")" = "$(sort -u "$tmp/sh/inputs")" ]; then
	ok "--shell: inputs inside the user's single and double quotes arrive verbatim, none ran"
else
	fail "--shell: the jobs got $(sort -u "$tmp/sh/got" "$tmp/sh/got2" | tr '\n' '|')"
fi

# an OpenMP job: once the warm-up shows libgomp in it, splits with T > 1 are also
# tried with OMP_WAIT_POLICY=passive
cat >"$tmp/omp.c" <<'C'
#include <stdio.h>
int main(void)
{
	double s = 0;
	for (int r = 0; r < 10; r++) {
#pragma omp parallel for reduction(+ : s)
		for (long i = 0; i < 60000000; i++)
			s += (double)(i % 7);
	}
	printf("%g\n", s);
	return 0;
}
C
if cc -O1 -fopenmp -o "$tmp/omp" "$tmp/omp.c" 2>/dev/null; then
	"$CORETOP" tune --no-tui --json --repeat 1 --inputs 1..2 -- "$tmp/omp" >"$tmp/omp.json" 2>/dev/null ||
		fail "tune of an OpenMP job exited $?"
	n=$(/usr/bin/python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(len([c for c in d['candidates'] if c['name'].endswith('+passive') and c['env'].get('OMP_WAIT_POLICY') == 'passive']))" "$tmp/omp.json")
	[ "${n:-0}" -ge 1 ] && ok "OpenMP job: $n candidates with OMP_WAIT_POLICY=passive" || fail "OpenMP job: no passive candidate"
fi

/usr/bin/python3 -c 'import numpy' 2>/dev/null || { finish; }
cat >"$tmp/job.py" <<'PY'
import sys, numpy as np
a = np.random.default_rng(int(sys.argv[1])).random((300, 300))
for _ in range(12):
    a = np.linalg.inv(a @ a.T + 300 * np.eye(300))
PY
"$CORETOP" tune --no-tui --json --repeat 2 --budget 120 --inputs 1..4 --out "$tmp/r.json" -- \
	/usr/bin/python3 "$tmp/job.py" {} >"$tmp/stdout.json" 2>"$tmp/progress" || fail "tune exited $?"
cmp -s "$tmp/r.json" "$tmp/stdout.json" && ok "--out holds the same JSON as stdout" || fail "--out differs"
/usr/bin/python3 - "$tmp/r.json" <<'PY' && ok "numpy: the pick is the fastest measured, within noise" || fail "numpy: best is not the fastest"
import json, sys
r = json.load(open(sys.argv[1]))
ok = [c for c in r["candidates"] if c["status"] == "ok"]
fastest = min(c["median_s"] for c in ok)
print("best", r["best"]["procs"], "x", r["best"]["threads"], r["best"]["median_s"], "fastest", fastest,
      "vs naive", r["speedup_vs_naive"], "waits", [(c["procs"], c["threads"], c["wait_pct"]) for c in ok])
# the pick is the lowest median, or one noise cannot tell from it whose slowest run
# is faster (the steady one); never a split beaten beyond the noise
low = min(ok, key=lambda c: c["median_s"])
pick = r["fastest"]
noise = max(0.05 * fastest, low["spread_s"], pick["spread_s"], r["run_spread_s"] or 0,
            r["job_spread_s"] or 0)
assert pick["median_s"] - fastest <= noise + 1e-9, "the pick is beaten beyond the noise"
assert pick["name"] == low["name"] or max(pick["runs"]) <= max(low["runs"]), "not the steady one"
# the answer is that pick, or the default itself when no change is needed
assert r["best"]["name"] == pick["name"] or (r["outcome"] == "no_change" and r["best"]["name"] == "naive")
assert any(c["wait_pct"] is not None for c in ok), "no contention measured"
PY
finish
