# The dashboard against a live oversubscribed job: twice as many busy processes as
# CPUs, under a program name of their own. Its row says so in colour and bold, and
# under NO_COLOR still by its marker and bold; the header's ratio is coloured; Enter
# drills to its processes and threads; q, SIGTERM and SIGHUP give the terminal back.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 to read the attributes"
n=$(($(nproc) * 2))
[ "$n" -ge 4 ] || n=4
cp "$(command -v yes)" "$tui_tmp/e2e-spin" || skip "no yes(1) to copy"
# its own session: the cleanup ends the whole group
(exec setsid sh -c 'i=0; while [ $i -lt '"$n"' ]; do "$0" >/dev/null & i=$((i + 1)); done; wait' \
	"$tui_tmp/e2e-spin") &
tui_job=$!

tui_start 120 40 ""
tui_expect "header: host and topology" "^$(hostname | cut -c1-20).* [0-9]+ PUs"
tui_expect "the job is one oversubscribed group, marked" "^(▶| )! e2e-spin +$n +$n .* oversubscribed ×[0-9.]+" 10
# the selected row has its own colours: select another one to read the job's
unselect() {
	tui_keys Home
	tui_wait "^(▶| )! e2e-spin"
	# the info line (above the key bar) names the selected group
	tail -n 4 "$tui_tmp/screen" | grep -q '^e2e-spin' && tui_keys Down && sleep 0.3
}
unselect
case "$(tui_sgr '! e2e-spin')" in
"bold=1 fg=31 "*) ok "the oversubscribed row is bold and red" ;;
*) fail "the oversubscribed row is not bold and red: $(tui_sgr '! e2e-spin')" ;;
esac
case "$(tui_sgr 'demand ')" in
"bold=1 fg=31 "*) ok "the header's demand is bold and red" ;;
*) fail "the header's demand: $(tui_sgr 'demand ')" ;;
esac
tui_keys / e 2 e - s p i n Enter
tui_expect "the advice for the selected group" "^e2e-spin: $n × e2e-spin want [0-9.]+ cores of [0-9]+: run at most"
tui_keys Enter
tui_expect "Enter shows its processes" "^e2e-spin › processes $n "
tui_expect "each process is listed" "e2e-spin\$" 2
tui_keys Enter
tui_expect "Enter shows a process's threads" "› threads 1 "
tui_expect "the thread's state and last CPU" '^(▶| ) *[0-9]+ e2e-spin +[RS] +[0-9.]+ +[0-9.]+ +[0-9]+ '
tui_expect "threads: the pool column" ' +TIME +POOL'
tui_keys Escape Escape Escape
tui_expect "Esc back to all groups" '^groups [0-9]+ +sort DEMAND'
tm resize-window -x 20 -y 5
tui_expect "20x5 still marks the job" '^(▶| )! e2e-spin'
tm resize-window -x 120 -y 40
tui_expect "back to 120x40" '^ +GROUP +PROCS'
kill -TERM "$(tui_pid)"
tui_ended "SIGTERM"

NO_COLOR=1 tui_start 120 40 ""
tui_expect "NO_COLOR: the job is still marked" "^(▶| )! e2e-spin +$n " 10
unselect
case "$(tui_sgr '! e2e-spin')" in
"bold=1 fg=39 bg=49") ok "NO_COLOR: the row is bold, without colour" ;;
*) fail "NO_COLOR: the row: $(tui_sgr '! e2e-spin')" ;;
esac
kill -HUP "$(tui_pid)"
tui_ended "SIGHUP"

tui_start 120 40 "--no-color -d 0.5"
tui_expect "--no-color -d 0.5" 'every 0.5s'
tui_keys q
tui_ended "q"
finish
