# Focus at every size (80x24, 120x40, 200x50, 20x5): on a busy machine the job is what
# shows. Idle and kernel groups are hidden by default and the title counts them; i
# shows them (with WAIT% blank where the demand is under 0.05 cores, and a figure for
# the busy job), i hides them again; the meters carry their legend wherever bars are
# drawn; no line is wider than the terminal. A job of busy processes under a name of
# its own is never hidden. Wrappers and interpreters are labelled as a person names
# them: a script bash reads from a descriptor `bash /dev/fd/9` (not "bash 9"), a
# shell that launches two python3 jobs `sh -c python3 e2e-lab.py` beside the jobs'
# own `python3 e2e-lab.py`, a loop `bash -c for i in 1`: found with the filter, which
# searches every group. At 20x5 (no title line, two table rows) scrolling the table
# shows the job and no kernel group until i, and a table that has nothing busy to
# show says how many groups are hidden.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
cp "$(command -v yes)" "$tui_tmp/focusjob" || skip "no yes(1) to copy"
command -v bash >/dev/null 2>&1 || skip "no bash"
n=$(($(nproc) + 1))
printf 'sleep 600\n' >"$tui_tmp/lab.sh"
printf 'import time\ntime.sleep(600)\n' >"$tui_tmp/e2e-lab.py"
# one session (the cleanup ends it all): the busy job, and idle wrappers to label
(cd "$tui_tmp" && exec setsid sh -c 'i=0; while [ $i -lt '"$n"' ]; do "$0" >/dev/null & i=$((i + 1)); done
	bash /dev/fd/9 9<lab.sh &
	sh -c "/usr/bin/python3 e2e-lab.py & /usr/bin/python3 e2e-lab.py & wait" &
	bash -c "for i in 1 2; do sleep 600 & done; wait" &
	wait' "$tui_tmp/focusjob") &
tui_job=$!
export NO_COLOR=1
widths_fit() { # WIDTH WHAT
	if /usr/bin/python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > int(sys.argv[1]) for l in open(sys.argv[2], encoding="utf-8")))' "$1" "$tui_tmp/screen"; then
		ok "$2: no line wider than $1"
	else
		fail "$2: a line wider than $1"
		tui_show
	fi
}
# cell HEADING ROW-REGEX: "[text]" under HEADING's columns in the first row matching
# ROW-REGEX on the last capture (the figures are right-aligned under their heading);
# "absent" when the heading or the row is not on the screen
cell() {
	/usr/bin/python3 - "$1" "$2" "$tui_tmp/screen" <<'PY'
import re, sys
head, pat, path = sys.argv[1:]
rows = open(path, encoding="utf-8").read().split("\n")
h = next((r for r in rows if re.match(r"^ +GROUP ", r)), "")
m = re.search(r"(?<!\S)" + re.escape(head) + r"(?!\S)", h)
row = next((r for r in rows if re.search(pat, r)), None)
print("absent" if not m or row is None else "[%s]" % row[m.start():m.end()].strip())
PY
}
# wait_cell HEADING ROW-REGEX VALUE-REGEX: until the cell reads VALUE-REGEX (5 s)
wait_cell() {
	_i=0
	while [ $_i -lt 50 ]; do
		tm capture-pane -p >"$tui_tmp/screen"
		cell "$1" "$2" | grep -Eq -- "$3" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# label_shown LABEL MIN: how the last capture shows LABEL in a row's name: "whole",
# "cut: START…" (at least MIN of its characters, then "…"), or "absent"
label_shown() {
	/usr/bin/python3 - "$1" "$2" "$tui_tmp/screen" <<'PY'
import re, sys
label, least, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = open(path, encoding="utf-8").read().split("\n")
def shows(text, end):  # in a row's name, after the pointer and marker
    return any(re.match(r"^.{0,3}?" + re.escape(text) + end, r) for r in rows)
if shows(label, "( |$)"):
    print("whole"); sys.exit()
for k in range(len(label) - 1, min(least, len(label)) - 1, -1):
    if shows(label[:k], "…"):
        print("cut: %s…" % label[:k]); sys.exit()
print("absent")
PY
}
# expect_label SIZE WHAT LABEL MIN: until LABEL shows (5 s)
expect_label() {
	_i=0
	while [ $_i -lt 50 ]; do
		tm capture-pane -p >"$tui_tmp/screen"
		_how=$(label_shown "$3" "$4")
		[ "$_how" != absent ] && { ok "$1: $2: $3 ($_how)"; return; }
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "$1: $2: no row labelled $3 (at least its first $4 characters)"
	tui_show
}
# labels SIZE MIN: the wrappers' groups, found with the filter; their labels whole
# where the name column holds them (MIN: all), else at least their first MIN
# characters before the "…" (the name keeps 15 columns at 80, 10 at 20)
labels() {
	tui_keys / e 2 e - l a b Enter
	expect_label "$1" "a shell launching two jobs, by the command its code starts" 'sh -c python3 e2e-lab.py' "$2"
	expect_label "$1" "beside its jobs' own group" 'python3 e2e-lab.py' "$2"
	tui_keys Escape / f d / 9 Enter
	expect_label "$1" "a script bash reads from a descriptor" 'bash /dev/fd/9' "$2"
	grep -Eq '^.{0,3}bash 9( |$)' "$tui_tmp/screen" && fail "$1: labelled bash 9"
	tui_keys Escape / f o r ' ' i ' ' i n Enter
	expect_label "$1" "a loop" 'bash -c for i in 1' "$2"
	tui_keys Escape
}
for size in 80x24 120x40 200x50; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h" "-d 0.5"
	tui_expect "$size: the busy job is shown" '^.{0,3}focusjob +[0-9]+ ' 10
	tui_expect "$size: idle and kernel groups hidden, counted" '^groups [0-9]+ .* [0-9]+ idle hidden \(i shows\)'
	grep -Eq '^.{0,3}\[(kthreadd|kworker|rcu_[a-z_]*)\] ' "$tui_tmp/screen" &&
		fail "$size: a kernel thread's group shown by default"
	grep -q 'usr #sys' "$tui_tmp/screen" && ok "$size: the meters' legend" ||
		fail "$size: no legend beside the bars"
	widths_fit "$w" "$size, hidden"
	# the busy job's WAIT% is a figure: what the blank below is measured against
	wait_cell WAIT% '^.{0,3}focusjob ' '^\[[0-9]+\.[0-9]\]$' &&
		ok "$size: the busy job's WAIT% is a figure ($(cell WAIT% '^.{0,3}focusjob '))" ||
		{ fail "$size: the busy job's WAIT%: $(cell WAIT% '^.{0,3}focusjob ')"; tui_show; }
	if [ "$w" -ge 120 ]; then labels "$size" 99; else labels "$size" 15; fi
	tui_keys i
	tui_expect "$size: i shows them" '^groups [0-9]+ +sort [A-Z%]+ .$' 5
	tui_keys / k t h r e a d d Enter
	tui_expect "$size: a kernel group among them" '^.{0,3}\[kthreadd\] '
	# once the rates are in (a loaded machine can take seconds over the first reading)
	# its demand is a figure under 0.05 and its WAIT% is blank
	if wait_cell DEMAND '^.{0,3}\[kthreadd\] ' '^\[0\.0[0-4]\]$'; then
		case "$(cell WAIT% '^.{0,3}\[kthreadd\] ')" in
		"[]") ok "$size: WAIT% blank below a demand of 0.05 (DEMAND $(cell DEMAND '^.{0,3}\[kthreadd\] '))" ;;
		*) fail "$size: [kthreadd]'s WAIT% $(cell WAIT% '^.{0,3}\[kthreadd\] ') at a demand of $(cell DEMAND '^.{0,3}\[kthreadd\] ')"
			tui_show ;;
		esac
	else
		fail "$size: [kthreadd]'s demand $(cell DEMAND '^.{0,3}\[kthreadd\] ')"
		tui_show
	fi
	tui_keys Escape
	widths_fit "$w" "$size, shown"
	tui_keys i
	tui_expect "$size: i hides them again" 'idle hidden \(i shows\)'
	tui_keys q
	tui_ended "$size: q"
done

# ---- 20x5: a header line, the headings, two rows, the key bar ----------------------
# page NAME [STOP-REGEX]: Home, then 25 times PgDn, sampling paused (p) so that rows
# do not move between pages: the rows' labels (their first 12 columns) in
# $tui_tmp/NAME, what a person reads scrolling the table (50 rows; a busy machine has
# fewer groups that are not idle). With STOP-REGEX, until a label matches it.
page() {
	: >"$tui_tmp/$1"
	tui_keys Home
	sleep 0.2
	_i=0
	while [ $_i -lt 25 ]; do
		tm capture-pane -p >"$tui_tmp/screen"
		_rows=$(LC_ALL=$tui_locale sed -n '3,4s/^\(.\{3\}\)\(.\{0,12\}\).*/\2/p' "$tui_tmp/screen")
		printf '%s\n' "$_rows" >>"$tui_tmp/$1"
		[ -n "${2:-}" ] && printf '%s\n' "$_rows" | grep -Eq -- "$2" && return
		tui_keys NPage
		sleep 0.08
		_i=$((_i + 1))
	done
}
# a kernel thread's group, by its name's start (a process with no command line is
# bracketed too: "[tmux: client]")
kernel='^\[(k[a-z]|rcu_|cpuhp|migration|irq|hwrng|oom_reaper|pool_workqueue|watchdog|idle_inject)'
tui_start 20 5 "-d 0.5"
tui_expect "20x5: the busy job is shown" '^.{0,3}focusjob ' 10
widths_fit 20 "20x5"
tm capture-pane -p >"$tui_tmp/screen"
[ "$(cell WAIT% .)" = absent ] && ok "20x5: no WAIT% column (the layout drops it before DEMAND): no figure to blank" ||
	{ fail "20x5: a WAIT% column"; tui_show; }
tui_keys p
page hidden
if grep -Eq "$kernel" "$tui_tmp/hidden"; then
	fail "20x5: a kernel group in the table by default: $(grep -E "$kernel" "$tui_tmp/hidden" | sort -u | tr '\n' ' ')"
elif ! grep -q '^focusjob' "$tui_tmp/hidden"; then
	fail "20x5: the job not found scrolling"
	tui_show
else
	ok "20x5: scrolling the table: the job, no kernel group ($(sort -u "$tui_tmp/hidden" | grep -c .) labels)"
fi
tui_keys i
page shown "$kernel"
grep -Eq "$kernel" "$tui_tmp/shown" && ok "20x5: after i, kernel groups in the table ($(grep -E "$kernel" "$tui_tmp/shown" | head -1))" ||
	{ fail "20x5: i showed no kernel group"; tui_show; }
widths_fit 20 "20x5 after i"
tui_keys i
page again
grep -Eq "$kernel" "$tui_tmp/again" && fail "20x5: i again left kernel groups in the table" ||
	ok "20x5: i again hides them"
tui_keys p / k t h r e a d d Enter
tui_expect "20x5: a kernel group found with the filter" '^.{0,3}\[kthreadd\] +0\.0[0-4]$'
tui_keys Escape
labels 20x5 9
tui_keys q
tui_ended "20x5: q"

# nothing busy to show (the fixture's tree without its busy processes): at 20x5 there
# is no title line, so the empty table says how many are hidden
cp -R tests/fixtures/proc-t0 "$tui_tmp/quiet"
for pid in 22542 22551 22554 22555 22556; do rm -rf "${tui_tmp:?}/quiet/$pid"; done
tui_start 20 5 "--proc-root '$tui_tmp/quiet'"
tui_expect "20x5, nothing busy: the empty table counts the hidden groups" '^[0-9]+ idle hidden \(i'
tui_keys i / k t h r Enter
tui_expect "20x5, nothing busy: i shows them" '^.{0,3}\[kthreadd\] '
tui_keys q
tui_ended "20x5, nothing busy: q"
finish
