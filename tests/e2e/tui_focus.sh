# Focus at every size (80x24, 120x40, 200x50, 20x5): on a busy machine the job is what
# shows. Idle and kernel groups are hidden by default and the title counts them; i
# shows them (with WAIT% blank where the demand is under 0.05 cores), i hides them
# again; the meters carry their legend wherever bars are drawn; no line is wider than
# the terminal. A job of busy processes under a name of its own is never hidden.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
cp "$(command -v yes)" "$tui_tmp/focusjob" || skip "no yes(1) to copy"
n=$(($(nproc) + 1))
(exec setsid sh -c 'i=0; while [ $i -lt '"$n"' ]; do "$0" >/dev/null & i=$((i + 1)); done; wait' \
	"$tui_tmp/focusjob") &
tui_job=$!
export NO_COLOR=1
widths_fit() { # WIDTH WHAT
	if /usr/bin/python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > int(sys.argv[1]) for l in open(sys.argv[2], encoding="utf-8")))' "$1" "$tui_tmp/screen"; then
		ok "$2: no line wider than $1"
	else
		fail "$2: a line wider than $1"
		tui_show
	fi
}
for size in 80x24 120x40 200x50; do
	w=${size%x*} h=${size#*x}
	tui_start "$w" "$h" "-d 0.5"
	tui_expect "$size: the busy job is shown" '^.{0,3}focusjob +[0-9]+ ' 10
	tui_expect "$size: idle and kernel groups hidden, counted" '^groups [0-9]+ .* [0-9]+ idle hidden \(i shows\)'
	grep -Eq '^.{0,3}\[(kthreadd|kworker|rcu_[a-z_]*)\] ' "$tui_tmp/screen" &&
		fail "$size: a kernel thread's group shown by default"
	grep -q 'usr #sys' "$tui_tmp/screen" && ok "$size: the meters' legend" ||
		fail "$size: no legend beside the bars"
	widths_fit "$w" "$size, hidden"
	tui_keys i
	tui_expect "$size: i shows them" '^groups [0-9]+ +sort [A-Z%]+ .$' 5
	if [ "$h" -ge 40 ]; then
		tui_keys / k t h r e a d d Enter
		tui_expect "$size: a kernel group among them" '^.{0,3}\[kthreadd\] '
		# its WAIT% (after DEMAND) is blank: two figures then the supply (once the
		# rates are in: a loaded machine can take seconds over the first reading)
		tui_expect "$size: WAIT% blank below a demand of 0.05" \
			'^.{0,3}\[kthreadd\] +1 +1 +[0-9]+ +[0-9.]+ +0\.0[0-4] +[0-9]+ ' 10
		tui_keys Escape
	fi
	widths_fit "$w" "$size, shown"
	tui_keys i
	tui_expect "$size: i hides them again" 'idle hidden \(i shows\)'
	tui_keys q
	tui_ended "$size: q"
done
tui_start 20 5 "-d 0.5"
sleep 1
tm capture-pane -p >"$tui_tmp/screen"
widths_fit 20 "20x5"
tui_keys i
sleep 0.5
tm capture-pane -p >"$tui_tmp/screen"
widths_fit 20 "20x5 after i"
tui_keys q
tui_ended "20x5: q"
finish
