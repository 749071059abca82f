# Helpers for the dashboard's end-to-end scripts (sourced after tests/e2e/lib.sh): the
# real binary in a private tmux server, driven with send-keys and read back with
# capture-pane. Kept out of tests/e2e/*.sh so tests/run.sh does not run it as a test.
#
# tui_start W H ARGS  runs, in a W x H pane, a shell script that records the terminal
# modes (stty -g), prints SHELL-BEFORE, runs "$CORETOP ARGS" (ARGS is shell text:
# quote inside it) with stderr to a file, then records its status and the modes again
# and prints SHELL-AFTER: so a test can tell that quitting gave the shell back intact.
command -v tmux >/dev/null 2>&1 || skip "tmux not installed"
tui_tmp=$(mktemp -d)
# the dashboard reads $XDG_CONFIG_HOME/coretop/coretoprc: a developer's own settings
# must not change what the tests see (tui_config.sh sets its own)
export XDG_CONFIG_HOME="$tui_tmp/xdg"
tui_runs=0
tui_sock="coretop-e2e-$$-0"
tui_job=""
tm() { tmux -L "$tui_sock" -f /dev/null "$@"; }
tui_cleanup() {
	tm kill-server 2>/dev/null
	# dash's kill takes no "--": the negative pid names the process group
	[ -n "$tui_job" ] && kill -TERM "-$tui_job" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tui_tmp"
}
trap tui_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# a UTF-8 locale when the system has one: the screen then shows "×", "…" and blocks
case "$(locale -a 2>/dev/null)" in
*C.utf8* | *C.UTF-8*) tui_locale=C.UTF-8 ;;
*) tui_locale=C ;;
esac

tui_start() { # WIDTH HEIGHT ARGS
	rm -f "$tui_tmp/rc" "$tui_tmp/pid" "$tui_tmp/stderr" "$tui_tmp/stty.before" "$tui_tmp/stty.after"
	cat >"$tui_tmp/run.sh" <<SH
export LC_ALL=$tui_locale TERM=screen
# as an interactive shell does: Ctrl-C is for the program in the foreground
trap : INT
stty -g >"$tui_tmp/stty.before"
echo SHELL-BEFORE
sh "$tui_tmp/coretop.sh" 2>"$tui_tmp/stderr"
echo \$? >"$tui_tmp/rc.tmp"
stty -g >"$tui_tmp/stty.after"
mv "$tui_tmp/rc.tmp" "$tui_tmp/rc"
echo SHELL-AFTER
exec sleep 600
SH
	# its own pid first, so signals go to coretop alone
	printf 'echo $$ >"%s/pid"\nexec "%s" %s\n' "$tui_tmp" "$CORETOP" "$3" >"$tui_tmp/coretop.sh"
	# a fresh server each time: one being killed may still hold the old socket
	tm kill-server 2>/dev/null
	tui_runs=$((tui_runs + 1))
	tui_sock="coretop-e2e-$$-$tui_runs"
	tm new-session -d -c "$PWD" -x "$1" -y "$2" "sh $tui_tmp/run.sh" || fail "tmux new-session"
}

tui_pid() { cat "$tui_tmp/pid" 2>/dev/null; }

# tui_wait REGEX [SECONDS]: until the pane shows REGEX (the pane is left in $tui_tmp/screen)
tui_wait() {
	_i=0 _n=$((${2:-5} * 10))
	while [ $_i -lt $_n ]; do
		tm capture-pane -p >"$tui_tmp/screen" 2>/dev/null
		grep -Eq -- "$1" "$tui_tmp/screen" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

tui_show() { sed 's/^/    | /' "$tui_tmp/screen"; }

tui_expect() { # DESCRIPTION REGEX [SECONDS]
	if tui_wait "$2" "${3:-5}"; then ok "$1"; else fail "$1: /$2/ not on the screen"; tui_show; fi
}

# tui_gone REGEX [SECONDS]: until the pane no longer shows REGEX
tui_expect_gone() { # DESCRIPTION REGEX [SECONDS]
	_i=0 _n=$((${3:-5} * 10))
	while [ $_i -lt $_n ]; do
		tm capture-pane -p >"$tui_tmp/screen" 2>/dev/null
		grep -Eq -- "$2" "$tui_tmp/screen" || { ok "$1"; return 0; }
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "$1: /$2/ still on the screen"
	tui_show
}

tui_keys() { tm send-keys "$@"; }

# The pane with attributes: one line per screen line, escape sequences as text "^[".
tui_attrs() { tm capture-pane -p -e | sed 's/\x1b/^[/g'; }

# tui_sgr TEXT: the attributes in force where TEXT first shows on the pane, as
# "bold=0|1 fg=N bg=N" (N: the SGR colour, 39/49 the defaults). capture-pane -e only
# writes changes, so a row can inherit its attributes from the row before.
tui_sgr() {
	tm capture-pane -p -e | /usr/bin/python3 -c '
import re, sys
text, want = sys.stdin.read(), sys.argv[1]
bold, fg, bg = 0, 39, 49
for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", text):
    if m.group(2) is not None:
        if want in m.group(2):
            break
        continue
    codes = [int(c) if c else 0 for c in m.group(1).split(";")]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0: bold, fg, bg = 0, 39, 49
        elif c == 1: bold = 1
        elif c == 22: bold = 0
        elif 30 <= c <= 37 or c == 39: fg = c
        elif 40 <= c <= 47 or c == 49: bg = c
        elif c in (38, 48):  # 256-colour or RGB: skip its arguments
            if c == 38: fg = 38
            else: bg = 48
            i += 2 if i + 1 < len(codes) and codes[i + 1] == 5 else 4
        i += 1
print("bold=%d fg=%d bg=%d" % (bold, fg, bg))
' "$1"
}

# tui_ended HOW: coretop exited 0 within 5 s, stderr empty, the terminal modes as they
# were, the alternate screen off and the shell's text back with no dashboard left over.
tui_ended() {
	_i=0
	while [ ! -f "$tui_tmp/rc" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	if [ ! -f "$tui_tmp/rc" ]; then
		fail "$1: coretop still running after 5 s"
		tm capture-pane -p >"$tui_tmp/screen"
		tui_show
		return
	fi
	rc=$(cat "$tui_tmp/rc")
	[ "$rc" = 0 ] && ok "$1: exit status 0" || fail "$1: exit status $rc"
	if [ -s "$tui_tmp/stderr" ]; then fail "$1: stderr: $(head -c 2000 "$tui_tmp/stderr")"; fi
	cmp -s "$tui_tmp/stty.before" "$tui_tmp/stty.after" && ok "$1: terminal modes restored" ||
		fail "$1: stty before $(cat "$tui_tmp/stty.before") after $(cat "$tui_tmp/stty.after")"
	tui_wait SHELL-AFTER 2
	[ "$(tm display -p '#{alternate_on}')" = 0 ] && ok "$1: alternate screen off" ||
		fail "$1: alternate screen still on"
	if grep -q SHELL-BEFORE "$tui_tmp/screen" && ! grep -Eq 'GROUP|sort |demand' "$tui_tmp/screen"; then
		ok "$1: the shell's screen is back, nothing of the dashboard left"
	else
		fail "$1: residue on the screen"
		tui_show
	fi
	if [ -n "$(tui_pid)" ] && kill -0 "$(tui_pid)" 2>/dev/null; then fail "$1: process still alive"; fi
}
