# Bad input gets one clear line on stderr and exit status 2 — never a crash or a hang.
. tests/e2e/lib.sh
expect_exit 2 "-n needs a whole number" "$CORETOP" -b -n 0
expect_exit 2 "-n needs a whole number" "$CORETOP" -b -n -3
expect_exit 2 "-d needs seconds" "$CORETOP" -b -d -1
expect_exit 2 "-d needs seconds" "$CORETOP" -b -d abc
expect_exit 2 "-d needs seconds" "$CORETOP" -b -d nan
expect_exit 2 "-d needs seconds" "$CORETOP" -b -d 1e999
expect_exit 2 "--window needs seconds between 1 and 3600, not '0.5'" "$CORETOP" -b --window 0.5
expect_exit 2 "--window needs seconds between 1 and 3600, not '3601'" "$CORETOP" -b --window 3601
expect_exit 2 "--window needs seconds between 1 and 3600, not 'ten'" "$CORETOP" -b --window ten
expect_exit 2 "option '--window' needs a value" "$CORETOP" -b --window
expect_exit 2 "unknown --group-by 'jobs'" "$CORETOP" -b --group-by jobs
expect_exit 2 "unknown option '--frobnicate'" "$CORETOP" --frobnicate
expect_exit 2 "option '-n' needs a value" "$CORETOP" -b -n
expect_exit 2 "unexpected argument 'extra'" "$CORETOP" -b extra
expect_exit 2 "--json goes with -b" "$CORETOP" --json
expect_exit 2 "/usr is not a proc tree" "$CORETOP" -b -n 1 --proc-root /usr
expect_exit 2 "/nonexistent is not a proc tree" "$CORETOP" -b -n 1 --proc-root /nonexistent
expect_exit 2 "invalid topology 'pack:x'" "$CORETOP" -b -n 1 --topology pack:x
expect_exit 2 "not a terminal; use -b" "$CORETOP"
# numbers are plain decimal: no hex, inf, nan, blanks or wrap-around (timeout: a
# number read anyway would start an endless batch)
expect_exit 2 "-d needs seconds.*not '0x1'" timeout 5 "$CORETOP" -b -d 0x1
expect_exit 2 "-d needs seconds.*not 'inf'" timeout 5 "$CORETOP" -b -d inf
expect_exit 2 "-d needs seconds.*not ' 1'" timeout 5 "$CORETOP" -b -d ' 1'
expect_exit 2 "-n needs a whole number.*not '4294967297'" timeout 5 "$CORETOP" -b -n 4294967297
expect_exit 2 "-n needs a whole number.*not '0x10'" timeout 5 "$CORETOP" -b -n 0x10
expect_exit 2 "--window needs seconds.*not '0x10'" timeout 5 "$CORETOP" -b --window 0x10
expect_exit 2 "invalid --sample '0x2'" timeout 5 "$CORETOP" tune --sample 0x2 -- true {}
expect_exit 2 "invalid --repeat '4294967297'" timeout 5 "$CORETOP" tune --repeat 4294967297 -- true {}
expect_exit 2 "invalid --budget 'inf'" timeout 5 "$CORETOP" tune --budget inf -- true {}
printf 'a\0b\nc\n' >"${TMPDIR:-/tmp}/coretop-nul.$$"
expect_exit 2 "a line holds a NUL byte" timeout 5 "$CORETOP" tune --inputs-file "${TMPDIR:-/tmp}/coretop-nul.$$" -- true {}
rm -f "${TMPDIR:-/tmp}/coretop-nul.$$"
expect_exit 2 "invalid --timeout '0x1p3'" timeout 5 "$CORETOP" tune --timeout 0x1p3 -- true {}
# one output format
expect_exit 2 "--json and --prometheus: give one output format" timeout 5 "$CORETOP" -b --json --prometheus
expect_exit 2 "--json and --prometheus: give one output format" timeout 5 "$CORETOP" -b --prometheus --json
# what came from the command line is shown escaped, never as raw control bytes
esc=$(printf '\033')
rlo=$(printf '\342\200\256')
no_raw() { # DESCRIPTION STATUS COMMAND...: one line, that status, no ESC/BEL/C1/U+202E in it
	what=$1 want=$2
	shift 2
	timeout 5 "$@" >/dev/null 2>"$tmp_err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$what: exit $got, expected $want"
	elif [ "$(wc -l <"$tmp_err")" -ne 1 ]; then
		fail "$what: $(wc -l <"$tmp_err") lines on stderr"
	elif LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp_err" ||
		LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$tmp_err" || grep -q "$rlo" "$tmp_err"; then
		fail "$what: raw control bytes on stderr: $(od -c "$tmp_err" | head -3)"
	elif ! grep -q '\\e\]0;x\\x07\|\\u202e' "$tmp_err"; then
		fail "$what: the escapes are not shown: $(cat "$tmp_err")"
	else
		ok "$what: $(sed 's/\\/\\\\/g' "$tmp_err")"
	fi
}
tmp_err=$(mktemp)
bad="${esc}]0;x$(printf '\007')"
no_raw "bad -d" 2 "$CORETOP" -b -d "$bad"
no_raw "unknown option" 2 "$CORETOP" "--$bad"
no_raw "unexpected argument" 2 "$CORETOP" -b "$rlo"
no_raw "unknown --group-by" 2 "$CORETOP" -b --group-by "$bad"
no_raw "a --proc-root that is not one" 2 "$CORETOP" -b -n 1 --proc-root "/nonexistent/$bad"
no_raw "tune: unknown option" 2 "$CORETOP" tune "--$bad" -- true {}
no_raw "tune: bad --sample" 2 "$CORETOP" tune --sample "$bad" -- true {}
no_raw "tune: an --inputs-file that cannot be read" 2 "$CORETOP" tune --inputs-file "/nonexistent/$bad" -- true {}
no_raw "export: unknown format" 2 "$CORETOP" export --format "$rlo" x.json
no_raw "export: a result that cannot be read" 2 "$CORETOP" export --format json "/nonexistent/$bad"
# tune's progress and table quote a failed job's input: escaped too (a split that sets
# the thread variables fails, the default runs)
printf 'in%s]0;x\007put\n' "$esc" | timeout 60 "$CORETOP" tune --no-tui --sample 1 --repeat 1 --candidates 1x1 \
	--shell -- 'test -z "$OMP_NUM_THREADS" || exit 3; : {}' >"$tmp_err.out" 2>"$tmp_err"
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp_err" "$tmp_err.out"; then
	fail "tune: raw control bytes in its progress or table: $(od -c "$tmp_err" | head -3)"
elif grep -qF "failed: input 'in\\e]0;x\\x07put'" "$tmp_err" && grep -qF "input 'in\\e]0;x\\x07put'" "$tmp_err.out"; then
	ok "tune: a failed job's input is shown escaped in the progress and the table"
else
	fail "tune: the failed input is not shown escaped: $(cat "$tmp_err" "$tmp_err.out" | grep input)"
fi
rm -f "$tmp_err.out"
CORETOP_BENCH=${CORETOP_BENCH:-./coretop-bench}
no_raw "coretop-bench: bad --size" 2 "$CORETOP_BENCH" --size "$bad"
no_raw "coretop-bench: unknown option" 2 "$CORETOP_BENCH" "--$bad"
rm -f "$tmp_err"
# a full stdout: one line and status 1, for each batch format
for f in "" --json --prometheus; do
	expect_exit 1 "^coretop: cannot write to stdout: No space left on device$" \
		timeout 5 sh -c "exec \"\$0\" -b -n 1 -d 0.1 $f --proc-root tests/fixtures/proc-t0 >/dev/full" "$CORETOP"
done
"$CORETOP" --help | grep -q -- "--proc-root DIR" && ok "--help lists options" || fail "--help"
"$CORETOP" --help | grep -q -- "--window SECS" && ok "--help lists --window" || fail "--help: --window"
out=$("$CORETOP" -b -n 1 -d 0.1 --window 30 --proc-root tests/fixtures/proc-t0 2>&1 | head -n 1)
case "$out" in *"window 30s"*) ok "--window 30: the header says so" ;; *) fail "--window 30: $out" ;; esac
"$CORETOP" --version | grep -Eq '^coretop [0-9]+\.[0-9]+' && ok "--version" || fail "--version"
# a closed pipe ends it quietly, with status 0
out=$("$CORETOP" -b -d 0.1 2>&1 | head -n 1)
case "$out" in "coretop "*) ok "coretop -b | head -n 1" ;; *) fail "pipe: $out" ;; esac
finish
