# coretop export: each recipe accepted by what consumes it (sh -n, bash -n, GNU parallel
# and xargs actually run), the round trip tune -> export json -> export sh, and errors.
. tests/e2e/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM

# a result whose job records its input and thread settings
cat >"$tmp/r.json" <<JSON
{"command": ["sh", "-c", "echo \"job \$1 omp=\$OMP_NUM_THREADS blas=\$OPENBLAS_NUM_THREADS\" >> '$tmp/log'", "sh", "{}"],
 "shell": false, "inputs": ["1", "2", "x y"], "supply_cores": 2, "candidates": [],
 "best": {"name": "2x1", "procs": 2, "threads": 1, "median_s": 0.5,
          "env": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}},
 "speedup_vs_naive": 1.5, "speedup_vs_serial": 1.9}
JSON
for f in sh env json parallel xargs slurm; do
	"$CORETOP" export --format $f "$tmp/r.json" >"$tmp/out.$f" || fail "export --format $f exited $?"
done
sh -n "$tmp/out.sh" && ok "sh: sh -n clean" || fail "sh: syntax"
bash -n "$tmp/out.slurm" && ok "slurm: bash -n clean" || fail "slurm: syntax"
grep -q '^#SBATCH --ntasks=2$' "$tmp/out.slurm" && grep -q '^#SBATCH --cpus-per-task=1$' "$tmp/out.slurm" \
	&& ok "slurm: ntasks and cpus-per-task" || fail "slurm: directives"
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out.json" && ok "json: valid" || fail "json"
set -a; . "$tmp/out.env"; set +a
[ "$OMP_NUM_THREADS" = 1 ] && ok "env: a dotenv the shell reads" || fail "env"
unset OMP_NUM_THREADS OPENBLAS_NUM_THREADS

run_recipe() { # format
	: >"$tmp/log"
	sh "$tmp/out.$1" >/dev/null 2>&1 || { fail "$1: recipe exited $?"; return; }
	if [ "$(sort "$tmp/log")" = "$(printf 'job 1 omp=1 blas=1\njob 2 omp=1 blas=1\njob x y omp=1 blas=1')" ]; then
		ok "$1: ran every input with the thread variables"
	else
		fail "$1: log: $(cat "$tmp/log")"
	fi
}
run_recipe sh
run_recipe xargs
if command -v parallel >/dev/null; then run_recipe parallel; else echo "GNU parallel not installed: parallel recipe not run"; fi
if command -v sbatch >/dev/null && scontrol ping >/dev/null 2>&1; then
	echo "a Slurm controller answers: not exercised here yet"
else
	echo "no Slurm controller on this machine: the slurm recipe is checked by bash -n and its directives only"
fi

# files: atomic, never replaced without --force
"$CORETOP" export --format sh -o "$tmp/run.sh" "$tmp/r.json" && ok "-o writes a file" || fail "-o"
expect_exit 2 "exists \\(use --force" "$CORETOP" export --format sh -o "$tmp/run.sh" "$tmp/r.json"
"$CORETOP" export --format env --force -o "$tmp/run.sh" "$tmp/r.json" && grep -q '^OMP_NUM_THREADS=1$' "$tmp/run.sh" \
	&& ok "--force replaces" || fail "--force"
ls -a "$tmp" | grep -q coretop-export && fail "a temporary file was left" || ok "no temporary file left"

# round trip from a real tune
"$CORETOP" tune --no-tui --repeat 1 --inputs 1..2 --candidates 2x1 --out "$tmp/tuned.json" -- true >/dev/null 2>&1 \
	|| fail "tune exited $?"
"$CORETOP" export --format json -o "$tmp/normal.json" "$tmp/tuned.json" &&
	"$CORETOP" export --format sh "$tmp/normal.json" >"$tmp/again.sh" && sh -n "$tmp/again.sh" \
	&& ok "tune -> export json -> export sh" || fail "round trip"

expect_exit 2 "unknown format 'yaml'" "$CORETOP" export --format yaml "$tmp/r.json"
expect_exit 2 "--format is required" "$CORETOP" export "$tmp/r.json"
expect_exit 2 "cannot read $tmp/missing.json" "$CORETOP" export --format sh "$tmp/missing.json"
echo '{"not": "a result"}' >"$tmp/bad.json"
expect_exit 2 "not a coretop tune result" "$CORETOP" export --format sh "$tmp/bad.json"
printf 'garbage' >"$tmp/garbage.json"
expect_exit 2 "not a JSON document" "$CORETOP" export --format sh "$tmp/garbage.json"
finish
