# coretop -b --prometheus: accepted by promtool, with a hostile process name escaped.
. tests/e2e/lib.sh
command -v promtool >/dev/null || skip "promtool (Debian package prometheus) not installed"
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait; rm -rf "$tmp"' EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
# a busy process whose name carries a quote, a backslash and an escape sequence
cp /bin/sh "$tmp/we\"ird\\name"
"$tmp/we\"ird\\name" -c 'while :; do :; done' &
pid=$!
sleep 0.5
"$CORETOP" -b -d 0.5 --prometheus >"$tmp/out.prom" || fail "exit $?"
promtool check metrics <"$tmp/out.prom" && ok "promtool check metrics" || fail "promtool rejected the output"
grep -q '^coretop_machine_demand_cores [0-9]' "$tmp/out.prom" && ok "machine demand" || fail "no machine demand"
grep -q 'coretop_group_used_cores{group="we\\"ird\\\\name"' "$tmp/out.prom" \
	&& ok "label escaped" || { grep weird "$tmp/out.prom"; fail "label not escaped"; }
n=$(grep -c '^coretop_machine_supply_cores ' "$tmp/out.prom")
[ "$n" = 1 ] && ok "one sample by default" || fail "$n samples"
finish
