# The tuner screen in tmux: the heat map fills, with its legend; the recommendation
# appears whole, as the text output words it, at 120 × 40 and at 80 × 24 with the
# budget line uncut; the baseline reads "default", never "naive"; --out is written
# when the tuning ends, while the result screen still waits; e writes a recipe the
# shell accepts; Ctrl-C during a run keeps the ranking so far (on the screen, on
# stdout after it, and in --out with "partial": true); q during a run asks, then
# leaves no job behind; an OpenMP job gets its +passive rows.
. tests/e2e/lib.sh
command -v tmux >/dev/null || skip "tmux not installed"
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
BENCH=$(cd "$(dirname "$CORETOP")" && pwd)/coretop-bench
[ -x "$BENCH" ] || BENCH=$(pwd)/coretop-bench
sessions=0
sock=coretop-tune-$$-0
tmp=$(mktemp -d)
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
screen() { T capture-pane -t e2e -p; }
expect() { # regex what [seconds]
	i=0
	while [ $i -lt $((${3:-10} * 10)) ]; do
		screen | grep -Eq -- "$1" && { ok "$2"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: /$1/ not on screen"
	screen | sed 's/^/  | /'
	return 1
}
session() { # W H: a fresh shell in a W x H pane, in $tmp
	# a fresh server each time: one being killed may still hold the old socket
	T kill-server 2>/dev/null
	sessions=$((sessions + 1))
	sock=coretop-tune-$$-$sessions
	T new-session -d -s e2e -x "$1" -y "$2" "sh"
	T send-keys -t e2e "cd $tmp && export LC_ALL=C.UTF-8 TERM=xterm-256color" Enter
}
# the recommendation as the screen shows it, its wrapped rows joined, against --out's
whole_verdict() { # what OUT.json
	screen >"$tmp/screen"
	/usr/bin/python3 - "$tmp/screen" "$2" <<'PY' && ok "$1" || fail "$1"
import json, sys
rows = open(sys.argv[1]).read().split("\n")
want = "recommendation: " + json.load(open(sys.argv[2]))["recommendation"]
at = next(i for i, r in enumerate(rows) if r.startswith("recommendation: "))
got = []
for r in rows[at:]:
    if not r.strip() or r.startswith("result written"):
        break
    got.append(r)
got = " ".join(" ".join(got).split())
print("  screen:", got)
assert got == " ".join(want.split()), "json: " + want
PY
}
no_naive() { # what
	if screen | grep -q naive; then fail "$1: 'naive' on the screen"; screen | sed 's/^/  | /'; else ok "$1"; fi
}

session 120 40
T send-keys -t e2e "$CORETOP tune --repeat 1 --inputs 1..4 --out $tmp/r.json -- $BENCH --size 150 --iters 3 --seed {}; echo rc=\$?" Enter
expect '^jobs/s +threads: +1 +2' "heat map header"
expect '^procs +[0-9]+ .*[0-9]+\.[0-9]' "heat map rows fill in"
expect '^time vs the fastest: 1\.00-1\.05× +1\.05-1\.5× +>1\.5× +\* fastest +cut: beyond noise' \
	"the legend: the shades' ranges, from the fastest to past 1.5×"
# any of the tuner's recommendations (on a loaded box serial or the default can win)
expect '^recommendation: (run ([0-9]+ jobs?|one job) at a time|no change needed)' \
	"the recommendation" 60
expect '^e export +r re-run the best two +q quit' "export, re-run and quit keys"
# the result screen waits for a key: --out is there already
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["partial"] is False' \
	"$tmp/r.json" 2>/dev/null && ok "--out written while the result screen waits" ||
	fail "--out not written before the result screen's keys"
expect "^result written to $tmp/r.json\$" "the screen says where"
whole_verdict "120 × 40: the whole recommendation, as in --out" "$tmp/r.json"
expect '^ +[0-9-]+ default +[0-9]+ +unset ' "the baseline reads 'default' in the table"
no_naive "no 'naive' on the result screen"
expect '^\[\|+\] 100%  elapsed [0-9]+ s  budget 300 s \([0-9]+ s left\)$' "100 % at the end, the budget whole"
T send-keys -t e2e e
expect 'export as: s sh' "e asks for a format"
T send-keys -t e2e s
expect "^file: $tmp/coretop-tuned.sh\$" "a default file name, in the folder the jobs ran in"
T send-keys -t e2e Enter
expect "^wrote $tmp/coretop-tuned.sh \\(sh\\)" "written"
sh -n "$tmp/coretop-tuned.sh" && ok "the recipe is sh -n clean" || fail "recipe syntax"
T send-keys -t e2e e s Enter
expect 'exists. Replace it\? \(y/n\)' "an existing file is not replaced without asking"
T send-keys -t e2e n
expect 'the file was kept' "n keeps it"
T send-keys -t e2e r
expect '^coretop tune +2 candidates' "r measures the best two again"
expect '^e export' "and shows their result" 60
T send-keys -t e2e q
expect '^rc=0' "q leaves with status 0"

# 80 × 24: nothing a decision needs is cut
session 80 24
T send-keys -t e2e "$CORETOP tune --repeat 1 --inputs 1..4 --out $tmp/r80.json -- $BENCH --size 150 --iters 3 --seed {}; echo rc=\$?" Enter
expect '^e export' "80 × 24: the result" 60
expect 'budget 300 s \([0-9]+ s left\)$' "80 × 24: the budget line whole"
whole_verdict "80 × 24: the whole recommendation, as in --out" "$tmp/r80.json"
expect '^time vs the fastest: .*cut: beyond noise$' "80 × 24: the legend whole"
no_naive "80 × 24: no 'naive' on the screen"
T send-keys -t e2e C-c
expect '^rc=0' "Ctrl-C on the result screen leaves it, status 0"

# Ctrl-C during a run: the ranking so far stays, on the screen, on stdout, in --out
session 120 40
T send-keys -t e2e "clear; $CORETOP tune --repeat 3 --inputs 1..8 --out $tmp/p.json -- $BENCH --size 400 --iters 15 --seed {}; echo rc=\$?" Enter
expect '^procs +[0-9]+ +[0-9]+\.[0-9]' "a candidate measured" 60
no_naive "no 'naive' on the screen while it runs"
T send-keys -t e2e C-c
expect '^interrupted after [0-9]+ s: the ranking so far \(partial\)$' "Ctrl-C: the screen says so" 10
expect '^ +1 [0-9x]+ .* ok$' "and keeps the ranking so far"
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["partial"] is True and any(c["status"] == "ok" for c in d["candidates"])' \
	"$tmp/p.json" 2>/dev/null && ok "--out written with \"partial\": true before the key" ||
	fail "--out after Ctrl-C: $(head -c 300 "$tmp/p.json" 2>&1)"
T send-keys -t e2e x
expect '^rank +candidate +procs' "the partial table on stdout after the screen"
expect '^rc=130' "status 130"
sleep 0.5
pgrep -f "$BENCH --size 400" >/dev/null && fail "a job survived Ctrl-C" || ok "no job survived Ctrl-C"

# q during a run: asked, then every job stopped
T send-keys -t e2e "clear; $CORETOP tune --repeat 3 --inputs 1..8 -- $BENCH --size 500 --iters 40 --seed {}; echo rc=\$?" Enter
expect 'running ' "a candidate runs" 20
T send-keys -t e2e q
expect 'Quit\? Every job will be stopped' "q asks first"
T send-keys -t e2e y
expect 'interrupted; every job was stopped' "interrupted" 10
T send-keys -t e2e x
expect '^rc=130' "status 130"
sleep 0.5
pgrep -f "$BENCH --size 500" >/dev/null && fail "a job survived" || ok "no job survived"

# an OpenMP job: its +passive splits in rows of their own, the legend says what they
# are (its warm-up lasts long enough, ~0.3 s, for the sampler to see libgomp in it)
cat >"$tmp/omp.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	double s = 0;
	long n = atol(argv[1]);
	for (int r = 0; r < 4; r++) {
#pragma omp parallel for reduction(+ : s)
		for (long i = 0; i < n; i++)
			s += (double)(i % 7);
	}
	printf("%g\n", s);
	return 0;
}
C
if cc -O1 -fopenmp -o "$tmp/omp" "$tmp/omp.c" 2>/dev/null; then
	T send-keys -t e2e "clear; $CORETOP tune --repeat 1 --inputs 100000000,120000000 -- $tmp/omp {}; echo rc=\$?" Enter
	expect '^procs +1 \+passive +(·|> run <|[0-9.]+\*?) ' "OpenMP job: a +passive row" 60
	expect '^\+passive: the split with OMP_WAIT_POLICY=passive' "the legend names it"
	expect '^ +[0-9-]+ 1x2\+passive ' "and the table" 60
	expect '^e export' "the OpenMP tuning ends" 60
	T send-keys -t e2e q
	expect '^rc=0' "q leaves with status 0"
else
	echo "no cc -fopenmp: the +passive rows are not checked"
fi
finish
