# Shared helpers for the end-to-end scripts (sourced, not run).
CORETOP=${CORETOP:-./coretop}
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
skip() { echo "skip: $*"; exit 77; }
finish() { [ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }; exit 0; }
# expect_exit STATUS "stderr regex" command...  — one line on stderr, that status
expect_exit() {
	want=$1 pat=$2
	shift 2
	"$@" >/tmp/coretop-e2e-out.$$ 2>/tmp/coretop-e2e-err.$$ </dev/null
	got=$?
	lines=$(wc -l </tmp/coretop-e2e-err.$$)
	if [ "$got" -ne "$want" ]; then
		fail "$* exited $got, expected $want"
	elif ! grep -Eq -- "$pat" /tmp/coretop-e2e-err.$$; then
		fail "$*: stderr does not match /$pat/: $(cat /tmp/coretop-e2e-err.$$)"
	elif [ "$lines" -ne 1 ]; then
		fail "$*: $lines lines on stderr, expected one"
	else
		ok "$* -> $got: $(cat /tmp/coretop-e2e-err.$$)"
	fi
	rm -f /tmp/coretop-e2e-out.$$ /tmp/coretop-e2e-err.$$
}
# json_get FILE PYTHON-EXPR — evaluate an expression over the JSON lines (as `d`, a list)
json_get() {
	/usr/bin/python3 -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; print($2)" "$1"
}
# live_scratch — a scratch folder in $tmp, and $sessions: pids of launchers started
# under setsid. On exit or Ctrl-C every process of those sessions is killed (daemons a
# job left behind included) and $tmp goes.
sessions=""
live_scratch() {
	tmp=$(mktemp -d)
	trap 'for s in $sessions; do pkill -KILL -s "$s" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
	# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
	trap 'exit 1' INT TERM
}
