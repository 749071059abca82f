# The dashboard as a person sees it, driven in tmux: a live oversubscribed job, the
# keys, resizing down to 20x5 and back, quitting by q and by Ctrl-C, hostile names.
. tests/e2e/lib.sh
command -v tmux >/dev/null || skip "tmux not installed"
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
sock=coretop-e2e-$$
tmp=$(mktemp -d)
T() { tmux -L "$sock" "$@"; }
cleanup() {
	T kill-server 2>/dev/null
	[ -n "${job:-}" ] && pkill -KILL -s "$job" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
screen() { T capture-pane -t e2e -p; }
waitfor() { # regex [seconds]: wait until the screen shows it
	i=0
	while [ $i -lt $((${2:-5} * 10)) ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
expect() { # regex what
	if waitfor "$1" "${3:-5}"; then ok "$2"; else fail "$2: /$1/ not on screen"; screen | sed 's/^/  | /'; fi
}

# three busy loops on two cores, one of them named with an escape sequence
cp /bin/sh "$tmp/$(printf 'evil\033[2Jname')"
setsid sh -c "for i in 1 2 3 4; do yes >/dev/null & done; \"$tmp/\$(printf 'evil\\033[2Jname')\" -c 'while :; do :; done' & wait" &
job=$!
sleep 0.5

T new-session -d -s e2e -x 120 -y 40 "sh"
T send-keys -t e2e "exec env TERM=xterm-256color $CORETOP -d 0.5" Enter
expect '^coretop  ' "header"
expect 'demand [0-9.]+ / [0-9]+ cores' "machine demand against supply"
expect '^! yes +4 +4 .*(oversubscribed|spinning)' "the oversubscribed group, marked"
expect 'evil\\e\[2Jname' "escape sequence shown as \\e, not sent"
expect '^4 × yes want [0-9.]+ cores of 2: run at most 2 at once' "advice line for the selected group"
expect '\? Help +Enter Open' "key bar"
# attributes: the bad row is bold
esc=$(printf '\033')
T capture-pane -t e2e -p -e | grep ' yes ' | grep -q "${esc}\[1m" && ok "bad row bold" || fail "bad row not bold"

T send-keys -t e2e '/' 'yes' Enter
expect 'filter: yes' "filter"
T send-keys -t e2e Enter
expect 'PID USER +S +THR' "Enter opens the group's processes"
expect ' yes$' "its processes"
T send-keys -t e2e Enter
expect 'TID S +CPU% WAIT% LAST' "Enter opens the threads"
T send-keys -t e2e Escape
expect 'PID USER' "Esc goes back to processes"
T send-keys -t e2e Escape
expect 'GROUP +PROCS' "and back to groups"
T send-keys -t e2e '?'
expect 'coretop keys' "? shows help"
expect 'q F10 Ctrl-C +quit' "help lists quitting"
T send-keys -t e2e x
expect 'GROUP +PROCS' "any key closes help"
T send-keys -t e2e s
expect 'sort used' "s sorts by the next column"
T send-keys -t e2e g
expect 'by parent' "g groups by parent"
T send-keys -t e2e p
expect 'PAUSED' "p pauses"
T send-keys -t e2e p '+'
expect 'every 0.25s' "+ samples more often"

T resize-window -t e2e -x 20 -y 5
sleep 1
s=$(screen)
echo "$s" | head -1 | grep -q '^coretop  vm\|^coretop ' && ok "20x5: header still drawn" || fail "20x5: $s"
w=$(echo "$s" | /usr/bin/python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))')
[ "$w" -le 20 ] && ok "20x5: nothing past the edge" || fail "20x5: a line of $w cells"
pgrep -f "$CORETOP -d 0.5" >/dev/null && ok "20x5: still running" || fail "20x5: coretop died"
T resize-window -t e2e -x 120 -y 40
expect 'GROUP +PROCS' "back to 120x40"

T send-keys -t e2e q
sleep 0.5
pgrep -f "$CORETOP -d 0.5" >/dev/null && fail "q: coretop still running" || ok "q quits"
T ls >/dev/null 2>&1 && fail "q: the pane should have closed with its exec'd coretop" || ok "q: pane closed"

# Ctrl-C from a shell: the shell gets its terminal back, sane
T new-session -d -s e2e -x 100 -y 30 "sh"
T send-keys -t e2e "TERM=xterm-256color $CORETOP -d 0.5; echo rc=\$?; stty -a | grep -o ' icanon' " Enter
expect '^coretop  ' "started from a shell"
T send-keys -t e2e C-c
expect '^rc=0' "Ctrl-C quits with status 0"
expect ' icanon' "the terminal is back in canonical mode"
screen | grep -q 'GROUP' && fail "curses residue after quit" || ok "no curses residue"
T send-keys -t e2e "sh -c '$CORETOP -d 0.5 </dev/tty & sleep 3; kill -TERM \$!; wait \$!; echo term=\$?'" Enter
expect '^term=0' "SIGTERM quits cleanly"

# t on a group: the command with its varying argument as {}, the inputs seen, both
# editable; the tuner screen runs; q comes back to the dashboard
# a program of their own: the test's `sleep 0.1` polls are siblings too
cp /bin/sleep "$tmp/napper"
"$tmp/napper" 3001 &
s1=$!
"$tmp/napper" 3002 &
s2=$!
T kill-session -t e2e 2>/dev/null
T new-session -d -s e2e -x 120 -y 40 "sh"
T send-keys -t e2e "exec env TERM=xterm-256color $CORETOP -d 0.5" Enter
expect '^coretop  ' "dashboard again"
T send-keys -t e2e '/' 'napper' Enter
expect '^ +napper +2 ' "the two nappers, one group"
T send-keys -t e2e t
expect 'tune command .*: /tmp/.*/napper \{\}$' "t: the command with {} where the members differ"
T send-keys -t e2e Enter
expect 'inputs .*: 300[12],300[12]$' "t: the inputs seen"
T send-keys -t e2e C-u '0.1,0.2' Enter
expect '^jobs/s +threads:' "the tuner screen runs"
expect '^e export' "and finishes" 60
T send-keys -t e2e q
expect 'tuner finished; back to the dashboard' "q goes back to the dashboard"
expect '^ +napper +2 ' "the dashboard is drawn again"
T send-keys -t e2e q
kill $s1 $s2 2>/dev/null
finish
