#!/bin/sh
# Dashboard costs (figures, not pass/fail), in tmux at 200x60:
#  - idle: CPU of the dashboard over 30 s at the default interval, as % of a core;
#  - redraw: with sampling paused, CPU per key press that redraws the screen (j/k
#    moves the selection: one full redraw each), over 400 presses;
# and inside the process (tui_redraw.c, built here against build/libtui.a; run
# `make` first): CPU per frame drawn from a new snapshot of this machine and per key
# frame, on a 200x60 screen with 256 PUs of meters, timing dash_draw() alone.
set -eu
CORETOP=${CORETOP:-./coretop}
BUILD=${BUILD:-build}
CC=${CC:-cc}
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
IDLE_S=${IDLE_S:-30}
sock=coretop-bench-$$
T() { tmux -L "$sock" "$@"; }
tmp=$(mktemp -d)
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
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
	# one key per send-keys: two in one write would be read, and drawn, as one frame
	T send-keys -t b j
	T send-keys -t b k
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

# shellcheck disable=SC2046 # pkg-config output is split on purpose
$CC -std=c11 -D_GNU_SOURCE -O2 -I. $(pkg-config --cflags ncursesw) -o "$tmp/tui_redraw" \
	tests/bench/tui_redraw.c "$BUILD/libtui.a" "$BUILD/libtuner.a" "$BUILD/libsampler.a" \
	$(pkg-config --libs ncursesw inih hwloc libproc2 jansson) -lm -lpthread
"$tmp/tui_redraw" 200 >"$tmp/frames.json"
awk -F'[:,]' '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1) }
	END { printf "  in process, 256 PUs of meters: %.3f ms per snapshot frame (max %.3f), %.3f ms per key frame (max %.3f) (budget: < 2 ms)\n",
		v["\"snapshot_frame_ms\""], v["\"snapshot_frame_max_ms\""], v["\"key_frame_ms\""], v["\"key_frame_max_ms\""] }' "$tmp/frames.json"
cat "$tmp/frames.json"
