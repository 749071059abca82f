# --out that could not be written is refused before anything runs: one line, status
# 2, within a second, the job never started and nothing left in the folder; a good
# --out leaves the result alone there.
. tests/e2e/lib.sh
live_scratch
log=$tmp/log # the test's own files, beside the folder it watches
w=$tmp/w
mkdir "$w" "$log"
mkdir "$w/out" "$w/ro"
touch "$w/afile"
ran="$w/ran"
refused() { # what OUT [run-as...]
	what=$1 out=$2
	shift 2
	before=$(ls -A "$w" "$w/out" "$w/ro")
	t0=$(date +%s%N)
	"$@" "$CORETOP" tune --no-tui --inputs 1 --out "$out" -- touch "$ran" \
		>"$log/stdout" 2>"$log/stderr" </dev/null
	rc=$? ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$rc" -ne 2 ]; then
		fail "$what: status $rc, expected 2: $(cat "$log/stderr")"
	elif [ "$(wc -l <"$log/stderr")" -ne 1 ] || ! grep -q -- '--out' "$log/stderr"; then
		fail "$what: stderr: $(cat "$log/stderr")"
	elif [ -e "$ran" ]; then
		fail "$what: the job ran"
	elif [ "$ms" -ge 1000 ]; then
		fail "$what: refused after $ms ms"
	elif [ "$before" != "$(ls -A "$w" "$w/out" "$w/ro")" ]; then
		fail "$what: files left behind: $(ls -A "$w" "$w/out" "$w/ro")"
	else
		ok "$what: refused in $ms ms: $(cat "$log/stderr")"
	fi
	rm -f "$ran"
}
refused "a folder that does not exist" "$w/nowhere/r.json"
refused "a path that is a folder" "$w/out"
refused "a folder name" "$w/out/"
refused "a file as the folder" "$w/afile/r.json"
refused "not a regular file" /dev/null
# a folder this user may not write to: root may write anywhere but /proc
if [ "$(id -u)" -ne 0 ]; then
	chmod 555 "$w/ro"
	refused "a folder without write permission" "$w/ro/r.json"
elif command -v setpriv >/dev/null && setpriv --reuid nobody --regid nogroup --clear-groups true 2>/dev/null; then
	chmod 755 "$w" "$tmp" && chmod 555 "$w/ro"
	refused "a folder without write permission (as nobody)" "$w/ro/r.json" \
		setpriv --reuid nobody --regid nogroup --clear-groups
fi
refused "a folder no file can be created in" /proc/coretop-r.json

# a good one: the result, and nothing else beside it
"$CORETOP" tune --no-tui --inputs 1 --out "$w/out/r.json" -- true >/dev/null 2>&1 ||
	fail "tune with a good --out exited $?"
[ "$(ls -A "$w/out")" = r.json ] && ok "a good --out: only the result in its folder" ||
	fail "a good --out: $(ls -A "$w/out")"
finish
