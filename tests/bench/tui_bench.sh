#!/bin/sh
# Dashboard costs (figures, not pass/fail), in tmux at 200x60:
#  - idle: CPU of the dashboard over 30 s at the default interval, as % of a core;
#  - redraw: with sampling paused, CPU per key press that redraws the screen (j/k
#    moves the selection: one full redraw each), over 400 presses.
set -eu
CORETOP=${CORETOP:-./coretop}
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
IDLE_S=${IDLE_S:-30}
sock=coretop-bench-$$
T() { tmux -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null' EXIT INT TERM
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

T new-session -d -s b -x 200 -y 60 "exec env TERM=xterm-256color $CORETOP"
sleep 2
pid=$(pgrep -f "^$CORETOP\$" | head -n 1)
[ -n "$pid" ] || { echo "coretop did not start"; exit 1; }
t0=$(cpu_ticks "$pid")
sleep "$IDLE_S"
t1=$(cpu_ticks "$pid")
idle=$(echo "$t0 $t1 $hz $IDLE_S" | awk '{ printf "%.2f", ($2 - $1) / $3 / $4 * 100 }')

T send-keys -t b p
sleep 0.5
t0=$(cpu_ticks "$pid")
i=0
while [ $i -lt 200 ]; do
	T send-keys -t b j k
	i=$((i + 1))
done
sleep 1
t1=$(cpu_ticks "$pid")
redraw=$(echo "$t0 $t1 $hz" | awk '{ printf "%.3f", ($2 - $1) / $3 * 1000 / 400 }')
tasks=$(ls /proc/*/task 2>/dev/null | grep -c '^[0-9]')
echo "dashboard at 200x60, $tasks tasks on the machine:"
echo "  idle, default interval (1.5 s): $idle % of a core over ${IDLE_S} s (budget: < 1 %)"
echo "  redraw: $redraw ms of CPU per full redraw, 400 redraws (budget: < 2 ms)"
printf '{"bench":"tui","tasks":%d,"idle_pct_core":%s,"redraw_ms":%s}\n' "$tasks" "$idle" "$redraw"
