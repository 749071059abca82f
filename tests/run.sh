#!/bin/sh
# Runs every test: the cmocka unit tests (one binary per module, build/tests/test_*)
# and the end-to-end scripts (tests/e2e/*.sh, which drive the real binaries: exit 0
# pass, 77 skip with a reason on stdout, anything else fail). Ends with one line
# "tests: N passed, N failed, N skipped" and fails if anything failed.
#
#   BUILD=build CORETOP=./coretop sh tests/run.sh [NAME-FILTER]
set -u
BUILD=${BUILD:-build}
CORETOP=${CORETOP:-./coretop}
CORETOP_BENCH=${CORETOP_BENCH:-./coretop-bench}
export BUILD CORETOP CORETOP_BENCH
filter=${1:-}
pass=0 fail=0 skip=0 failed=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

run_one() { # name command...
	name=$1
	shift
	case "$name" in *"$filter"*) ;; *) return ;; esac
	start=$(date +%s)
	"$@" >"$log/out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf 'ok    %-36s %3ss\n' "$name" "$secs"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1))
		printf 'skip  %-36s %s\n' "$name" "$(tail -n 1 "$log/out")"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL  %-36s (exit %d)\n' "$name" "$rc"
		sed 's/^/    | /' "$log/out" | tail -n 60
	fi
	# cmocka's own summary counts, for the record
	grep -h '^\[  PASSED  \]\|^\[  FAILED  \]' "$log/out" | sed 's/^/      /'
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.d) continue ;; esac
	run_one "$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	[ "$(basename "$t")" = lib.sh ] && continue
	run_one "$(basename "$t" .sh)" sh "$t"
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
