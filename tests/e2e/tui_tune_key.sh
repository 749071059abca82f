# t in the dashboard: the selected group's command with its varying argument as {},
# the inputs seen there, both editable; then the tuner's screen runs in a child and q
# comes back to a redrawn dashboard that still answers keys. Then a job started in
# another folder with a relative script path (`python3 job.py N`, which reads a file
# of its folder): t offers that folder and the absolute command, and the tuning runs
# there (its warm-up succeeds).
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
# a program of their own, two members differing in one argument
cp "$(command -v sleep)" "$tui_tmp/napper" || skip "no sleep(1) to copy"
(exec setsid sh -c '"$0" 3001 & "$0" 3002 & wait' "$tui_tmp/napper") &
tui_job=$!

tui_start 120 40 "-d 0.5"
tui_keys / n a p p e r Enter
tui_expect "the two nappers are one group" '^(▶| ) +napper +2 '
tui_keys t
tui_expect "t: the command, {} where the members differ" 'tune command .*: /.*/napper \{\}$'
tui_keys Enter
tui_expect "t: the folder the job runs in" "run in folder .*: $PWD\$"
tui_keys Enter
tui_expect "t: the inputs seen there" 'inputs .*: 300[12],300[12]$'
# the line editor: cleared, typed, then the cursor home and more typed in front
tui_keys C-u 0 . 2 C-a 0 . 1 , Enter
tui_expect "the tuner's screen runs" '^jobs/s +threads:' 10
tui_expect "and finishes" '^e export' 60
tui_expect "on the inputs as edited (2 of them)" '^coretop tune +[0-9]+ candidates · 2 inputs'
tui_keys q
tui_expect "q comes back to the dashboard" 'tuner finished; back to the dashboard' 10
tui_expect "the dashboard is drawn again" '^(▶| ) +napper +2 '
tui_keys j
tui_keys q
tui_ended "q after tuning"

# python3 job.py N, started in a folder of its own, coretop in another; python3 found
# in a PATH of /usr/bin alone, so that the program t shows is known
[ -x /usr/bin/python3 ] || { finish; }
jobdir=$tui_tmp/jobdir
job=rel$$.py # a name no other job on this machine has
mkdir -p "$jobdir"
echo data >"$jobdir/data.txt"
cat >"$jobdir/$job" <<'PY'
import sys, time
open("data.txt").read()  # relative: only in its own folder
time.sleep(float(sys.argv[1]))
PY
kill -TERM "-$tui_job" 2>/dev/null
(cd "$jobdir" && PATH=/usr/bin:/bin exec setsid sh -c 'python3 "$0" 3001 & python3 "$0" 3002 & wait' "$job") &
tui_job=$!
tui_start 120 40 "-d 0.5"
# shellcheck disable=SC2046 # one key per character
tui_keys / $(echo "$job" | sed 's/./& /g') Enter
tui_expect "the two python jobs are one group" "^(▶| ) +python3 rel$$\\.py +2 "
tui_keys t
tui_expect "t: the command with the program and the script made absolute" \
	"tune command .*: /usr/bin/python3 $jobdir/rel$$\\.py \\{\\}\$"
tui_keys Enter
tui_expect "t: the job's folder, not coretop's" "run in folder .*: $jobdir\$"
tui_keys Enter
tui_expect "t: its inputs" 'inputs .*: 300[12],300[12]$'
tui_keys C-u 0 . 0 5 , 0 . 1 Enter
tui_expect "the tuner's screen shows the absolute command and the folder" \
	"^job: /usr/bin/python3 $jobdir/rel$$\\.py \\{\\} +in $jobdir\$" 10
# a figure in the heat map (splits far behind are cut, shown as "cut")
tui_expect "the warm-up succeeded: the heat map fills" '^procs +[0-9]+ .*[0-9]+\.[0-9]+' 30
tui_expect "and the tuning ends" '^e export' 60
grep -q "the command fails" "$tui_tmp/screen" && fail "the job failed: $(cat "$tui_tmp/screen")"
tui_keys q
tui_expect "back to the dashboard, status 0" 'tuner finished; back to the dashboard' 10
tui_keys q
tui_ended "q after tuning the python job"
finish
