# Ctrl-C (SIGINT) or SIGTERM during a tuning without the screen: every job is stopped,
# and what was measured is kept: the ranked table (or with --json the result) on
# stdout, --out written, both saying "partial"; the status stays the signal's, 130 for
# SIGINT and 143 for SIGTERM.
. tests/e2e/lib.sh
live_scratch
BENCH=$(cd "$(dirname "$CORETOP")" && pwd)/coretop-bench
[ -x "$BENCH" ] || BENCH=$(pwd)/coretop-bench
job="$BENCH --size 300 --iters 8 --seed"

# interrupted SIG [--json]: a tuning stopped by SIG once two candidates are measured
interrupted() {
	sig=$1
	shift
	rm -f "$tmp/r.json" "$tmp/progress"
	"$CORETOP" tune --no-tui "$@" --repeat 3 --inputs 1..4 --out "$tmp/r.json" -- $job {} \
		>"$tmp/stdout" 2>"$tmp/progress" &
	pid=$!
	i=0
	until grep -q '^coretop tune: \[2/' "$tmp/progress" 2>/dev/null || [ $i -ge 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	t0=$(date +%s%N)
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$? ms=$((($(date +%s%N) - t0) / 1000000))
	echo "  $sig after $((i / 10)) s: status $rc, $ms ms to stop"
}

interrupted INT
[ "$rc" -eq 130 ] && ok "SIGINT: status 130" || fail "SIGINT: status $rc"
n=$(grep -cE '^ +[0-9]+ +[0-9x]+ +[0-9]+ +[0-9]+ .* ok$' "$tmp/stdout")
[ "$n" -ge 2 ] && ok "SIGINT: the table ranks the $n candidates measured" ||
	fail "SIGINT: $n ranked: $(cat "$tmp/stdout")"
grep -q '^recommendation: ' "$tmp/stdout" && ok "SIGINT: the recommendation so far" ||
	fail "SIGINT: no recommendation"
grep -q 'interrupted; every job was stopped; .*(partial)$' "$tmp/progress" &&
	ok "SIGINT: stderr says the result is partial" || fail "SIGINT: stderr: $(tail -n 2 "$tmp/progress")"
/usr/bin/python3 - "$tmp/r.json" <<'PY' && ok "SIGINT: --out written, \"partial\": true" || fail "SIGINT: --out"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["partial"] is True, d["partial"]
assert len([c for c in d["candidates"] if c["status"] == "ok"]) >= 2
PY
sleep 0.3
pgrep -f "$job" >/dev/null && fail "SIGINT: a job survived" || ok "SIGINT: no job survived"

interrupted INT --json
[ "$rc" -eq 130 ] && ok "--json, SIGINT: status 130" || fail "--json, SIGINT: status $rc"
/usr/bin/python3 - "$tmp/stdout" <<'PY' && ok "--json, SIGINT: the result on stdout, \"partial\": true" ||
import json, sys
d = json.load(open(sys.argv[1]))
assert d["partial"] is True and any(c["status"] == "ok" for c in d["candidates"])
PY
	fail "--json, SIGINT: stdout: $(head -c 300 "$tmp/stdout")"
cmp -s "$tmp/stdout" "$tmp/r.json" && ok "--json, SIGINT: --out holds the same" || fail "--json: --out differs"

interrupted TERM
[ "$rc" -eq 143 ] && ok "SIGTERM: status 143" || fail "SIGTERM: status $rc"
grep -qE '^ +1 +[0-9x]+ .* ok$' "$tmp/stdout" && ok "SIGTERM: the ranking so far" || fail "SIGTERM: $(cat "$tmp/stdout")"
sleep 0.3
pgrep -f "$job" >/dev/null && fail "a job survived" || ok "no job survived"
finish
