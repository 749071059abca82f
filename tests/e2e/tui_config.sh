# Settings (coretoprc) and themes, on the fixture proc tree, with HOME and
# XDG_CONFIG_HOME in a scratch folder: a file's sort, grouping, interval, hidden column
# and theme on the screen; F2 changes a setting and saves it, atomically (no temporary
# file left, the mode kept, a read-only folder refused with the old file intact); a
# restart shows it; a bad file is one line with its line number and exit 2, never
# replaced, and --no-config starts past it; --config FILE; mono has no colour, 256 at
# TERM=screen-256color has 256-colour cells, light blue and no yellow; the setup screen
# at 80x24, 200x50 (every setting and its value on one screen, nothing cut) and 20x5.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
unset NO_COLOR
case $CORETOP in /*) bin=$CORETOP ;; *) bin=$PWD/$CORETOP ;; esac
fx="--proc-root tests/fixtures/proc-t0 --topology 'pack:2 core:16 pu:2'"
home=$tui_tmp/home
export HOME="$home" XDG_CONFIG_HOME="$home/xdg"
dir=$XDG_CONFIG_HOME/coretop
rcf=$dir/coretoprc
mkdir -p "$dir"

# tui_start through another program (env, setpriv): PROGRAM ARGS...
start_via() {
	_c=$CORETOP
	CORETOP=$1
	shift
	tui_start "$@"
	CORETOP=$_c
}
# the headings line of the groups table
headings() { grep -E '^ +GROUP ' "$tui_tmp/screen"; }
no_colour() { ! tui_attrs | grep -Eq '\^\[\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48)(;[0-9]+)*m'; }

# ---- a file's settings on the screen ---------------------------------------------
cat >"$rcf" <<'EOF'
# mine
[dashboard]
sort = WAIT% asc
group_by = parent
interval = 3
hide_columns = RUN
show_idle = true
theme = mono
EOF
chmod 640 "$rcf"
tui_start 120 40 "$fx"
tui_expect "the file's sort on the title line" '^groups [0-9]+ +sort WAIT% (▲|\^)'
tui_expect "the file's grouping in the header" 'by parent'
tui_expect "the file's interval in the header" 'every 3s'
# idle groups are told once rates are known: then none is hidden, all are listed
tui_expect "rates known" 'demand [0-9.]+ / 2 cores'
if grep -q 'idle hidden' "$tui_tmp/screen" || ! grep -Eq '^groups [1-9]' "$tui_tmp/screen"; then
	fail "show_idle = true: idle groups hidden"
	tui_show
else
	ok "show_idle = true: the idle groups are shown"
fi
tui_wait '^ +GROUP +PROCS'
if headings | grep -q ' RUN '; then fail "hide_columns = RUN: the RUN heading is shown"; tui_show
else ok "hide_columns = RUN: no RUN heading ($(headings | tr -s ' '))"; fi
headings | grep -q ' THR ' && ok "the other columns stay" || fail "THR gone too"
no_colour && ok "theme mono: no colour escapes" ||
	{ fail "theme mono: colour on the screen"; tui_attrs | head -5; }
tui_attrs | grep -q '\^\[\[7m\|\^\[\[[0-9;]*;7m' && ok "theme mono: headings in reverse" ||
	fail "theme mono: no reverse video"

# ---- F2: change a setting, save ---------------------------------------------------
tui_keys F2
tui_expect "F2 opens the setup screen" '^Setup: '
tui_expect "it shows the settings as they are" '^ group by +parent'
tui_wait '^ interval +every 3s' && ok "the interval row" || { fail "interval row"; tui_show; }
tui_wait '^ column RUN +hidden' && ok "RUN is listed hidden" || { fail "RUN row"; tui_show; }
tui_keys Down Down Right
tui_expect "Right changes the grouping" '^ group by +program'
tui_keys s
tui_expect "s saves and says where" 'saved ~/xdg/coretop/coretoprc'
tui_expect_gone "the setup screen closed" '^Setup: '
grep -qx 'group_by = program' "$rcf" && ok "the file holds the new grouping" ||
	{ fail "group_by not saved"; cat "$rcf"; }
for line in 'sort = WAIT% asc' 'interval = 3' 'hide_columns = RUN' 'show_idle = true' 'theme = mono'; do
	grep -qxF "$line" "$rcf" || fail "the file lost '$line'"
done
ok "the file keeps the other settings"
[ "$(ls -A "$dir")" = coretoprc ] && ok "no temporary file left beside it" ||
	fail "left in $dir: $(ls -A "$dir")"
[ "$(stat -c %a "$rcf")" = 640 ] && ok "the file's mode kept (640)" ||
	fail "mode $(stat -c %a "$rcf")"
tui_keys q
tui_ended "quit after saving"

tui_start 120 40 "$fx"
tui_expect "a restart shows the saved grouping" 'by program'
tui_expect "and the sort" '^groups [0-9]+ +sort WAIT% '
# Esc leaves without saving
cp "$rcf" "$tui_tmp/saved"
tui_keys F2
tui_expect "F2 again" '^Setup: '
tui_keys Down Down Right Escape
tui_expect "Esc: not saved, said so" 'not saved: the changes last until coretop quits'
cmp -s "$rcf" "$tui_tmp/saved" && ok "Esc wrote nothing" || fail "Esc changed the file"
tui_keys q
tui_ended "quit after Esc"

# ---- a bad file -------------------------------------------------------------------
printf '[dashboard]\n# a comment\n\ntheme = neon\n' >"$rcf"
cp "$rcf" "$tui_tmp/bad"
expect_exit 2 "^coretop: $rcf:4: unknown theme \"neon\" \\(themes: default, mono, 256, light\\)$" \
	"$CORETOP" --proc-root tests/fixtures/proc-t0
cmp -s "$rcf" "$tui_tmp/bad" && ok "the bad file is unchanged" || fail "the bad file changed"
printf '[dashboard]\nwindow = 5\ncolour = red\n' >"$tui_tmp/bad2"
expect_exit 2 "^coretop: $tui_tmp/bad2:3: unknown key \"colour\"" "$CORETOP" --config "$tui_tmp/bad2"
expect_exit 2 "^coretop: $tui_tmp/bad2:3: unknown key" "$CORETOP" -b -n 1 --config "$tui_tmp/bad2"
expect_exit 2 "^coretop: $tui_tmp/none: no such file" "$CORETOP" --config "$tui_tmp/none"
# -b reads no default file: the bad one does not stop it
"$CORETOP" -b -n 1 -d 0.1 --proc-root tests/fixtures/proc-t0 >/dev/null 2>&1 &&
	ok "-b ignores the default file" || fail "-b read the default file"

# --no-config starts past it; the setup screen will not save over it
tui_start 80 24 "$fx --no-config"
tui_expect "--no-config ignores the bad file" 'by job'
tui_expect "--no-config: idle groups hidden, as by default" 'idle hidden'
tui_keys F2
tui_expect "F2" '^Setup: '
tui_keys s
tui_expect "Save refuses to replace a file it cannot read" \
	'not saved: ~/xdg/coretop/coretoprc:4: unknown theme'
cmp -s "$rcf" "$tui_tmp/bad" && ok "the bad file is still byte-identical" || fail "the bad file changed"
tui_keys Escape q
tui_ended "quit after the refusal"

# ---- --config FILE, the default place, the 256 and light themes ---------------------
printf '[dashboard]\ngroup_by = user\ntheme = 256\n' >"$tui_tmp/other"
start_via env 120 40 "TERM=screen-256color '$bin' $fx --config '$tui_tmp/other'"
tui_expect "--config FILE reads that file" 'by user'
tui_attrs | grep -Eq '\^\[\[([0-9;]*;)?[34]8;5;[0-9]+' && ok "theme 256 at screen-256color: 256-colour cells" ||
	{ fail "theme 256: no 38;5/48;5 colours"; tui_attrs | head -5; }
tui_keys q
tui_ended "quit the 256 theme"
tui_start 120 40 "$fx --config '$tui_tmp/other'"
tui_expect "theme 256 at TERM=screen" 'by user'
if tui_attrs | grep -Eq '\^\[\[([0-9;]*;)?[34]8;5;'; then fail "theme 256 on 8 colours: 256-colour cells"
elif no_colour; then fail "theme 256 on 8 colours: no colour at all"
else ok "theme 256 falls back to the 8 colours at TERM=screen"; fi
tui_keys q
tui_ended "quit the fallback"

# no XDG_CONFIG_HOME, no file: defaults, silently; Save makes ~/.config/coretop 0700
rm -f "$rcf"
unset XDG_CONFIG_HOME
tui_start 80 24 "$fx"
tui_expect "no file: the defaults" 'by job +every 1.5s'
tui_keys F2
tui_expect "F2 at 80x24" '^Setup: Up/Down choose'
tui_wait '^ theme +default' && ok "80x24: the theme row" || { fail "80x24: no theme row"; tui_show; }
tui_expect "80x24: the setup key bar" '^EnterChange sSave EscLeave'
tui_keys Down Down Down Down Down Down Right Right
tui_expect "the theme changes in place" '^ theme +256'
tui_keys F10
tui_expect "F10 saves to the default place" 'saved ~/.config/coretop/coretoprc'
[ "$(stat -c %a "$home/.config/coretop")" = 700 ] && ok "the folder made 0700" ||
	fail "folder mode $(stat -c %a "$home/.config/coretop")"
grep -qx 'theme = 256' "$home/.config/coretop/coretoprc" && ok "the theme saved" || fail "theme not saved"
tui_keys q
tui_ended "quit after F10"

# ---- a folder that cannot be written ------------------------------------------------
ro=$(mktemp -d)
chmod 755 "$ro"
mkdir "$ro/coretop"
printf '[dashboard]\ntheme = light\n' >"$ro/coretop/coretoprc"
chmod 644 "$ro/coretop/coretoprc"
cp "$ro/coretop/coretoprc" "$tui_tmp/ro.before"
chmod 555 "$ro/coretop"
# root writes anywhere: run coretop as nobody
if [ "$(id -u)" = 0 ]; then
	start_via setpriv 80 24 "--reuid=65534 --regid=65534 --clear-groups '$bin' $fx --config '$ro/coretop/coretoprc'"
else
	tui_start 80 24 "$fx --config '$ro/coretop/coretoprc'"
fi
tui_expect "light theme file read" 'by job'
tui_wait '^ +GROUP '
if ! tui_attrs | grep -Eq '\^\[\[([0-9;]*;)?(34|44)(;[0-9;]+)?m'; then fail "theme light: nothing blue"
elif tui_attrs | grep -Eq '\^\[\[([0-9;]*;)?33(;[0-9;]+)?m'; then fail "theme light: yellow, unreadable on white"
else ok "theme light: blue bars and labels, no yellow"; fi
tui_keys F2
tui_expect "F2 (read-only folder)" '^Setup: '
tui_keys Down Down Right s
tui_expect "a folder that cannot be written: one message" \
	'not saved, cannot write \(Permission denied\): /tmp/'
tui_expect "and the setup screen stays" '^Setup: '
cmp -s "$ro/coretop/coretoprc" "$tui_tmp/ro.before" && ok "the old file is byte-identical" ||
	fail "the old file changed"
[ "$(ls -A "$ro/coretop")" = coretoprc ] && ok "no temporary file" || fail "left: $(ls -A "$ro/coretop")"
tui_keys Escape q
tui_ended "quit after the refused write"
chmod 755 "$ro/coretop"
rm -rf "$ro"

# ---- 200x50: every setting on one screen, each with the file's value ----------------
printf '[dashboard]\nsort = WAIT%% asc\ngroup_by = parent\ninterval = 3\nwindow = 30\nhide_columns = RUN, POOLS\nshow_idle = true\ntheme = mono\n' \
	>"$tui_tmp/wide"
tui_start 200 50 "$fx --config '$tui_tmp/wide'"
tui_expect "200x50: the file read" 'by parent +every 3s +window 30s'
tui_keys F2
tui_expect "200x50: F2 opens the setup screen" '^Setup: Up/Down choose, Left/Right/Enter change, s saves, Esc leaves$'
sed 's/ *$//' "$tui_tmp/screen" >"$tui_tmp/wide.screen"
missing=""
for row in 'sort by +WAIT%' 'sort order +ascending' 'group by +parent' 'interval +every 3s' \
	'window +30s' 'idle groups +shown' 'theme +mono' 'column PROCS +shown' 'column RUN +hidden' \
	'column POOLS +hidden' 'column VERDICT +shown' 'column HISTORY +shown' \
	"Save to +$tui_tmp/wide"; do
	grep -Eq "^ $row\$" "$tui_tmp/wide.screen" || missing="$missing [$row]"
done
[ -z "$missing" ] && ok "200x50: every setting shown with its value, the file's path whole" ||
	{ fail "200x50: not on the setup screen:$missing"; tui_show; }
# all of it on one screen: from the first setting to Save, then the key bar
first=$(grep -n '^ sort by ' "$tui_tmp/wide.screen" | cut -d: -f1)
last=$(grep -n '^ Save to ' "$tui_tmp/wide.screen" | cut -d: -f1)
keys=$(grep -n '^EnterChange sSave EscLeave' "$tui_tmp/wide.screen" | cut -d: -f1)
[ -n "$first" ] && [ -n "$last" ] && [ "$keys" = 50 ] && [ "$((last - first))" -ge 25 ] &&
	ok "200x50: the list from 'sort by' (line $first) to 'Save to' (line $last) unscrolled, the key bar on line 50" ||
	{ fail "200x50: the setup screen's rows: first $first, last $last, key bar $keys"; tui_show; }
if /usr/bin/python3 tests/e2e/lib/sizes.py fits 200 50 "$tui_tmp/wide.screen" && ! grep -q '…' "$tui_tmp/wide.screen"; then
	ok "200x50: the setup screen fits, nothing cut"
else
	fail "200x50: a line too wide or cut"
	tui_show
fi
tui_keys Down Down Right s
tui_expect "200x50: s saves" "saved $tui_tmp/wide"
grep -qx 'group_by = program' "$tui_tmp/wide" && ok "200x50: the file holds the change" ||
	{ fail "200x50: not saved"; cat "$tui_tmp/wide"; }
tui_keys q
tui_ended "quit at 200x50"

# ---- 20x5 ----------------------------------------------------------------------------
tui_start 20 5 "$fx --no-config"
tui_wait '^EnterDrill' 5
tui_keys F2
tui_expect "20x5: the setup screen" '^Setup: Up/Down ch'
tui_expect "20x5: a setting row" '^ sort by +DEMAND'
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
	tui_keys Down
done
tui_expect "20x5: the list scrolls to Save" '^ Save to'
# each line where it belongs: the header, the heading, two rows, the key bar
tui_expect "20x5: the key bar" '^EnterChange sSave'
if sed -n 2p "$tui_tmp/screen" | grep -q '^Setup: ' && sed -n 3,4p "$tui_tmp/screen" | grep -c '^ [A-Za-z]' | grep -qx 2 &&
	sed -n 5p "$tui_tmp/screen" | grep -q '^EnterChange'; then
	ok "20x5: heading, two rows and the key bar, each on its line"
else
	fail "20x5: garbled"
	tui_show
fi
tui_keys Escape q
tui_ended "quit at 20x5"
finish
