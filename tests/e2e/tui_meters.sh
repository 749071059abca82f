# The meters as a person reads them: each bar split into user and system time (htop's
# colours; glyphs | and # without colour), checked against the kernel's own /proc/stat
# over the same seconds: a busy loop pinned to CPU 0 is user time, dd copying
# /dev/zero to /dev/null pinned to CPU 1 is mostly system time; without colour at
# 120x40 and 80x24, in colour at 120x40 and 200x50. The legend names the parts. The
# first figures show within 0.3 s of coretop's start (0.2 s by design: the default
# interval is 1.5 s): on the meters at 120x40, and at 20x5, where no bar fits (the
# meters get no row below 8 lines), on the header's ratio.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
command -v taskset >/dev/null 2>&1 || skip "no taskset"
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
touch "$tui_tmp/leash"
# both in a session of their own, so the cleanup ends them; each stops when the leash goes
# (the user loop is python's: a shell's `while [ -f ]` loop spends over half its time in
# the kernel, stat(2) after stat(2))
(exec setsid sh -c 'taskset -c 0 /usr/bin/python3 -c "
import os, sys
while os.path.exists(sys.argv[1]):
    sum(range(100000))" "$0" &
	taskset -c 1 dd if=/dev/zero of=/dev/null bs=1M 2>/dev/null & dd=$!
	while [ -f "$0" ]; do sleep 0.2; done; kill $dd' "$tui_tmp/leash") &
tui_job=$!

# The first figures: from coretop's exec (the pid file its shell writes just before) to
# the first capture that shows them, the pane polled every 10 ms. Measured on the
# 2-core VM: 218-238 ms quiet, 223-250 ms with two `yes >/dev/null` busy (5 runs each,
# both sizes, outside this script); in this script, beside its own two busy jobs,
# 241-270 ms over 5 runs (two of them with the two `yes` as well), each on its first
# try; 516-543 ms on 7ffa77c. A foreign burst of forks (load in the
# hundreds) has made it 1.3-1.7 s, the scheduler's delay and not the dashboard's: so
# up to three starts, and one must show them within the 300 ms the dashboard promises.
first_figures() { # WHAT W H REGEX
	_all=""
	for _try in 1 2 3; do
		tui_start "$2" "$3" "-d 3"
		_i=0
		while [ ! -s "$tui_tmp/pid" ] && [ $_i -lt 500 ]; do sleep 0.01; _i=$((_i + 1)); done
		_t1="" _i=0
		while [ $_i -lt 500 ]; do
			if tm capture-pane -p >"$tui_tmp/screen" 2>/dev/null && grep -Eq -- "$4" "$tui_tmp/screen"; then
				_t1=$(date +%s%N)
				break
			fi
			sleep 0.01
			_i=$((_i + 1))
		done
		[ -n "$_t1" ] || { fail "$1: no figure within 5 s"; tui_show; return; }
		_ms=$(((_t1 - $(stat -c %.9Y "$tui_tmp/pid" | tr -d .)) / 1000000))
		_all="${_all:+$_all, }$_ms"
		[ "$_ms" -lt 300 ] || [ $_try = 3 ] && break
		tui_keys q
		tui_ended "$1: q after $_ms ms"
	done
	echo "$1: first figures after $_all ms (from exec)"
	[ "$_ms" -lt 300 ] && ok "$1: the first figures show within 0.3 s ($_all ms)" ||
		fail "$1: the first figures took $_all ms"
}
export NO_COLOR=1
first_figures "20x5" 20 5 '^[^ ]+ +×[0-9.]+ +[0-9.]+/[0-9]'
if grep -q '%\]' "$tui_tmp/screen"; then fail "20x5: a meter bar on a 5-line screen"; tui_show
else ok "20x5: no meter bar on 5 lines, the header's figures instead ($(head -1 "$tui_tmp/screen"))"; fi
tui_keys q
tui_ended "20x5: q"
first_figures "120x40" 120 40 '^ *0\[.*[0-9]+%\]'

stat_cpus() { grep -E '^cpu[01] ' /proc/stat; }
# until the screen changes (a refresh drew it: the header's figures move), polled
# every 20 ms
next_refresh() {
	_was=$(tm capture-pane -p | sed -n 2,5p)
	_i=0
	while [ "$(tm capture-pane -p | sed -n 2,5p)" = "$_was" ] && [ $_i -lt 500 ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
}
# the kernel's counters over the very interval the screen shows: read as one refresh
# is drawn and as the next is (3 s apart, within a poll of 20 ms), then the screen
truth_window() { # FILE-PREFIX
	next_refresh
	stat_cpus >"$1.stat0"
	next_refresh
	stat_cpus >"$1.stat1"
	tm capture-pane -p -e >"$1.attrs"
	tm capture-pane -p >"$tui_tmp/screen"
}
# mono SIZE: without colour, the | and # glyphs of each bar against the kernel's shares
mono() {
	truth_window "$tui_tmp/mono$1"
	grep -q 'usr #sys' "$tui_tmp/screen" && ok "$1: the legend names the glyphs" || { fail "$1: no legend"; tui_show; }
	/usr/bin/python3 - "$tui_tmp/mono$1.stat0" "$tui_tmp/mono$1.stat1" "$tui_tmp/screen" "$1" <<'PY' || { fails=$((fails + 1)); tui_show; }
import re, sys
def ticks(path):
    out = {}
    for line in open(path):
        f = line.split()
        v = [int(x) for x in f[1:9]]
        out[f[0]] = v
    return out
a, b = ticks(sys.argv[1]), ticks(sys.argv[2])
screen, size = open(sys.argv[3]).read(), sys.argv[4]
bars = dict(re.findall(r'\b([01])\[([|#! ]*)[0-9]+%\]', screen))
bad = 0
for cpu in "01":
    d = [y - x for x, y in zip(a["cpu" + cpu], b["cpu" + cpu])]
    total = sum(d)
    busy = total - d[3] - d[4]
    sys_share = 100.0 * (d[2] + d[5] + d[6]) / busy if busy else 0
    bar = bars.get(cpu)
    if bar is None:
        print("FAIL: %s: no bar for CPU %s on the screen" % (size, cpu))
        bad += 1
        continue
    filled = bar.count("|") + bar.count("#") + bar.count("!")  # ! is steal
    seen = 100.0 * bar.count("#") / filled if filled else 0
    print("%s: CPU %s: system share of busy time: kernel %.0f %%, bar %.0f %% (%d of %d glyphs)"
          % (size, cpu, sys_share, seen, bar.count("#"), filled))
    if abs(seen - sys_share) > 20:
        print("FAIL: %s: CPU %s's bar is %.0f %% system, the kernel says %.0f %%" % (size, cpu, seen, sys_share))
        bad += 1
    else:
        print("ok: %s: CPU %s's bar splits as the kernel's counters do" % (size, cpu))
sys.exit(1 if bad else 0)
PY
}
# colour SIZE: user time green, system time red, in the kernel's shares
colour() {
	truth_window "$tui_tmp/colour$1"
	/usr/bin/python3 - "$tui_tmp/colour$1.stat0" "$tui_tmp/colour$1.stat1" "$tui_tmp/colour$1.attrs" "$1" <<'PY' || { fails=$((fails + 1)); tui_show; }
import re, sys
def ticks(path):
    return {l.split()[0]: [int(x) for x in l.split()[1:9]] for l in open(path)}
a, b = ticks(sys.argv[1]), ticks(sys.argv[2])
size = sys.argv[4]
line = next((l for l in open(sys.argv[3]).read().split("\n") if "usr" in l and "%" in l), None)
if line is None:
    print("FAIL: %s: no meter line with a legend" % size); sys.exit(1)
fg, cpu, runs = 39, -1, {}
for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
    if m.group(2) is None:
        for c in (m.group(1) or "0").split(";"):
            c = int(c or 0)
            if c in (0, 39): fg = 39
            elif 30 <= c <= 37: fg = c
        continue
    for ch in m.group(2):
        if ch == "[":
            cpu += 1
        elif ch == "|" and cpu >= 0:
            runs.setdefault(cpu, {}).setdefault(fg, 0)
            runs[cpu][fg] += 1
bad = 0
for cpu in (0, 1):
    d = [y - x for x, y in zip(a["cpu%d" % cpu], b["cpu%d" % cpu])]
    busy = sum(d) - d[3] - d[4]
    truth = 100.0 * (d[2] + d[5] + d[6]) / busy if busy else 0
    r = runs.get(cpu, {})
    green, red, steal = r.get(32, 0), r.get(31, 0), r.get(33, 0)  # steal is yellow
    seen = 100.0 * red / (green + red + steal) if green + red + steal else 0
    good = green + red > 0 and abs(seen - truth) <= 20
    print("%s: %s: CPU %d: %d green (user) and %d red (system) glyphs: %.0f %% system, the kernel says %.0f %%"
          % ("ok" if good else "FAIL", size, cpu, green, red, seen, truth))
    bad += not good
sys.exit(1 if bad else 0)
PY
}
# the session started above (120x40, no colour), then resized to 80x24
mono 120x40
tm resize-window -x 80 -y 24
mono 80x24
tui_keys q
tui_ended "q"

unset NO_COLOR
tui_start 120 40 "-d 3"
tui_wait '^ *0\[.*[0-9]+%\]' 5
colour 120x40
tm resize-window -x 200 -y 50
colour 200x50
tui_keys q
tui_ended "q in colour"
rm -f "$tui_tmp/leash"
finish
