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
"$CORETOP" --help | grep -q -- "--proc-root DIR" && ok "--help lists options" || fail "--help"
"$CORETOP" --help | grep -q -- "--window SECS" && ok "--help lists --window" || fail "--help: --window"
out=$("$CORETOP" -b -n 1 -d 0.1 --window 30 --proc-root tests/fixtures/proc-t0 2>&1 | head -n 1)
case "$out" in *"window 30s"*) ok "--window 30: the header says so" ;; *) fail "--window 30: $out" ;; esac
"$CORETOP" --version | grep -Eq '^coretop [0-9]+\.[0-9]+' && ok "--version" || fail "--version"
# a closed pipe ends it quietly, with status 0
out=$("$CORETOP" -b -d 0.1 2>&1 | head -n 1)
case "$out" in "coretop "*) ok "coretop -b | head -n 1" ;; *) fail "pipe: $out" ;; esac
finish
