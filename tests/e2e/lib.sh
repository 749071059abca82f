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
