# t in the dashboard: the selected group's command with its varying argument as {},
# the inputs seen there, both editable; then the tuner's screen runs in a child and q
# comes back to a redrawn dashboard that still answers keys.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
# a program of their own, two members differing in one argument
cp "$(command -v sleep)" "$tui_tmp/napper" || skip "no sleep(1) to copy"
(exec setsid sh -c '"$0" 3001 & "$0" 3002 & wait' "$tui_tmp/napper") &
tui_job=$!

tui_start 120 40 "-d 0.5"
tui_keys / n a p p e r Enter
tui_expect "the two nappers are one group" '^ +napper +2 '
tui_keys t
tui_expect "t: the command, {} where the members differ" 'tune command .*: /.*/napper \{\}$'
tui_keys Enter
tui_expect "t: the inputs seen there" 'inputs .*: 300[12],300[12]$'
tui_keys C-u 0 . 1 , 0 . 2 Enter
tui_expect "the tuner's screen runs" '^jobs/s +threads:' 10
tui_expect "and finishes" '^e export' 60
tui_keys q
tui_expect "q comes back to the dashboard" 'tuner finished; back to the dashboard' 10
tui_expect "the dashboard is drawn again" '^ +napper +2 '
tui_keys j
tui_keys q
tui_ended "q after tuning"
finish
