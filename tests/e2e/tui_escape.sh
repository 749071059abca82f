# The dashboard on a copy of tests/fixtures/proc-t0 whose "my (weird) proc" is renamed
# with a bidi override (U+202E), an OSC title sequence (ESC ] 0 ; ... BEL) and a C1 CSI
# (U+009B): every one is shown as text (\u202e, \e, \x07, \u009b), none reaches the
# terminal: the pane keeps its title and its text its order.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
export NO_COLOR=1
tree="$tui_tmp/proc"
cp -a tests/fixtures/proc-t0 "$tree"
evil=$(printf 'evil\342\200\256txt.sh\033]0;pwned\007\302\233')
printf '/tmp/x/%s\0' "$evil" 60 >"$tree/22549/cmdline"
printf '%.15s\n' "$evil" >"$tree/22549/comm"
tui_start 160 40 "--proc-root '$tree' --topology 'pack:1 core:2 pu:1'"

shown='evil\\u202etxt\.sh\\e\]0;pwned\\x07\\u009b'
tui_expect "the group's name is shown escaped" "$shown"
if grep -q "$(printf '\342\200\256')" "$tui_tmp/screen" ||
	LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$tui_tmp/screen"; then
	fail "a raw bidi or C1 control on the screen"
else
	ok "no raw bidi or C1 control on the screen"
fi
title=$(tm display-message -p '#{pane_title}')
case "$title" in *pwned*) fail "the name set the pane's title: $title" ;; *) ok "the pane's title is untouched" ;; esac
tui_keys / e v i l Enter Enter
tui_expect "its processes, escaped" "^$shown › processes 1 "
tui_keys Escape Escape
tui_keys C-c
tui_ended "Ctrl-C"
finish
