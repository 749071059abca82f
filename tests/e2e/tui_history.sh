# History on the screen, against a live job started after coretop: three numpy jobs
# (a 2-thread OpenBLAS pool each, on 2 CPUs: oversubscribed), one a second. At -d 0.3
# the job's HISTORY cell rises from blank to full blocks and is drawn bad (red); the
# header carries the machine's sparkline; Enter on the job shows the panel of its last
# minutes with the verdict change marked on the axis (▲) and told in the legend with its
# time. At 80x24 the panel is short, at 20x5 gone; LC_ALL=C shows ASCII only.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
[ "$tui_locale" = C.UTF-8 ] || skip "no UTF-8 locale for the blocks"
/usr/bin/python3 -c 'import numpy' 2>/dev/null || skip "python3-numpy not installed"
command -v taskset >/dev/null || skip "no taskset"
[ "$(nproc)" -ge 2 ] || skip "one CPU: the job cannot be put on two"
BLOCK='(▁|▂|▃|▄|▅|▆|▇|█)'
BRAILLE=$(printf '\342[\240-\243][\200-\277]') # U+2800..U+28FF
cat >"$tui_tmp/histjob.py" <<'PY'
import sys, time, numpy as np
a = np.random.default_rng(0).random((500, 500))
end = time.time() + 90
while time.time() < end:
    a = np.linalg.inv(a @ a.T + 500 * np.eye(500))
PY

# The attributes of the first block (or ASCII ramp) glyph on the row matching REGEX, as
# tui_sgr says them: the row's text is read with its escapes, state carried across rows.
row_glyph_sgr() {
	tm capture-pane -p -e | /usr/bin/python3 -c '
import re, sys
rows, want = sys.stdin.read().split("\n"), re.compile(sys.argv[1])
bold, fg, bg = 0, 39, 49
for line in rows:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
    target = want.search(plain) is not None
    seen = 0
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(2) is not None:
            seen += 1
            # the glyphs after the verdict: past the first 60 columns
            if target and seen > 60 and m.group(2) in "▁▂▃▄▅▆▇█":
                print("bold=%d fg=%d bg=%d" % (bold, fg, bg)); sys.exit(0)
            continue
        for c in [int(c) if c else 0 for c in m.group(1).split(";")]:
            if c == 0: bold, fg, bg = 0, 39, 49
            elif c == 1: bold = 1
            elif c == 22: bold = 0
            elif 30 <= c <= 37 or c == 39: fg = c
            elif 40 <= c <= 47 or c == 49: bg = c
print("none")
' "$1"
}

# The HISTORY cell of the job's row: rising (blank on the left, then a lower glyph
# before the newest, which is nearly full: ▇ or █), within SECONDS.
history_rises() {
	_i=0
	while [ $_i -lt $(($1 * 10)) ]; do
		tm capture-pane -p >"$tui_tmp/screen"
		cell=$(grep -E '^.{1,2} python3 histjob\.py ' "$tui_tmp/screen" | /usr/bin/python3 -c '
import sys
line = sys.stdin.read().rstrip("\n")
levels = "▁▂▃▄▅▆▇█"
cell = line.rstrip()[-16:] if len(line.rstrip()) >= 16 else ""
shown = [levels.index(c) if c in levels else -1 for c in cell]
if len(cell) == 16 and shown[0] == -1 and shown[-1] >= 6:
    firsts = [l for l in shown if l >= 0]
    if len(firsts) >= 2 and min(firsts) < shown[-1]:
        print(cell)
')
		[ -n "$cell" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# No screen line wider than W columns (display width, as a terminal counts them).
fits() { # W
	/usr/bin/python3 -c '
import sys, unicodedata
w = int(sys.argv[1])
for line in open(sys.argv[2], encoding="utf-8"):
    line = line.rstrip("\n")
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if width > w:
        print(width, line); sys.exit(1)
' "$1" "$tui_tmp/screen"
}

tui_start 120 40 "-d 0.3"
tui_expect "coretop is up before the job" '^groups [0-9]+ +sort' 10
# the job, one process a second, on two CPUs, in a session of its own (the cleanup
# ends it)
(exec setsid sh -c 'for i in 1 2 3; do taskset -c 0,1 /usr/bin/python3 "$0" & sleep 1; done; wait' \
	"$tui_tmp/histjob.py") &
tui_job=$!
# from its first sample on: the job appears (ok, one process) and grows
if history_rises 20; then
	ok "its HISTORY cell rises from nothing to full: '$cell'"
else
	fail "its HISTORY cell does not rise"
	tui_show
fi
tui_expect "the job shows, oversubscribed (or spinning: bad too)" \
	'^.! python3 histjob\.py .*(oversubscribed|spinning)' 20
# the job's row unselected, to read its own colours: the info line above the key bar
# names the selected group
tui_keys Home
sleep 0.3
tm capture-pane -p | tail -n 4 | grep -q '^python3 histjob' && tui_keys Down
sleep 0.3
case "$(row_glyph_sgr '^.! python3 histjob')" in
"bold=1 fg=31 "*) ok "the HISTORY cell is drawn bold red" ;;
*) fail "the HISTORY cell: $(row_glyph_sgr '^.! python3 histjob')" ;;
esac
tui_expect "the heading names the column" '^ +GROUP .* VERDICT +HISTORY'
tui_expect "the header carries the machine's sparkline" "^demand [0-9.]+ / [0-9]+ cores ×[0-9.]+  $BLOCK+"
# from 30 rows, under the header: the machine's demand and used in Braille dots
sed -n 3p "$tui_tmp/screen" | LC_ALL=C grep -Eq "^ +[0-9]+\.[0-9] .*$BRAILLE.* demand, used: -[0-9]+[sm]\.\.now\$" &&
	sed -n 4p "$tui_tmp/screen" | grep -Eq '^ +0\.0 .* ⠤ supply 2$' &&
	ok "the machine's graph under the header: Braille, its scale and the supply" ||
	{ fail "the machine's graph under the header"; tui_show; }
[ "$(tr -d '\000-\177' <"$tui_tmp/screen" | wc -c)" -gt 0 ] && ok "UTF-8: the screen has multibyte glyphs" ||
	fail "UTF-8: no multibyte glyph on the screen"

tui_keys / h i s t j o b Enter
tui_expect "filtered to the job" '^groups 1 +sort.*filter "histjob"'
tui_keys Enter
tui_expect "Enter shows its processes" '^python3 histjob\.py › processes [0-9]+ '
tui_expect "the panel's legend tells the change and its time" \
	'^demand [0-9.]+ used [0-9.]+ on 2 cores, scale 0-[0-9.]+ .*[0-9]{2}:[0-9]{2}:[0-9]{2} [a-z_]+→(oversubscribed|spinning)'
tui_expect "the panel's graph: blocks" "^ *$BLOCK+.*$BLOCK"
tui_expect "the axis marks the change, -Ns to now" '^-[0-9]+[sm] .*▲.* now$' 10
# the rows below the title: the legend, four of graph, the axis, then the table
panel_rows() { # ROWS: the table's headings that many rows below the title's
	t=$(grep -n '^python3 histjob\.py › processes' "$tui_tmp/screen" | cut -d: -f1)
	p=$(grep -n '^ *PID USER' "$tui_tmp/screen" | cut -d: -f1)
	a=$(grep -En '^-[0-9]+[sm] ' "$tui_tmp/screen" | cut -d: -f1)
	[ -n "$t" ] && [ "$p" = $((t + $1)) ] && [ "$a" = $((p - 1)) ] &&
		sed -n "$((t + 1))p" "$tui_tmp/screen" | grep -q '^demand [0-9.]* used' &&
		sed -n "$((t + 2)),$((a - 1))p" "$tui_tmp/screen" | grep -Eq "$BLOCK"
}
panel_rows 7 && ok "120x40: a legend, four rows of graph and the axis, then the table" ||
	{ fail "120x40: the panel's rows"; tui_show; }

tm resize-window -x 80 -y 24
tui_expect "80x24: the panel is short (legend, one row, the axis) above the table" \
	'^-[0-9]+[sm] .*▲.* now$' 10
panel_rows 4 && ok "80x24: a legend, one row of graph and the axis, then the table" ||
	{ fail "80x24: the panel's rows"; tui_show; }
fits 80 && ok "80x24: no line wider than the screen" || fail "80x24: a line wider than the screen"
grep -q 'demand, used:' "$tui_tmp/screen" && fail "80x24: the machine's graph takes rows" ||
	ok "80x24: no machine graph (out of the way)"
tm resize-window -x 20 -y 5
tui_expect_gone "20x5: no panel" '▲|now$|scale 0-'
fits 20 && ok "20x5: no line wider than the screen" || fail "20x5: a line wider than the screen"
tm resize-window -x 200 -y 50
tui_expect "200x50: the scale beside the graph" ' supply 2$'
tui_keys Escape
tui_expect "back to the groups" '^groups 1 +sort'
tm resize-window -x 80 -y 24
tui_expect "80x24: the groups" '^groups 1 +sort'
fits 80 && ok "80x24 groups: no line wider than the screen" || fail "80x24 groups: a line wider"
tui_keys q
tui_ended "q"

# the same without UTF-8: ASCII only, the ramp and the marker in ASCII
tui_locale=C
tui_start 120 40 "-d 0.3"
tui_expect "C locale: the job's row" '^.! python3 histjob\.py .*(oversubscribed|spinning)' 10
tui_expect "C locale: its HISTORY in the ASCII ramp" '^.! python3 histjob\.py .*[_.:;=+*#]{4}$' 10
sed -n 4p "$tui_tmp/screen" | grep -Eq '^ +0\.0 .* - supply 2$' && ok "C locale: the machine's graph in ASCII" ||
	{ fail "C locale: the machine's graph"; tui_show; }
[ "$(tr -d '\000-\177' <"$tui_tmp/screen" | wc -c)" = 0 ] && ok "C locale, groups: no byte above 0x7f" ||
	{ fail "C locale, groups: bytes above 0x7f"; tui_show; }
tui_keys / h i s t j o b Enter
tui_keys Enter
tui_expect "C locale: the panel" '^-[0-9]+[sm] ' 10
[ "$(tr -d '\000-\177' <"$tui_tmp/screen" | wc -c)" = 0 ] && ok "C locale, panel: no byte above 0x7f on the screen" ||
	{ fail "C locale: bytes above 0x7f"; tui_show; }
tui_keys q
tui_ended "C locale: q"
finish
