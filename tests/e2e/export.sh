# coretop export: the recipes run for real over every input of hand-made results
# (tests/fixtures/export/results/, 49 hostile inputs): sh, GNU parallel and xargs
# scripts executed by their shebang, the Slurm array by bash once per task; each input
# must run exactly once, verbatim, with the split's thread variables (or none for the
# default launch), and no input may run as code. Then the files (modes, inputs beside,
# --force), the round trip from a real tune, and the errors.
. tests/e2e/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
R=tests/fixtures/export/results
umask 022

# The job: records its argv and the thread variables it saw, NUL-separated, one file
# per job (jobs run at once). With CORETOP_REC_SLEEP it also takes that long and
# records when it ran; its input CORETOP_REC_FAIL (as --seed's value) fails.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/coretop-rec" <<'EOF'
#!/bin/sh
f=$(mktemp "$CORETOP_REC_DIR/job.XXXXXX") || exit 1
start=$(date +%s%N)
[ -z "${CORETOP_REC_SLEEP-}" ] || sleep "$CORETOP_REC_SLEEP"
{
	printf '%s\0' "$@" coretop-rec-env
	printf '%s\0' "OMP_NUM_THREADS=${OMP_NUM_THREADS-unset}" \
		"OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS-unset}" \
		"MKL_NUM_THREADS=${MKL_NUM_THREADS-unset}" "BLOSC_NTHREADS=${BLOSC_NTHREADS-unset}"
	[ -z "${CORETOP_REC_SLEEP-}" ] || printf 't=%s-%s\0' "$start" "$(date +%s%N)"
} >"$f"
[ -z "${CORETOP_REC_FAIL-}" ] || [ "${2-}" != "$CORETOP_REC_FAIL" ]
EOF
chmod 755 "$tmp/bin/coretop-rec"
# check.py RESULT RECORDS THREADS [INPUTS-FILE]: every input once, verbatim, as the tuner
# would have run it ({} replaced, or the input appended), with the thread variables at
# THREADS ("unset": none, else the split's values); the inputs are those of INPUTS-FILE
# when given.
cat >"$tmp/check.py" <<'EOF'
import json, os, sys
res = json.load(open(sys.argv[1]))
rec, threads = sys.argv[2], sys.argv[3]
# bytes that are not UTF-8 travel in raw_hex; surrogateescape keeps them comparable
raw = res.get("raw_hex") or {}
def exact(field):
    v = list(res[field])
    for k, h in raw.get(field, {}).items():
        v[int(k)] = bytes.fromhex(h).decode("utf-8", "surrogateescape")
    return v
if len(sys.argv) > 4:
    inputs = open(sys.argv[4], newline="", errors="surrogateescape").read().split("\n")[:-1]
else:
    inputs = exact("inputs_all" if "inputs_all" in res else "inputs")
words = exact("command")[1:]
def argv(x):
    out = [w.replace("{}", x) for w in words]
    return out if any("{}" in w for w in words) else out + [x]
want = sorted(tuple(argv(x)) for x in inputs)
got, envs, spans = [], set(), []
for f in os.listdir(rec):
    items = open(os.path.join(rec, f), "rb").read().decode("utf-8", "surrogateescape").split("\0")[:-1]
    i = items.index("coretop-rec-env")
    got.append(tuple(items[:i]))
    envs.add(tuple(x for x in items[i + 1:] if not x.startswith("t=")))
    spans += [tuple(map(int, x[2:].split("-"))) for x in items[i + 1:] if x.startswith("t=")]
got.sort()
bad = []
if got != want:
    missing = [w for w in want if w not in got]
    extra = [g for g in got if g not in want]
    bad.append("%d jobs for %d inputs; missing %r; unexpected %r" % (len(got), len(want), missing[:3], extra[:3]))
# the variables the split sets; those it does not name keep the shell's value (7)
wenv = tuple("%s=%s" % (v, "unset" if threads == "unset" else res["best"]["env"].get(v, "7"))
             for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLOSC_NTHREADS"))
if envs != {wenv}:
    bad.append("thread variables %r, expected %r" % (sorted(envs), wenv))
# how many ran at once, at most: never more than the split's P
most = max((sum(1 for a, b in spans if a <= t < b) for t, _ in spans), default=0)
if most > res["best"]["procs"]:
    bad.append("%d jobs ran at once, the split has %d" % (most, res["best"]["procs"]))
at_once = ", %d at most at once" % most if spans else ""
print("; ".join(bad) if bad else "%d inputs, each run once, verbatim, thread variables %s%s"
      % (len(want), threads, at_once))
sys.exit(1 if bad else 0)
EOF
PATH=$tmp/bin:$PATH
export PATH
# what the user's shell may hold: a recipe sets the split's values or unsets them
export OMP_NUM_THREADS=7 OPENBLAS_NUM_THREADS=7 MKL_NUM_THREADS=7 BLOSC_NTHREADS=7

# run_recipe LABEL RECIPE RESULT THREADS [INPUTS-FILE]: runs RECIPE from another folder
# (as a Slurm array task by task for .slurm) and checks its jobs
# (it must exit 0; or, with $want_fail set, non-zero and still run every input)
want_fail=
run_recipe() {
	rr_label=$1 rr_recipe=$2 rr_res=$3 rr_threads=$4 rr_list=${5:-} rr_status=0
	rm -rf "$tmp/work"
	mkdir -p "$tmp/work/rec"
	case $rr_recipe in
	*.slurm)
		m=$(sed -n 's/^#SBATCH --array=1-\([0-9]*\)%[0-9]*$/\1/p' "$rr_recipe")
		k=1
		while [ "$k" -le "${m:-0}" ]; do
			(cd "$tmp/work" && SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 \
				CORETOP_REC_DIR=$tmp/work/rec bash "$rr_recipe") >/dev/null 2>"$tmp/work/err" || rr_status=$?
			k=$((k + 1))
		done ;;
	*)
		(cd "$tmp/work" && CORETOP_REC_DIR=$tmp/work/rec "$rr_recipe") >/dev/null 2>"$tmp/work/err" || rr_status=$?
		;;
	esac
	if [ -z "$want_fail" ] && [ "$rr_status" != 0 ]; then
		fail "$rr_label: exited $rr_status: $(head -c 300 "$tmp/work/err")"
		return
	elif [ -n "$want_fail" ] && [ "$rr_status" = 0 ]; then
		fail "$rr_label: exited 0 though a job failed"
		return
	fi
	if msg=$(/usr/bin/python3 "$tmp/check.py" "$rr_res" "$tmp/work/rec" "$rr_threads" $rr_list); then
		ok "$rr_label: $msg${want_fail:+, exit status $rr_status}"
	else
		fail "$rr_label: $msg"
	fi
	[ -z "$(find "$tmp" -name PWNED)" ] && [ ! -e PWNED ] || fail "$rr_label: an input ran as code (PWNED exists)"
}

# every format, every result, its inputs beside the recipe (-o), run from elsewhere
mkdir -p "$tmp/out"
for res in hostile hostile_words shell; do
	for f in sh parallel xargs slurm; do
		"$CORETOP" export -f $f -o "$tmp/out/$res.$f" "$R/$res.json" || fail "export -f $f $res exited $?"
		run_recipe "$res $f, inputs beside" "$tmp/out/$res.$f" "$R/$res.json" 1
	done
done
grep -qx 'parallel -q -j 2 coretop-rec --seed '\''{}'\'' --out '\''run {}.csv'\'' :::: "$(dirname -- "$0")"/hostile.parallel.inputs' "$tmp/out/hostile.parallel" &&
	grep -q "^parallel -q -j 2 sh -c 'eval \"\$CORETOP_JOB\"' sh '{}' ::::" "$tmp/out/hostile_words.parallel" &&
	ok "parallel: the command as words when parallel reads them as written, else through sh" ||
	fail "parallel forms: $(grep '^parallel' "$tmp/out/hostile.parallel" "$tmp/out/hostile_words.parallel")"
grep -q "^#SBATCH --array=1-49%2$" "$tmp/out/hostile.slurm" && grep -q " <$tmp/out/hostile.slurm.inputs)\$" "$tmp/out/hostile.slurm" \
	&& ok "slurm: a 49-task array, 2 at a time, its inputs by absolute path" || fail "slurm: $(grep -n 'array\|awk' "$tmp/out/hostile.slurm")"
[ "$(wc -l <"$tmp/out/hostile.sh.inputs")" = 49 ] && ok "-o FILE writes FILE.inputs, one input per line" || fail "inputs beside"

# on stdout: the inputs in a here-document (one is the default delimiter)
for f in sh parallel xargs slurm; do
	"$CORETOP" export -f $f "$R/hostile.json" >"$tmp/out/stdout.$f" || fail "export -f $f to stdout exited $?"
	chmod +x "$tmp/out/stdout.$f"
	run_recipe "hostile $f, here-document" "$tmp/out/stdout.$f" "$R/hostile.json" 1
done
grep -q "^CORETOP_INPUTS_\$" "$tmp/out/stdout.sh" && ok "the here-document's delimiter is no input" || fail "delimiter"

# the tuning's --inputs-file, by absolute path: read when the recipe runs (without the
# input that ends in CR, which no inputs file can give the tuner)
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
r["inputs_all"] = [x for x in r["inputs_all"] if not x.endswith("\r")]
r["inputs_total"] = len(r["inputs_all"])
open(sys.argv[2], "w").write("".join(x + "\n" for x in r["inputs_all"]))
r["inputs_file"] = sys.argv[2]
json.dump(r, open(sys.argv[3], "w"))' "$R/hostile.json" "$tmp/list.txt" "$tmp/withfile.json"
for f in sh parallel xargs slurm; do
	"$CORETOP" export -f $f -o "$tmp/out/file.$f" "$tmp/withfile.json" || fail "export -f $f with inputs_file exited $?"
	run_recipe "hostile $f, the tuning's inputs file" "$tmp/out/file.$f" "$R/hostile.json" 1 "$tmp/list.txt"
done
[ ! -e "$tmp/out/file.sh.inputs" ] && grep -qx "done <$tmp/list.txt" "$tmp/out/file.sh" \
	&& ok "with the tuning's inputs file, no copy beside the recipe" || fail "inputs file: $(grep -n '^done' "$tmp/out/file.sh")"
printf 'more one\nmore $(touch PWNED) two\n' >>"$tmp/list.txt"
run_recipe "sh, inputs file grown after the export" "$tmp/out/file.sh" "$R/hostile.json" 1 "$tmp/list.txt"
"$CORETOP" export -f sh "$tmp/withfile.json" | grep -q "has changed since the tuning (48 inputs then, 50 lines now)" \
	&& ok "a changed inputs file is said so" || fail "changed inputs file"
printf 'a\r\nb\r\n' >"$tmp/list.txt"
"$CORETOP" export -f sh -o "$tmp/out/crlf.sh" "$tmp/withfile.json" && [ -e "$tmp/out/crlf.sh.inputs" ] &&
	grep -q "CR line ends" "$tmp/out/crlf.sh" && ok "an inputs file with CR line ends is not used, the inputs are listed" ||
	fail "CRLF inputs file"
run_recipe "sh over listed inputs instead of a CRLF file" "$tmp/out/crlf.sh" "$tmp/withfile.json" 1

# no change needed: the default launch, every thread variable unset
for f in sh parallel xargs slurm; do
	"$CORETOP" export -f $f -o "$tmp/out/nochange.$f" "$R/no_change.json" || fail "export -f $f no_change exited $?"
	run_recipe "no change $f: the default launch" "$tmp/out/nochange.$f" "$R/no_change.json" unset
	grep -q '^# coretop tune: no change needed: the default launch (2 jobs, thread variables unset)$' "$tmp/out/nochange.$f" &&
		! grep -q '^export' "$tmp/out/nochange.$f" || fail "no change $f: header or exports"
done
# the split's P is kept (jobs start as others end), and a failed job fails the recipe
# without stopping the others
export CORETOP_REC_SLEEP=0.05
for f in sh parallel xargs; do
	run_recipe "no change $f, jobs of 50 ms" "$tmp/out/nochange.$f" "$R/no_change.json" unset
done
unset CORETOP_REC_SLEEP
export CORETOP_REC_FAIL=in-13
want_fail=1
for f in sh parallel xargs slurm; do
	run_recipe "no change $f, input in-13 fails" "$tmp/out/nochange.$f" "$R/no_change.json" unset
done
want_fail=
unset CORETOP_REC_FAIL
grep -q '^#SBATCH --array=1-32%2$' "$tmp/out/nochange.slurm" && grep -q '^#SBATCH --cpus-per-task=1$' "$tmp/out/nochange.slurm" \
	&& ok "no change slurm: 2 tasks at a time, 1 CPU each" || fail "no change slurm directives"
grep -q '^# from an interrupted tuning' "$tmp/out/nochange.sh" && grep -q '^# warning: a warning\\x0awith a newline' "$tmp/out/nochange.sh" \
	&& ok "partial and warnings in the header, a warning's newline escaped" || fail "partial, warnings"
"$CORETOP" export -f slurm -o "$tmp/out/serial.slurm" "$R/serial.json" && grep -q '^#SBATCH --array=1-32%1$' "$tmp/out/serial.slurm" &&
	grep -q '^#SBATCH --cpus-per-task=2$' "$tmp/out/serial.slurm" && ok "serial slurm: one task at a time with the 2 CPUs" || fail "serial slurm"
run_recipe "serial slurm" "$tmp/out/serial.slurm" "$R/serial.json" unset

# an older result without inputs_all: its sample, said so
"$CORETOP" export -f sh -o "$tmp/out/old.sh" "$R/old.json" && grep -q 'only the 3 the tuning sampled' "$tmp/out/old.sh" \
	&& ok "an old result exports its sample, and says so" || fail "old result"
run_recipe "old result sh" "$tmp/out/old.sh" "$R/old.json" 1

# files: scripts executable, the others not; nothing replaced without --force
modes=$(cd "$tmp/out" && stat -c '%a' hostile.sh hostile.parallel hostile.xargs hostile.slurm hostile.sh.inputs)
[ "$modes" = "$(printf '755\n755\n755\n755\n644')" ] && ok "scripts 755, inputs 644 (umask 022)" || fail "modes: $modes"
for f in env json; do "$CORETOP" export -f $f -o "$tmp/out/r.$f" "$R/hostile.json" || fail "export -f $f exited $?"; done
[ "$(stat -c %a "$tmp/out/r.env" "$tmp/out/r.json")" = "$(printf '644\n644')" ] && ok "env and json 644" || fail "env, json modes"
(umask 077 && "$CORETOP" export -f sh -o "$tmp/out/private.sh" "$R/hostile.json") &&
	[ "$(stat -c %a "$tmp/out/private.sh" "$tmp/out/private.sh.inputs")" = "$(printf '700\n600')" ] &&
	ok "the umask is kept (077: 700 and 600)" || fail "umask 077"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["launch"]; assert d["inputs_file"]==sys.argv[2] and d["inputs_count"]==49 and d["threads"]==1, d' \
	"$tmp/out/r.json" "$tmp/out/r.json.inputs" && ok "json: launch names the inputs file it relies on" || fail "json launch"
set -a; . "$tmp/out/r.env"; set +a
[ "$OMP_NUM_THREADS" = 1 ] && ok "env: a dotenv the shell reads" || fail "env"
# generated hostile inputs (seeded): quotes, backslashes, $(…) and backquotes, globs,
# braces, leading dashes and blanks, tabs, CR inside, GNU parallel's own syntax, and
# bytes that are not UTF-8 (raw_hex); every format hands each job its input byte for byte
/usr/bin/python3 - "$R/hostile.json" "$tmp/out/generated.json" <<'PY'
import json, random, sys
r = json.load(open(sys.argv[1]))
pieces = [b"'", b'"', b"\\", b"$(touch PWNED)", b"`touch PWNED`", b"${x:-PWNED}", b";touch PWNED",
          b" ", b"\t", b"*", b"?", b"[a-z]", b"{a,b}", b"{}", b"{.}", b":::", b"-n", b"--", b"&",
          b"|", b">PWNED", b"#", b"~", b"!", b"%s", b"\r", b"x", b"\xff", b"\xc3\x28",
          "\u202e".encode(), "é".encode(), b"=", b"$1"]
rng = random.Random(13)
inputs, raw = [], {}
while len(inputs) < 80:
    b = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.2:
        b = rng.choice([b"  ", b"-", b"\t"]) + b
    # a launcher reads lines: no CR at the end, no line of blanks only
    if b.endswith(b"\r") or not b.strip(b" \t"):
        continue
    try:
        text = b.decode("utf-8")
    except UnicodeDecodeError:
        raw[str(len(inputs))] = b.hex()
        text = b.decode("utf-8", "replace")
    inputs.append(text)
r["inputs_all"], r["inputs_total"] = inputs, len(inputs)
r["raw_hex"] = {"inputs_all": raw}
json.dump(r, open(sys.argv[2], "w"))
PY
for f in sh parallel xargs slurm; do
	"$CORETOP" export -f $f -o "$tmp/out/generated.$f" "$tmp/out/generated.json" || fail "export -f $f generated exited $?"
	run_recipe "generated hostile inputs, $f" "$tmp/out/generated.$f" "$tmp/out/generated.json" 1
done
rm "$tmp/out/hostile.sh"
expect_exit 2 "hostile.sh.inputs exists \\(use --force" "$CORETOP" export -f sh -o "$tmp/out/hostile.sh" "$R/hostile.json"
[ ! -e "$tmp/out/hostile.sh" ] && ok "nothing written when the inputs file exists" || fail "the recipe was written"
echo stale >"$tmp/out/hostile.sh.inputs"
"$CORETOP" export -f sh --force -o "$tmp/out/hostile.sh" "$R/hostile.json" && [ "$(wc -l <"$tmp/out/hostile.sh.inputs")" = 49 ] \
	&& ok "--force replaces the recipe and its inputs" || fail "--force"
ls -a "$tmp/out" | grep -q coretop-export && fail "a temporary file was left" || ok "no temporary file left"

# round trip: a real tune over an inputs file, its recipe run over that file
printf '%s\n' 1 "it's" 'a b' '$(touch PWNED)' 5 6 >"$tmp/tune-inputs.txt"
mkdir -p "$tmp/tunerec"
CORETOP_REC_DIR=$tmp/tunerec "$CORETOP" tune --no-tui --repeat 1 --inputs-file "$tmp/tune-inputs.txt" --candidates 2x1 \
	--out "$tmp/tuned.json" -- coretop-rec {} >/dev/null 2>&1 || fail "tune exited $?"
"$CORETOP" export -f json -o "$tmp/out/normal.json" "$tmp/tuned.json" &&
	"$CORETOP" export -f sh -o "$tmp/out/again.sh" "$tmp/out/normal.json" && ok "tune -> export json -> export sh" || fail "round trip"
threads=$(/usr/bin/python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["best"]["threads"]; print(t or "unset")' "$tmp/tuned.json")
run_recipe "a real tune's sh recipe over its --inputs-file" "$tmp/out/again.sh" "$tmp/tuned.json" "$threads" "$tmp/tune-inputs.txt"

# bytes that are not UTF-8 (a Latin-1 name) from stdin: the result keeps them in raw_hex,
# and every recipe hands the job those bytes, not U+FFFD
mkdir -p "$tmp/latin" "$tmp/latin/rec"
printf 'caf\351 \377.dat\nplain\n' | CORETOP_REC_DIR=$tmp/latin/rec "$CORETOP" tune --no-tui --repeat 1 --candidates 1x1 \
	--out "$tmp/latin/r.json" -- coretop-rec {} >/dev/null 2>&1 || fail "tune over Latin-1 inputs exited $?"
"$CORETOP" export -f json -o "$tmp/latin/again.json" "$tmp/latin/r.json" || fail "export -f json of a Latin-1 result exited $?"
for f in sh xargs parallel slurm; do
	rm -rf "$tmp/latin/rec" && mkdir "$tmp/latin/rec"
	# through the json format and back: it keeps raw_hex
	"$CORETOP" export -f $f -o "$tmp/latin/r.$f" "$tmp/latin/again.json" || fail "export -f $f of a Latin-1 result exited $?"
	case $f in
	slurm) for k in 1 2; do SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 CORETOP_REC_DIR=$tmp/latin/rec bash "$tmp/latin/r.slurm"; done ;;
	*) CORETOP_REC_DIR=$tmp/latin/rec "$tmp/latin/r.$f" ;;
	esac >/dev/null 2>&1 || fail "the Latin-1 $f recipe exited $?"
	got=$(cat "$tmp/latin/rec"/* | tr '\0' '\n' | LC_ALL=C grep -c "$(printf '^caf\351 \377.dat$')")
	[ "$got" = 1 ] && ok "$f: a Latin-1 input reaches its job byte for byte" || fail "$f: the Latin-1 input arrived $got times"
done

expect_exit 2 "unknown format 'yaml'" "$CORETOP" export --format yaml "$R/hostile.json"
expect_exit 2 "--format is required" "$CORETOP" export "$R/hostile.json"
expect_exit 2 "cannot read $tmp/missing.json" "$CORETOP" export --format sh "$tmp/missing.json"
expect_exit 2 "measured nothing \\(outcome \"none\"\\)" "$CORETOP" export --format sh "$R/none.json"
expect_exit 2 "input 2 \\(\"two\\\\x0alines\"\\) holds a newline" "$CORETOP" export --format parallel "$R/newline.json"
echo '{"not": "a result"}' >"$tmp/bad.json"
expect_exit 2 "not a coretop tune result" "$CORETOP" export --format sh "$tmp/bad.json"
printf 'garbage' >"$tmp/garbage.json"
expect_exit 2 "not a JSON document" "$CORETOP" export --format sh "$tmp/garbage.json"
# A result file is input too (edited, or from elsewhere): its fields stay data in every
# recipe. Variants of hostile.json: a name with a newline and a command, env values
# with $(…) and a Slurm-default escape, a command word with a newline.
mkdir -p "$tmp/edited" "$tmp/edited/rec"
/usr/bin/python3 - "$R/hostile.json" "$tmp/edited" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1]))
def variant(name, edit):
    r = copy.deepcopy(base)
    edit(r)
    json.dump(r, open(f"{sys.argv[2]}/{name}.json", "w"))
variant("name", lambda r: r["best"].__setitem__("name", "2x1\ntouch PWNED"))
variant("envsub", lambda r: r["best"]["env"].__setitem__("OMP_NUM_THREADS", "$(touch PWNED)"))
variant("slurmval", lambda r: r["best"]["env"].__setitem__("OMP_NUM_THREADS", "2}; touch PWNED; : ${x"))
variant("word", lambda r: r.__setitem__("command", ["coretop-rec", "a\ntouch PWNED", "{}"]))
variant("digitkey", lambda r: r["best"]["env"].__setitem__("1X", "1"))
variant("bigprocs", lambda r: r["best"].__setitem__("procs", 4294967297))
variant("bigsupply", lambda r: r.__setitem__("supply_cores", 1.1e14))
PY
for v in name envsub slurmval word; do
	for f in sh parallel xargs slurm env; do
		"$CORETOP" export -f $f -o "$tmp/edited/$v.$f" "$tmp/edited/$v.json" || fail "export -f $f of edited $v exited $?"
		case $f in
		env) (cd "$tmp/edited" && set -a && . "./$v.env" && CORETOP_REC_DIR=rec coretop-rec env-check) ;;
		slurm) (cd "$tmp/edited" && SLURM_ARRAY_TASK_ID=1 SLURM_CPUS_PER_TASK=1 CORETOP_REC_DIR=rec bash "./$v.slurm") ;;
		*) (cd "$tmp/edited" && CORETOP_REC_DIR=rec "./$v.$f") ;;
		esac >/dev/null 2>&1 || fail "edited $v: the $f recipe exited $?"
	done
done
[ -z "$(find "$tmp" -name PWNED)" ] && [ ! -e PWNED ] && ok "edited results (name, env values, a command word): no field ran as code" \
	|| fail "an edited result's field ran as code (PWNED exists)"
grep -rlaF 'OMP_NUM_THREADS=$(touch PWNED)' "$tmp/edited/rec" >/dev/null && grep -rlaF 'OMP_NUM_THREADS=2}; touch PWNED; : ${x' "$tmp/edited/rec" >/dev/null \
	&& ok "an edited env value reaches the job as it was written" || fail "edited env values did not reach the job verbatim"
expect_exit 2 "not a coretop tune result" "$CORETOP" export -f sh "$tmp/edited/digitkey.json"
expect_exit 2 "not a coretop tune result" "$CORETOP" export -f sh "$tmp/edited/bigprocs.json"
expect_exit 2 "not a coretop tune result" "$CORETOP" export -f slurm "$tmp/edited/bigsupply.json"

# modes follow the umask, like any file a program writes; stdout that fails says so
mkdir -p "$tmp/private"
(umask 077 && "$CORETOP" export -f sh -o "$tmp/private/r.sh" "$R/hostile.json" &&
	CORETOP_REC_DIR=$tmp/tunerec "$CORETOP" tune --no-tui --repeat 1 --inputs 1..2 --candidates 1x1 \
		--out "$tmp/private/t.json" -- coretop-rec {} >/dev/null 2>&1) || fail "export or tune under umask 077 exited $?"
modes=$(stat -c '%a' "$tmp/private/r.sh" "$tmp/private/r.sh.inputs" "$tmp/private/t.json" | tr '\n' ' ')
[ "$modes" = "700 600 600 " ] && ok "umask 077: recipe 700, its inputs and the tune result 600" || fail "umask 077 gave modes $modes"
expect_exit 1 "cannot write to stdout: No space left on device" sh -c '"$1" export -f sh "$2" >/dev/full' sh "$CORETOP" "$R/hostile.json"
finish
