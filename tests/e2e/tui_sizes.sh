# The dashboard at 80x24, 120x40, 200x50 and 20x5, on the fixture and on a live
# oversubscribed numpy job (3 × python3 sjob.py, each with OpenBLAS's pthread pool on
# every CPU): no line past the edge; the table spans 200 columns; RUN and THR go
# before POOLS as the screen narrows; POOLS abbreviates and keeps OPENBLAS=unset at
# 120 and 80; the name stays whole; the advice is in whole words on up to three
# lines: every word of coretop -b's where three lines hold it, else its start and its
# end with " … " between; the selected row keeps its red and its "!" beside the
# pointer (▶), reversed, at each of the four sizes (bold red, capture-pane -e), and
# under NO_COLOR bold and reversed at 120x40; the help shows every key's line whole
# at 80 and 200; the tuner's lines fit 80 columns; 20x5 is not garbled and q gives
# the terminal back.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
/usr/bin/python3 -c 'import numpy' 2>/dev/null || skip "Debian's python3-numpy not installed"
[ "$tui_locale" = C.UTF-8 ] || skip "no UTF-8 locale"
CORETOP=$(cd "$(dirname "$CORETOP")" && pwd)/$(basename "$CORETOP")
BENCH=${CORETOP_BENCH:-$(dirname "$CORETOP")/coretop-bench}
BENCH=$(cd "$(dirname "$BENCH")" && pwd)/$(basename "$BENCH")
check() { /usr/bin/python3 tests/e2e/lib/sizes.py "$@"; }
fixture="--proc-root tests/fixtures/proc-t0 --topology 'pack:2 core:16 pu:2'"
cap() { tm capture-pane -p -J >"$tui_tmp/screen"; }
# fits WHAT W H: the pane as it is now
fits() {
	cap
	if check fits "$2" "$3" "$tui_tmp/screen"; then ok "$1: every line within $2 columns"; else fail "$1"; tui_show; fi
}
resize() { tm resize-window -x "$1" -y "$2"; sleep 0.5; }
# col NAME: where the heading NAME starts on the screen captured last (-1: not shown)
col() { check heading "$tui_tmp/screen" | tr ' ' '\n' | sed -n "s/^$1@//p" | grep . || echo -1; }

# The table's last column sits against the right edge: HISTORY (16 wide) where it is
# shown, else VERDICT (20 wide).
spans_width() { # WHAT
	h=$(col HISTORY)
	v=$(col VERDICT)
	if [ "$h" -ge 0 ]; then
		[ "$h" -ge 182 ] && ok "$1: the table spans the width (HISTORY at $h)" ||
			{ fail "$1: HISTORY at $h"; tui_show; }
	else
		[ "$v" -ge 178 ] && ok "$1: the table spans the width (VERDICT at $v)" ||
			{ fail "$1: VERDICT at $v"; tui_show; }
	fi
}

# ---- the fixture: deterministic ---------------------------------------------------
for size in 80x24 120x40 200x50 20x5; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h" "$fixture"
	tui_expect "fixture $size: the table" '^ +GROUP'
	fits "fixture $size" "$w" "$h"
	case $size in
	200x50)
		spans_width "200 columns" ;;
	20x5)
		grep -q '^▶' "$tui_tmp/screen" && ok "20x5: the selected row's pointer" || { fail "20x5: no pointer"; tui_show; } ;;
	esac
	tui_keys q
	tui_ended "fixture $size: q"
done

# the help, every key's line whole on one of its pages
for size in 80x24 200x50; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h" "$fixture"
	tui_expect "help $size: the dashboard" '^ +GROUP'
	tui_keys '?'
	tui_expect "help $size: ? opens it" 'coretop keys'
	pages=""
	for p in 1 2 3 4; do
		cap
		cp "$tui_tmp/screen" "$tui_tmp/help$p"
		pages="$pages $tui_tmp/help$p"
		check fits "$w" "$h" "$tui_tmp/help$p" || fail "help $size page $p too wide"
		tui_keys NPage
		sleep 0.3
	done
	# shellcheck disable=SC2086
	check help tui/dash_keys.c $pages && ok "help $size: every key's line whole" ||
		{ fail "help $size"; sed 's/^/    | /' "$tui_tmp/help1"; }
	if grep -q '…' $pages; then fail "help $size: something cut"; else ok "help $size: nothing cut"; fi
	tui_keys x q
	tui_ended "help $size: q"
done

# ---- the live job -----------------------------------------------------------------
cat >"$tui_tmp/sjob.py" <<'PY'
import sys, time, numpy as np
a = np.random.default_rng(0).random((400, 400))
end = time.time() + float(sys.argv[1])
while time.time() < end:
    a = np.linalg.inv(a @ a.T + 400 * np.eye(400))
PY
# its own session (OpenBLAS's threads unset): the cleanup ends the whole group
(cd "$tui_tmp" && exec setsid env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS sh -c \
	'for i in 1 2 3; do /usr/bin/python3 sjob.py 240 & done; wait') &
tui_job=$!
label="python3 sjob.py"
tui_start 120 40 ""
tui_keys / s j o b Enter
tui_expect "live: the job is marked and selected" "^▶! $label +3 +6 " 20
fits "live 120x40" 120 40
# the pools show once the sampler has read the jobs' maps
tui_expect "120 columns: POOLS keeps OPENBLAS=unset" "^▶! $label .* 2thr OPENBLAS=unset +(oversubscribed|spinning)" 15
# the selected row: its red, reversed, and its marker (at every size: sel_red SIZE TEXT)
sel_red() {
	tm capture-pane -p -e >"$tui_tmp/screen.e"
	case "$(check sgr "$tui_tmp/screen.e" "$2")" in
	"bold=1 reverse=1 fg=31") ok "$1: the selected row keeps its bold red, reversed" ;;
	*) fail "$1: the selected row: $(check sgr "$tui_tmp/screen.e" "$2")"; tui_show ;;
	esac
}
sel_red 120x40 "! $label"

# the advice in whole words: against coretop -b's, figures aside (they move)
advice_whole() { # WHAT WIDTH
	for try in 1 2 3 4 5; do
		cap
		"$CORETOP" -b -n 2 -d 0.5 --json >"$tui_tmp/b.json" 2>/dev/null
		cp "$tui_tmp/screen" "$tui_tmp/screen.a"
		cap
		# the verdict (oversubscribed, spinning) can change between the two readings
		if check advice "$tui_tmp/b.json" "$label" "$tui_tmp/screen.a" "$2" >"$tui_tmp/adv" ||
			check advice "$tui_tmp/b.json" "$label" "$tui_tmp/screen" "$2" >"$tui_tmp/adv"; then
			ok "$1"
			return
		fi
		sleep 1
	done
	fail "$1"
	cat "$tui_tmp/adv"
	tui_show
}
advice_whole "120x40: every word of the advice, whole where three lines hold it" 120

# narrowing: RUN and THR go before POOLS, and never come back before it
for w in 120 110 104 100 96 92 88 84 80 76 72 68 60 50 40; do
	resize "$w" 40
	cap
	run=$(col RUN) thr=$(col THR) pools=$(col POOLS)
	check fits "$w" 40 "$tui_tmp/screen" || fail "$w columns: a line too wide"
	if [ "$pools" -lt 0 ] && [ "$run" -ge 0 -o "$thr" -ge 0 ]; then
		fail "$w columns: RUN ($run) or THR ($thr) shown without POOLS"
		tui_show
	fi
	[ "$w" = 120 ] && { [ "$run" -ge 0 ] && [ "$thr" -ge 0 ] && [ "$pools" -ge 0 ] || fail "120 columns: not every column"; }
	[ "$w" = 80 ] && { [ "$run" -lt 0 ] && [ "$thr" -lt 0 ] && [ "$pools" -ge 0 ] || { fail "80 columns: RUN $run THR $thr POOLS $pools"; tui_show; }; }
done
ok "narrowing from 120 to 40: RUN and THR go before POOLS"

resize 80 24
tui_expect "80x24: the name whole, POOLS with OPENBLAS=unset" "^▶! $label +3 .* OPENBLAS=unset +(over|spin)"
fits "live 80x24" 80 24
sel_red 80x24 "! $label"
advice_whole "80x24: the advice in whole words (its start and its end, … between, where three lines cannot hold it)" 80

resize 200 50
tui_expect "200x50: POOLS whole" "^▶! $label +3 +6 .* openblas:pthread ×3 2thr OPENBLAS=unset +(over|spin)"
fits "live 200x50" 200 50
sel_red 200x50 "! $label"
spans_width "200x50"
advice_whole "200x50: every word of the advice, whole" 200

resize 20 5
tui_expect "20x5: the job's row" "^▶! python3"
fits "live 20x5" 20 5
sel_red 20x5 "! python3"
tui_keys q
tui_ended "live 20x5: q"

NO_COLOR=1 tui_start 120 40 ""
tui_keys / s j o b Enter
tui_expect "NO_COLOR: the job is marked and selected" "^▶! $label +3 " 20
tm capture-pane -p -e >"$tui_tmp/screen.e"
case "$(check sgr "$tui_tmp/screen.e" "! $label")" in
"bold=1 reverse=1 fg=39") ok "NO_COLOR: the selected row is bold and reversed, its marker kept" ;;
*) fail "NO_COLOR: the selected row: $(check sgr "$tui_tmp/screen.e" "! $label")" ;;
esac
tui_keys q
tui_ended "NO_COLOR: q"

# ---- the tuner at 80x24, from a folder with a long name ----------------------------
deep="$tui_tmp/a-folder-with-a-long-name/where-the-job-runs"
mkdir -p "$deep"
here=$PWD
cd "$deep" || fail "cd"
tui_start 80 24 "tune --repeat 1 --inputs 1..4 -- $BENCH --size 150 --iters 3 --seed {}"
cd "$here" || fail "cd back"
if tui_wait '^running ' 30; then
	fits "tuner 80x24 running" 80 24
else
	fail "tuner: no candidate running"
fi
tui_expect "tuner 80x24: the result" '^e export' 90
fits "tuner 80x24 result" 80 24
grep -Eq 'budget 300 s \([0-9]+ s left\) *$' "$tui_tmp/screen" && ok "tuner 80x24: the budget whole" ||
	{ fail "tuner 80x24: the budget"; tui_show; }
tr '\n' ' ' <"$tui_tmp/screen" | tr -s ' ' | grep -qF "in $deep " &&
	ok "tuner 80x24: the folder whole, on the command's second row" || { fail "tuner 80x24: the folder"; tui_show; }
if grep -q '… *$' "$tui_tmp/screen"; then fail "tuner 80x24: a line cut"; tui_show; else ok "tuner 80x24: no line cut"; fi
tui_keys q
i=0
while [ ! -f "$tui_tmp/rc" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$tui_tmp/rc" 2>/dev/null)" = 0 ] && ok "tuner: q leaves, status 0" || fail "tuner: status $(cat "$tui_tmp/rc" 2>/dev/null)"
finish
