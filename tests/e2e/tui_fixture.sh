# The dashboard on a captured proc tree (tests/fixtures/proc-t0) with a synthetic
# two-package topology, in monochrome: what the header and meters show, a hostile
# process name shown as text, every key, resize to 20x5 and back, Ctrl-C.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
export NO_COLOR=1
tui_start 120 40 "--proc-root tests/fixtures/proc-t0 --topology 'pack:2 core:16 pu:2'"

# a tree read twice has no CPU time moving: every group is idle, so hidden by default,
# and the title says how many, but the two whose threads are R there (the spinners and
# the jobs): runnable at two readings with their counters still, they waited it all
# (sampler.h: starved); i shows them (and the kernel's), i again hides them
tui_expect "idle groups hidden by default, counted in the title" '^groups 2 .* 8 idle hidden \(i shows\)'
grep -q '^  *\[kthreadd\]' "$tui_tmp/screen" && fail "a kernel thread's group shown by default"
tui_keys i
tui_expect "i shows idle and kernel groups" '^groups 1[0-9] +sort'
tui_expect "a kernel group among them" '^ +\[kthreadd\] '
tui_keys i
tui_expect "i again hides them" 'idle hidden \(i shows\)'
tui_keys i
tui_expect "and shows them again" '^groups 1[0-9] +sort'

tui_expect "header: topology" '2 packages +32 cores +64 PUs'
tui_expect "header: demand against supply" 'demand [0-9.?]+ / 2 cores'
tui_expect "meters: one title per package" '^package 1 '
tui_expect "meters: SMT siblings side by side" ' 0\[.*\] +1\[.*\] +2\[ *off\]'
tui_expect "groups table" '^ +GROUP +PROCS +THR +RUN +USED +DEMAND +WAIT% +SUPPLY +POOLS +VERDICT'
tui_expect "a job of three is one group" 'python3 job\.py +3 +3 '
# argv[0] is ESC[31mred ESC[0m: shown as text, never sent to the terminal
tui_expect "an escape sequence in a name is shown as text" '\\e\[31mred\\e\[0m'
if tui_attrs | grep -Eq '\^\[\[(3[0-7]|4[0-7]|38|48)(;[0-9]+)*m'; then
	fail "NO_COLOR: colour on the screen"
	tui_attrs | head -20 | sed 's/^/    | /'
else
	ok "NO_COLOR: no colour anywhere"
fi

tui_keys '?'
tui_expect "? opens the help" 'coretop keys'
for k in 'Up k' 'Enter Right' 's F6' '/ F4' 'g ' 'p ' '\+ -' 't ' '\? F1 h' 'q F10 Ctrl-C'; do
	grep -Eq "^$k" "$tui_tmp/screen" || fail "help does not list '$k'"
done
ok "help lists the keys"
tui_keys x
tui_expect_gone "any key closes the help" 'coretop keys'

tui_keys / r e d
tui_expect "/ filters as you type" 'groups 1 .*filter "red"'
tui_keys Enter
tui_expect "Enter keeps the filter" 'groups 1 .*filter "red"'
tui_keys Escape
tui_expect "Esc clears the filter" '^groups 1[0-9] '

tui_keys / t h r e a d s Enter Enter
tui_expect "Enter drills into a group" 'threads › processes 1 '
tui_keys Enter
tui_expect "Enter drills into a process" '^threads › [0-9]+ threads › threads 5 '
tui_expect "thread columns" '^ +TID +NAME +S +CPU% +WAIT% +LAST +SW/s +TIME'
tui_keys Escape
tui_expect "Esc goes back to the processes" '^threads › processes 1 '
tui_keys BSpace
tui_expect "Backspace goes back to the groups" '^groups 1 '
tui_keys Escape

# the mouse, as an xterm reports it (X10: ESC [ M, button+32, column+33, row+33)
click() { # COLUMN ROW (from 0)
	cb=$(printf '%02x' $((33 + $1))) rb=$(printf '%02x' $((33 + $2)))
	tui_keys -H 1b 5b 4d 20 "$cb" "$rb" 1b 5b 4d 23 "$cb" "$rb"
}
tui_wait '^groups 10 .*sort DEMAND'
row=$(($(grep -n 'my (weird) proc' "$tui_tmp/screen" | cut -d: -f1) - 1))
click 4 "$row"
tui_expect "a click selects a row" '^my \(weird\) proc: '
click 4 "$row"
tui_expect "a double click drills in" '^my \(weird\) proc › processes 1 '
tui_keys Escape
wheel=$(printf '%02x' $((32 + 65)))
tui_keys -H 1b 5b 4d "$wheel" 25 30
tui_expect "the wheel scrolls down" '^sh -c for i in 1: '

tui_keys s
tui_expect "s opens the sort menu" 'Sort by'
tui_keys Up Enter
tui_expect "the sort menu picks a column" 'sort USED '
tui_keys F6 Enter
tui_expect "the same column again reverses" 'sort USED ▲|sort USED \^'

tui_keys g
tui_expect "g groups by parent" 'by parent'
tui_keys g g g g
tui_expect "g cycles back to job" 'by job'
tui_keys p
tui_expect "p pauses" 'PAUSED'
tui_keys p
tui_expect_gone "p resumes" 'PAUSED'
tui_keys +
tui_expect "+ samples less often" 'every 2s'
tui_keys - -
tui_expect "- samples more often" 'every 1s'
tui_keys / w e i r d Enter t
tui_expect "t asks for the command to tune" 'tune command \(\{\} = input, Esc cancels\): '
tui_keys Escape
tui_expect "Esc cancels it" 'tuning cancelled'
tui_expect "and the dashboard is drawn again" '^ +GROUP +PROCS'
tui_keys Escape

tui_expect "header: the verdicts' window" 'every 1s +window 10s'
tm resize-window -x 80 -y 24
tui_expect "80 columns: the window still shows" 'window 10s'
tm resize-window -x 20 -y 5
tui_expect "20x5: the table still shows" '^ +GROUP'
lines=$(wc -l <"$tui_tmp/screen")
# columns, not bytes: continuation bytes of UTF-8 do not count
long=$(LC_ALL=C sed 's/[\x80-\xbf]//g' "$tui_tmp/screen" | awk 'length($0) > 20' | wc -l)
[ "$lines" -le 5 ] && [ "$long" -eq 0 ] && ok "20x5: nothing drawn outside" || { fail "20x5: $lines lines, $long too long"; tui_show; }
tm resize-window -x 7 -y 2
sleep 0.3
tm resize-window -x 120 -y 40
tui_expect "back to 120x40: the header again" '2 packages +32 cores +64 PUs'
tui_expect "back to 120x40: the meters again" '^package 0 '

tui_keys C-c
tui_ended "Ctrl-C"
finish
