# The documentation against the binaries: every command's --help and --version (exit
# 0, on stdout), the same statuses for bad usage, the man pages render without a
# warning, and the man pages' and the README's options and keys are those of the
# tables that parse the command line (lib/docs_check.py says how).
. tests/e2e/lib.sh
CORETOP_BENCH=${CORETOP_BENCH:-./coretop-bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME COMMAND...: stdout in $tmp/NAME.out, stderr in $tmp/NAME.err, status in $rc
run() {
	name=$1
	shift
	timeout 10 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	rc=$?
}

run top "$CORETOP" --help
[ $rc -eq 0 ] && [ -s "$tmp/top.out" ] && [ ! -s "$tmp/top.err" ] &&
	ok "coretop --help: status 0, on stdout" || fail "coretop --help: status $rc, $(head -c 300 "$tmp/top.err")"
cp "$tmp/top.out" "$tmp/coretop.help"
subs=$(sed -n '/^the live dashboard/,/^$/s/^  \([a-z][a-z]*\)  .*/\1/p' "$tmp/top.out")
[ -n "$subs" ] || fail "coretop --help lists no subcommands"
for s in "" $subs; do
	what="coretop${s:+ $s}"
	run h "$CORETOP" $s --help
	[ $rc -eq 0 ] && grep -q "^Usage: $what " "$tmp/h.out" && [ ! -s "$tmp/h.err" ] &&
		ok "$what --help: status 0, 'Usage: $what' on stdout" ||
		fail "$what --help: status $rc, $(head -n 2 "$tmp/h.out" "$tmp/h.err")"
	[ -n "$s" ] && cp "$tmp/h.out" "$tmp/$s.help"
	run v "$CORETOP" $s --version
	[ $rc -eq 0 ] && grep -Eq '^coretop(-bench)? [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/v.out" &&
		ok "$what --version: $(cat "$tmp/v.out")" || fail "$what --version: status $rc, $(cat "$tmp/v.out" "$tmp/v.err")"
	expect_exit 2 "unknown option '--frobnicate'" timeout 10 "$CORETOP" $s --frobnicate
	grep -q '^Exit status: 0 ' "$tmp/h.out" && ok "$what --help says its exit statuses" ||
		fail "$what --help has no 'Exit status:'"
	wide=$(awk 'length($0) > 80' "$tmp/h.out")
	[ -z "$wide" ] && ok "$what --help fits 80 columns" || fail "$what --help: lines over 80 columns: $wide"
done
# coretop bench is coretop-bench
run b1 "$CORETOP" bench --help
run b2 "$CORETOP_BENCH" --help
cmp -s "$tmp/b1.out" "$tmp/b2.out" && ok "coretop bench --help is coretop-bench --help" ||
	fail "coretop bench --help differs from coretop-bench --help"

# what the issue found wrong, by name
grep -q -- '-d, --delay SECS .*0\.05 to 86400, default 1\.5' "$tmp/top.out" &&
	ok "coretop --help: -d's range and default" || fail "coretop --help: no range for -d"
tr -s ' \n' '  ' <"$tmp/top.out" | grep -q 'until interrupted, 1 with --prometheus' &&
	ok "coretop --help: -n's default with --prometheus" || fail "coretop --help: -n's default with --prometheus"
grep -q -- '-o, --output FILE' "$tmp/export.help" && ok "export --help: -o, --output" ||
	fail "export --help has no --output"
grep -q '^Usage: coretop bench \[OPTIONS\] \[SEED\]' "$tmp/bench.help" &&
	ok "bench --help: coretop bench and its SEED" || fail "bench --help: $(head -n 1 "$tmp/bench.help")"
out=$("$CORETOP_BENCH" --size 2 --iters 1 2>&1)
case "$out" in *", 1 iteration, "*) ok "coretop-bench: '1 iteration'" ;; *) fail "coretop-bench: $out" ;; esac
# the defaults --help states are those that apply
out=$("$CORETOP_BENCH" --size 2 --json 2>&1)
case "$out" in *'"iters": 30, "seed": 1,'*) ok "coretop-bench: the defaults its --help says (iters 30, seed 1)" ;;
*) fail "coretop-bench --json: $out" ;; esac
grep -q -- '--iters K .*default 30' "$tmp/bench.help" && grep -q 'seed.*' "$tmp/bench.help" ||
	fail "coretop-bench --help: the default of --iters"
n=$(timeout 10 "$CORETOP" -b --prometheus -d 0.05 --proc-root tests/fixtures/proc-t0 | grep -c '^coretop_machine_supply_cores ')
[ "$n" = 1 ] && ok "--prometheus without -n: one sample, as --help says" || fail "--prometheus without -n: $n samples"

# the man pages render without a warning
for page in docs/*.1; do
	for dev in ascii utf8; do
		groff -man -ww -z -T"$dev" "$page" >"$tmp/groff" 2>&1
		[ -s "$tmp/groff" ] && fail "groff -ww -T$dev $page: $(head -n 3 "$tmp/groff")"
	done
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 LC_ALL=C.UTF-8 man -l --warnings=w "$page" >"$tmp/man" 2>"$tmp/groff"
		[ -s "$tmp/groff" ] && fail "man -l $page: $(head -n 3 "$tmp/groff")"
		grep -q '^NAME' "$tmp/man" && grep -q '^EXIT STATUS' "$tmp/man" && grep -q '^EXAMPLES' "$tmp/man" ||
			fail "man -l $page: no NAME, EXIT STATUS or EXAMPLES"
	fi
	ok "$page renders without a warning"
done

/usr/bin/python3 tests/e2e/lib/docs_check.py "$tmp" || fails=$((fails + 1))
finish
