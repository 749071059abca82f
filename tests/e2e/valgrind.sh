# valgrind over the three things people run: a batch sample (-b, text and JSON), a
# tuning (--no-tui, --out) and an export of every format. No invalid read or write, no
# use of uninitialised memory, no definite or indirect leak. Skipped for the sanitizer
# build (valgrind cannot run ASan binaries; make check covers that build).
. tests/e2e/lib.sh
command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
ldd "$CORETOP" 2>/dev/null | grep -q libasan && skip "an ASan build: make check's sanitizers cover it"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
vg() { # label command...
	label=$1
	shift
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--log-file="$tmp/vg.log" "$@" <"${vg_in:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	# valgrind 3.19 does not know pidfd_open (the tuner falls back to polling)
	grep -v 'syscall: 434\|write your own handler\|README_MISSING_SYSCALL\|consider this a bug\|valgrind.org/support' \
		"$tmp/vg.log" >"$tmp/vg.errs"
	if [ "$rc" = 99 ] || [ -s "$tmp/vg.errs" ]; then
		fail "$label: valgrind reports: $(head -c 1500 "$tmp/vg.errs")"
	elif [ "$rc" != 0 ]; then
		fail "$label exited $rc: $(head -c 300 "$tmp/err")"
	else
		ok "$label: valgrind clean"
	fi
}
vg "-b -n 2" "$CORETOP" -b -n 2 -d 0.2
vg "-b --json -n 2" "$CORETOP" -b --json -n 2 -d 0.2
vg "-b --prometheus" "$CORETOP" -b --prometheus -n 2 -d 0.2
# inputs from stdin, one of them not UTF-8 (raw_hex), through --shell
printf '1\nit'"'"'s\n$(x)\ncaf\351\n' >"$tmp/inputs"
vg_in=$tmp/inputs vg "tune --no-tui" "$CORETOP" tune --no-tui --sample 4 --repeat 1 \
	--budget 20 --candidates 1x1,2x1 --out "$tmp/r.json" --shell -- 'sleep 0.01; : {}' 
[ -s "$tmp/r.json" ] || fail "tune wrote no result"
for f in sh env json parallel xargs slurm; do
	vg "export -f $f" "$CORETOP" export -f $f -o "$tmp/r.$f" --force "$tmp/r.json"
done
grep -q '"raw_hex": {' "$tmp/r.json" || grep -q '"raw_hex":{' "$tmp/r.json" || fail "the result has no raw_hex for its Latin-1 input"
finish
