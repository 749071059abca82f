# The tuner screen in tmux: the heat map fills, the recommendation appears, e writes a
# recipe the shell accepts, and q during a run asks, then leaves no job behind.
. tests/e2e/lib.sh
command -v tmux >/dev/null || skip "tmux not installed"
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
BENCH=$(cd "$(dirname "$CORETOP")" && pwd)/coretop-bench
[ -x "$BENCH" ] || BENCH=$(pwd)/coretop-bench
sock=coretop-tune-$$
tmp=$(mktemp -d)
T() { tmux -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
screen() { T capture-pane -t e2e -p; }
expect() { # regex what [seconds]
	i=0
	while [ $i -lt $((${3:-10} * 10)) ]; do
		screen | grep -Eq -- "$1" && { ok "$2"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: /$1/ not on screen"
	screen | sed 's/^/  | /'
}

T new-session -d -s e2e -x 110 -y 32 "sh"
T send-keys -t e2e "cd $tmp && TERM=xterm-256color $CORETOP tune --repeat 1 --inputs 1..4 -- $BENCH --size 150 --iters 3 --seed {}; echo rc=\$?" Enter
expect '^jobs/s +threads: +1 +2' "heat map header"
expect '^procs +1 +[0-9]' "heat map rows fill in"
# any of the tuner's recommendations (on a loaded box serial or the default can win)
expect '^(run ([0-9]+ jobs?|one job) at a time|no change needed)' \
	"the recommendation" 60
expect '^e export +r re-run the best two +q quit' "export, re-run and quit keys"
T send-keys -t e2e e
expect 'export as: s sh' "e asks for a format"
T send-keys -t e2e s
expect '^file: coretop-tuned.sh' "a default file name"
T send-keys -t e2e Enter
expect '^wrote coretop-tuned.sh \(sh\)' "written"
sh -n "$tmp/coretop-tuned.sh" && ok "the recipe is sh -n clean" || fail "recipe syntax"
T send-keys -t e2e e s Enter
expect 'exists. Replace it\? \(y/n\)' "an existing file is not replaced without asking"
T send-keys -t e2e n
expect 'the file was kept' "n keeps it"
T send-keys -t e2e r
expect '^coretop tune +2 candidates' "r measures the best two again"
expect '^e export' "and shows their result" 60
T send-keys -t e2e q
expect '^rc=0' "q leaves with status 0"

# q during a run: asked, then every job stopped
T send-keys -t e2e "clear; $CORETOP tune --repeat 3 --inputs 1..8 -- $BENCH --size 500 --iters 40 --seed {}; echo rc=\$?" Enter
expect 'running ' "a candidate runs" 20
T send-keys -t e2e q
expect 'Quit\? Every job will be stopped' "q asks first"
T send-keys -t e2e y
expect 'interrupted; every job was stopped' "interrupted" 10
T send-keys -t e2e x
expect '^rc=130' "status 130"
sleep 0.5
pgrep -f "$BENCH --size 500" >/dev/null && fail "a job survived" || ok "no job survived"
finish
