# Short jobs in the dashboard, as GNU parallel runs them all day: a launcher starts two
# 0.15 s burners at a time, again and again. Drilling into their group and into one of
# its processes must keep showing what was read (the process as last read, its
# threads and figures, marked as ended) rather than an empty "this process has
# exited"; the job's group stays listed while its members come and go; Esc backs out.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
cc -O1 -pthread -o "$tui_tmp/shortjob" tests/e2e/lib/churn.c || skip "cannot build tests/e2e/lib/churn.c"
touch "$tui_tmp/leash"
(exec setsid sh -c 'while [ -f "$1" ]; do "$0" burn 0.15 0.15 "$1" & "$0" burn 0.15 0.15 "$1" & wait; done' \
	"$tui_tmp/shortjob" "$tui_tmp/leash") &
tui_job=$!

export NO_COLOR=1
tui_start 120 40 "-d 0.5"
tui_expect "the short jobs' group is listed" '^ +shortjob +[0-9] ' 10
tui_keys / s h o r t j o b Enter
tui_expect "the filter finds it" 'groups 1 .*filter "shortjob"'
tui_keys Enter
tui_expect "Enter shows its processes" '^shortjob › processes [0-9]+ '
# drill into a process the moment one is listed: it ends within 0.15 s
tui_wait '^ +[0-9]+ .*shortjob burn' 10
tui_keys Enter
tui_expect "Enter drills into one of them" '^shortjob › [0-9]+ shortjob › threads 1 '
tui_expect "once it ended, it is shown as last read" 'threads 1 .*exited: as last read, Esc goes back' 3
grep -q 'this process has exited' "$tui_tmp/screen" && fail "the ended process is an empty table"
# its figures are "?" when the job was read only once (born and gone within a refresh)
tui_expect "its thread and figures stay on screen" '^.? +[0-9]+ +shortjob +[RSDZ] +[0-9.?]+ +[0-9.?]+ +[0-9]+ ' 1
# two refreshes later it is still readable (the reading is held, not dropped)
sleep 1.2
tui_expect "still shown after two more refreshes" 'exited: as last read' 1
tui_keys Escape
tui_expect "Esc goes back to the group's processes" '^shortjob › processes [0-9]+ '
tui_keys Escape
tui_expect "and to the groups" '^groups [0-9]+ '
tui_keys q
tui_ended "q after the short jobs"
rm -f "$tui_tmp/leash"
finish
