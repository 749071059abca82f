# The meters as a person reads them: each bar split into user and system time (htop's
# colours; glyphs | and # without colour), checked against the kernel's own /proc/stat
# over the same seconds: a busy loop pinned to CPU 0 is user time, dd copying
# /dev/zero to /dev/null pinned to CPU 1 is mostly system time. The legend names the
# parts; the first figures show within a second of the start (0.2 s by design: the
# default interval is 1.5 s).
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
command -v taskset >/dev/null 2>&1 || skip "no taskset"
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
touch "$tui_tmp/leash"
# both in a session of their own, so the cleanup ends them; each stops when the leash goes
(exec setsid sh -c 'taskset -c 0 sh -c "while [ -f \"\$0\" ]; do :; done" "$0" &
	taskset -c 1 dd if=/dev/zero of=/dev/null bs=1M 2>/dev/null & dd=$!
	while [ -f "$0" ]; do sleep 0.2; done; kill $dd' "$tui_tmp/leash") &
tui_job=$!

# the first figures: from the start to a meter with a percentage
export NO_COLOR=1
t0=$(date +%s%N)
tui_start 120 40 "-d 3"
tui_wait '^ *0\[.*[0-9]+%\]' 5 || fail "no figure on the meters within 5 s"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "first figures after $ms ms (tmux start included)"
[ "$ms" -lt 1000 ] && ok "the first figures show within 1 s ($ms ms)" ||
	fail "the first figures took $ms ms"

stat_cpus() { grep -E '^cpu[01] ' /proc/stat; }
# until the screen's meters change (a refresh drew them), polled every 20 ms
next_refresh() {
	_was=$(tm capture-pane -p | sed -n 3p)
	_i=0
	while [ "$(tm capture-pane -p | sed -n 3p)" = "$_was" ] && [ $_i -lt 500 ]; do
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
truth_window "$tui_tmp/mono"
grep -q 'usr #sys' "$tui_tmp/screen" && ok "the legend names the glyphs" || { fail "no legend"; tui_show; }
/usr/bin/python3 - "$tui_tmp/mono.stat0" "$tui_tmp/mono.stat1" "$tui_tmp/screen" <<'PY' || fails=$((fails + 1))
import re, sys
def ticks(path):
    out = {}
    for line in open(path):
        f = line.split()
        v = [int(x) for x in f[1:9]]
        out[f[0]] = v
    return out
a, b = ticks(sys.argv[1]), ticks(sys.argv[2])
screen = open(sys.argv[3]).read()
bars = dict(re.findall(r'\b([01])\[([|#! ]*)[0-9]+%\]', screen))
bad = 0
for cpu in "01":
    d = [y - x for x, y in zip(a["cpu" + cpu], b["cpu" + cpu])]
    total = sum(d)
    busy = total - d[3] - d[4]
    sys_share = 100.0 * (d[2] + d[5] + d[6]) / busy if busy else 0
    bar = bars.get(cpu)
    if bar is None:
        print("FAIL: no bar for CPU %s on the screen" % cpu)
        bad += 1
        continue
    filled = bar.count("|") + bar.count("#") + bar.count("!")  # ! is steal
    seen = 100.0 * bar.count("#") / filled if filled else 0
    print("CPU %s: system share of busy time: kernel %.0f %%, bar %.0f %% (%d of %d glyphs)"
          % (cpu, sys_share, seen, bar.count("#"), filled))
    if abs(seen - sys_share) > 20:
        print("FAIL: CPU %s's bar is %.0f %% system, the kernel says %.0f %%" % (cpu, seen, sys_share))
        bad += 1
    else:
        print("ok: CPU %s's bar splits as the kernel's counters do" % cpu)
sys.exit(1 if bad else 0)
PY
tui_keys q
tui_ended "q"

# in colour: user time green, system time red, in the kernel's shares
unset NO_COLOR
tui_start 120 40 "-d 3"
tui_wait '^ *0\[.*[0-9]+%\]' 5
truth_window "$tui_tmp/colour"
/usr/bin/python3 - "$tui_tmp/colour.stat0" "$tui_tmp/colour.stat1" "$tui_tmp/colour.attrs" <<'PY' || fails=$((fails + 1))
import re, sys
def ticks(path):
    return {l.split()[0]: [int(x) for x in l.split()[1:9]] for l in open(path)}
a, b = ticks(sys.argv[1]), ticks(sys.argv[2])
line = next((l for l in open(sys.argv[3]).read().split("\n") if "usr" in l and "%" in l), None)
if line is None:
    print("FAIL: no meter line with a legend"); sys.exit(1)
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
    print("%s: CPU %d: %d green (user) and %d red (system) glyphs: %.0f %% system, the kernel says %.0f %%"
          % ("ok" if good else "FAIL", cpu, green, red, seen, truth))
    bad += not good
sys.exit(1 if bad else 0)
PY
tui_keys q
tui_ended "q in colour"
rm -f "$tui_tmp/leash"
finish
