# coretop -b --prometheus: accepted by promtool, with hostile process names escaped:
# a quote and a backslash in the format's escapes, ESC, BEL, U+009B and U+202E as the
# visible text of sampler/escape.h (the label reads back as \e, \x07, \u009b, \u202e).
. tests/e2e/lib.sh
command -v promtool >/dev/null || skip "promtool (Debian package prometheus) not installed"
tmp=$(mktemp -d)
trap 'kill $pid $pid2 2>/dev/null; wait; rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
# a busy process whose name carries a quote, a backslash and an escape sequence
cp /bin/sh "$tmp/we\"ird\\name"
"$tmp/we\"ird\\name" -c 'while :; do :; done' &
pid=$!
evil=$(printf 'ev\033]0;x\007\302\233\342\200\256il')
cp /bin/sh "$tmp/$evil"
"$tmp/$evil" -c 'while :; do :; done' &
pid2=$!
sleep 0.5
"$CORETOP" -b -d 0.5 --prometheus >"$tmp/out.prom" || fail "exit $?"
promtool check metrics <"$tmp/out.prom" && ok "promtool check metrics" || fail "promtool rejected the output"
grep -q '^coretop_machine_demand_cores [0-9]' "$tmp/out.prom" && ok "machine demand" || fail "no machine demand"
grep -q 'coretop_group_used_cores{group="we\\"ird\\\\\\\\name"' "$tmp/out.prom" \
	&& ok "label escaped" || { grep weird "$tmp/out.prom"; fail "label not escaped"; }
grep -q 'coretop_group_used_cores{group="ev\\\\e\]0;x\\\\x07\\\\u009b\\\\u202eil"' "$tmp/out.prom" \
	&& ok "ESC, BEL, U+009B and U+202E shown as text" \
	|| { grep -a '{group="ev' "$tmp/out.prom" | head -3 | od -c | head; fail "hostile label not escaped"; }
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/out.prom" ||
	LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$tmp/out.prom" ||
	grep -q "$(printf '\342\200\256')" "$tmp/out.prom"; then
	fail "raw control bytes in the exposition"
else
	ok "no raw control byte in the exposition"
fi
n=$(grep -c '^coretop_machine_supply_cores ' "$tmp/out.prom")
[ "$n" = 1 ] && ok "one sample by default" || fail "$n samples"
finish
