# Short jobs in the dashboard, as GNU parallel runs them all day: a launcher starts two
# 0.15 s burners at a time, again and again. Drilling into their group and into one of
# its processes must keep showing what was read (the process as last read, its
# threads and figures, marked as ended) rather than an empty "this process has
# exited"; the job's group stays listed while its members come and go; Esc backs out.
# At 80x24, 120x40 and 200x50 the title says "exited: as last read" (", Esc goes
# back" cut at 80); at 20x5 (no title line) the ended process's thread row stays, its
# pid gone from /proc.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
cc -O1 -pthread -o "$tui_tmp/shortjob" tests/e2e/lib/churn.c || skip "cannot build tests/e2e/lib/churn.c"
touch "$tui_tmp/leash"
# The launcher keeps a sleeper beside the burners: a `sh -c` with one child left is
# taken for a wrapper (sampler/lineage.c, lineage_is_wrapper), and then its burners'
# group is keyed by its parent (1/shortjob) in place of itself (PID/shortjob): with
# two burners alone the key flipped in 10 of 40 samples taken 0.1 s apart, so the
# group drilled into vanished from under the test. That is the sampler's; this test
# is about the dashboard holding what it read.
(exec setsid sh -c 'sleep 600 & s=$!
	while [ -f "$1" ]; do "$0" burn 0.15 0.15 "$1" & a=$!; "$0" burn 0.15 0.15 "$1" & b=$!; wait $a $b; done
	kill $s' "$tui_tmp/shortjob" "$tui_tmp/leash") &
tui_job=$!

export NO_COLOR=1
# pick REGEX: the selected row (the pointer's) is one of the burners: the launcher's
# sh joins the group too whenever it has one child left (a wrapper), and may be first
pick() {
	_i=0
	while [ $_i -lt 6 ]; do
		tm capture-pane -p >"$tui_tmp/screen"
		grep -Eq -- "$1" "$tui_tmp/screen" && return 0
		tui_keys Down
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}
for size in 120x40 80x24 200x50; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h" "-d 0.5"
	tui_expect "$size: the short jobs' group is listed" '^ +shortjob +[0-9] ' 10
	tui_keys / s h o r t j o b Enter
	tui_expect "$size: the filter finds it" 'groups 1 .*filter "shortjob"'
	tui_keys Enter
	tui_expect "$size: Enter shows its processes" '^shortjob › processes [0-9]+ '
	# drill into a process the moment one is listed: it ends within 0.15 s
	tui_wait '^ +[0-9]+ .*shortjob burn' 10
	pick '^(▶|>) +[0-9]+ .*shortjob burn'
	tui_keys Enter
	tui_expect "$size: Enter drills into one of them" '^shortjob › [0-9]+ shortjob › threads 1 '
	# at 80 columns the title's end is cut ("exited: as last read, Esc g…")
	said='exited: as last read, Esc goes back'
	[ "$w" -ge 120 ] || said='exited: as last read'
	tui_expect "$size: once it ended, it is shown as last read" "threads 1 .*$said" 3
	grep -q 'this process has exited' "$tui_tmp/screen" && fail "$size: the ended process is an empty table"
	# its figures are "?" when the job was read only once (born and gone within a refresh)
	tui_expect "$size: its thread and figures stay on screen" '^.? +[0-9]+ +shortjob +[RSDZ] +[0-9.?]+ +[0-9.?]+ +[0-9]+ ' 1
	# two refreshes later it is still readable (the reading is held, not dropped)
	sleep 1.2
	tui_expect "$size: still shown after two more refreshes" 'exited: as last read' 1
	tui_keys Escape
	tui_expect "$size: Esc goes back to the group's processes" '^shortjob › processes [0-9]+ '
	tui_keys Escape
	tui_expect "$size: and to the groups" '^groups [0-9]+ '
	tui_keys q
	tui_ended "$size: q after the short jobs"
done

# 20x5: a header line, the headings, two rows, the key bar; no title to say "exited"
tui_start 20 5 "-d 0.5"
tui_expect "20x5: the short jobs' group is listed" '^.{0,3}shortjob +[0-9.]+$' 10
tui_keys / s h o r t j o b Enter Enter
tui_expect "20x5: Enter shows its processes" '^ +PID COMMAND'
tui_wait '^.{0,3} *[0-9]+ /' 10
# the burners' command is their path ("/tmp/…"), the launcher's "sh -c …"
pick '^(▶|>) +[0-9]+ /'
tui_keys Enter
if tui_wait '^ +TID NAME' 5 && tid=$(sed -n 's/^.\{0,3\} *\([0-9][0-9]*\) shortjob *$/\1/p' "$tui_tmp/screen" | head -1) &&
	[ -n "$tid" ]; then
	ok "20x5: Enter drills into one of them (thread $tid)"
	_i=0
	while [ -d "/proc/$tid" ] && [ $_i -lt 30 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -d "/proc/$tid" ] && fail "20x5: $tid still running after 3 s"
	# two refreshes after it ended its row is still there, as last read
	sleep 1.2
	tui_expect "20x5: the ended process's thread stays on screen ($tid gone from /proc)" "^.{0,3} *$tid shortjob *\$" 1
	grep -q 'has exited' "$tui_tmp/screen" && { fail "20x5: the ended process is an empty table"; tui_show; }
else
	fail "20x5: no thread row"
	tui_show
fi
tui_keys Escape
tui_expect "20x5: Esc goes back to the group's processes" '^ +PID COMMAND'
tui_keys Escape
tui_expect "20x5: and to the groups" '^ +GROUP +DEMAND'
tui_keys q
tui_ended "20x5: q after the short jobs"
rm -f "$tui_tmp/leash"
finish
