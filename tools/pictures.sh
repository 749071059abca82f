#!/bin/sh
# make pictures: the README's pictures of the dashboard and the tuner, made from a
# real terminal. A workload that oversubscribes this machine (numpy jobs under GNU
# parallel, each with OpenBLAS's default pool) runs while coretop is driven in a tmux
# pane; each screen is captured twice: as text (assets/*.txt, what the README quotes)
# and with its attributes (capture-pane -e), which aha turns into HTML and headless
# Chromium into a PNG (assets/*.png). Needs: tmux, parallel, python3-numpy, aha,
# chromium, fonts-dejavu-core (tools/deps.sh --pictures installs them).
set -eu
CORETOP=${CORETOP:-./coretop}
out=${PICTURES_OUT:-assets}
tmp=$(mktemp -d)
sock="coretop-pictures-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tm kill-server 2>/dev/null || :
	[ -n "${job:-}" ] && kill -TERM "-$job" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a numpy job: matrix products for SECONDS
cat >"$tmp/job.py" <<'PY'
import sys, time
import numpy as np
a = np.random.rand(500, 500)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    a @ a
PY
cpus=$(nproc)
jobs=$((cpus + 1))
# its own session, so the cleanup ends all of it
(cd "$tmp" && exec setsid parallel -j"$jobs" /usr/bin/python3 job.py {} 90 ::: $(seq "$jobs")) &
job=$!

# shot NAME COLS ROWS: the pane as text and as a PNG
shot() {
	tm capture-pane -p -t pictures >"$out/$1.txt"
	tm capture-pane -p -e -t pictures >"$tmp/$1.ansi"
	aha --black --title "coretop" <"$tmp/$1.ansi" >"$tmp/$1.raw.html"
	# a monospace font with the block and Braille glyphs, one cell = 8.4 x 17 px
	sed 's#</head>#<style>body{margin:0}pre{font-family:"DejaVu Sans Mono",monospace;font-size:14px;line-height:17px;margin:8px;white-space:pre}</style></head>#' \
		"$tmp/$1.raw.html" >"$tmp/$1.html"
	w=$(($2 * 843 / 100 + 16))
	h=$(($3 * 17 + 16))
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
		--window-size="$w,$h" --screenshot="$tmp/$1.png" "file://$tmp/$1.html" >/dev/null 2>&1
	mv "$tmp/$1.png" "$out/$1.png"
	echo "$out/$1.png ($w x $h) and $out/$1.txt"
}
start() { # COLS ROWS COMMAND
	tm kill-server 2>/dev/null || :
	tm new-session -d -s pictures -x "$1" -y "$2" -c "$tmp" \
		"env LC_ALL=C.UTF-8 TERM=xterm-256color $3; sleep 600"
}

# the dashboard: history filling for 20 s, the job selected (first: the worst)
start 120 40 "$(realpath "$CORETOP") -d 1"
sleep 20
shot dashboard 120 40
# the job's detail: its processes, the last minutes of its demand
tm send-keys -t pictures Enter
sleep 3
shot dashboard-detail 120 40
tm send-keys -t pictures Enter
sleep 2
shot dashboard-threads 120 40
tm send-keys -t pictures q
# the tuner on the same job, at 80 columns, part way and at the end
start 80 30 "$(realpath "$CORETOP") tune --budget 40 --inputs 1..8 -- /usr/bin/python3 job.py {} 1.5"
sleep 25
shot tune 80 30
