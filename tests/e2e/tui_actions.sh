# Actions in the dashboard, on processes this test owns: a group of two `actjob`
# processes of two threads each (a copy of a small C program, mostly asleep). F9, x:
# the signal menu, asked y/N — n cancels and nothing happens, STOP shows as state T in
# /proc and CONT brings them back, TERM ends both; n: nice 5 on every thread (stat field
# 19), F8 cancelled, F7 asked and applied; a: a bad CPU list gives one message and
# changes nothing, affinity 0 on every thread (Cpus_allowed_list); one process at the
# processes level, one thread at the threads level (a signal there says it goes to the
# whole process); the question at 80x24, 200x50 and 20x5; Ctrl-C at a prompt gives the
# terminal back; under --proc-root every action is refused.
. tests/e2e/lib.sh
. tests/e2e/lib/tui.sh
command -v cc >/dev/null || skip "no C compiler"
cat >"$tui_tmp/actjob.c" <<'C'
#include <pthread.h>
#include <time.h>
#include <unistd.h>
static void *nap(void *arg) { (void)arg; for (;;) pause(); return NULL; }
int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, nap, NULL))
		return 1;
	for (;;) { /* about 3% of a core: busy 1 ms, then asleep 30 ms (not an idle group) */
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		do
			clock_gettime(CLOCK_MONOTONIC, &b);
		while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec < 1000000);
		usleep(30000);
	}
}
C
cc -O1 -pthread -o "$tui_tmp/actjob" "$tui_tmp/actjob.c" || skip "cannot build the test job"
(exec setsid sh -c '"$0" & "$0" & wait' "$tui_tmp/actjob") &
tui_job=$!
jobs=""
# a stopped job ignores TERM until continued: KILL whatever is left
trap 'kill -KILL $jobs 2>/dev/null; tui_cleanup' EXIT
for _ in $(seq 50); do
	jobs=$(pgrep -P "$tui_job" | tr '\n' ' ')
	n=0
	for p in $jobs; do n=$((n + $(ls "/proc/$p/task" 2>/dev/null | wc -l))); done
	[ "$n" -eq 4 ] && break
	sleep 0.1
done
[ "$n" -eq 4 ] || fail "the two jobs never had two threads each: $jobs"
set -- $jobs
job1=$1 job2=$2
lo=$job1 hi=$job2
[ "$lo" -gt "$hi" ] && lo=$job2 hi=$job1

# the distinct values of every thread of the processes given: nice, allowed CPUs, state
nices() { for p; do awk '{ print $19 }' /proc/"$p"/task/*/stat; done | sort -u | tr '\n' ' '; }
cpus() { for p; do awk '/^Cpus_allowed_list:/ { print $2 }' /proc/"$p"/task/*/status; done | sort -u | tr '\n' ' '; }
states() { for p; do awk '{ print $3 }' /proc/"$p"/stat 2>/dev/null; done | sort -u | tr '\n' ' '; }
# until_is WHAT WANT CMD...: CMD's output is WANT within 5 s
until_is() {
	_what=$1 _want=$2
	shift 2
	for _ in $(seq 50); do
		[ "$("$@")" = "$_want" ] && { ok "$_what"; return 0; }
		sleep 0.1
	done
	fail "$_what: $* is '$("$@")', expected '$_want'"
}
cpus0=$(cpus $jobs)

tui_start 120 40 "-d 0.5"
tui_keys / a c t j o b Enter
tui_expect "the two jobs are one group" '^.? +actjob +2 '
tui_keys '?'
tui_expect "the help lists F9 x" '^F9 x +send a signal'
for k in 'n +set the nice value' 'F7 F8 +nice -1' 'a +set the CPUs'; do
	grep -Eq "^$k" "$tui_tmp/screen" || fail "the help does not list '$k'"
done
tui_keys Escape
tui_expect "the key bar shows the actions" 'F9Signal nNice aAffinity'

# F9, TERM, then n: nothing happens
tui_keys F9
tui_expect "F9: the signal menu names the group" '^Signal to 2 processes of "actjob" \(Enter picks, Esc cancels\)'
tui_expect "the menu lists TERM KILL STOP CONT INT HUP" '^  HUP '
tui_keys Enter
tui_expect "TERM is asked, the pids named in order" \
	"^Send SIGTERM to 2 processes of \"actjob\" \\(pids $lo $hi\\)\\? y/N"
tui_keys n
tui_expect "n cancels" 'SIGTERM cancelled: nothing sent'
sleep 0.5
kill -0 "$job1" && kill -0 "$job2" && ok "after n both jobs live" || fail "a job died after n"

# STOP, then CONT
tui_keys x Down Down Enter
tui_expect "x, STOP asked" '^Send SIGSTOP to 2 processes of "actjob"'
tui_keys y
tui_expect "y: STOP sent to both" 'SIGSTOP: 2 of 2 sent to "actjob"'
until_is "both jobs stopped (state T)" "T " states $jobs
tui_keys F9 Down Down Down Enter
tui_expect "CONT asked" '^Send SIGCONT to 2 processes of "actjob"'
tui_keys y
tui_expect "CONT sent" 'SIGCONT: 2 of 2 sent to "actjob"'
for _ in $(seq 50); do case "$(states $jobs)" in *T*) sleep 0.1 ;; *) break ;; esac; done
case "$(states $jobs)" in *T*) fail "still stopped after CONT: $(states $jobs)" ;; *) ok "CONT: running again ($(states $jobs))" ;; esac

# nice 5 on every thread; F8 cancelled; F7 applied
tui_keys n
tui_expect "n: the nice prompt offers the present value" '^nice -20\.\.19: 0_ +for every thread of 2 processes of "actjob"'
tui_keys C-u 5 Enter
tui_expect "nice 5 asked, with the present value" '^Set nice 5 \(now 0\) on every thread of 2 processes of "actjob"'
tui_keys y
tui_expect "nice 5 set on the 4 threads" 'nice 5: 2 of 2 set on "actjob" \(4 threads\)'
until_is "every thread has nice 5" "5 " nices $jobs
tui_keys F8
tui_expect "F8 asks for one more" '^Set nice 6 \(now 5\) on every thread'
tui_keys Escape
tui_expect "Esc cancels" 'nice 6 cancelled: nothing changed'
[ "$(nices $jobs)" = "5 " ] && ok "nothing changed" || fail "nice is $(nices $jobs) after a cancel"
tui_keys F7
tui_expect "F7 asks for one less" '^Set nice 4 \(now 5\) on every thread'
tui_keys y
if [ "$(id -u)" = 0 ]; then
	until_is "F7, y: every thread has nice 4" "4 " nices $jobs
	base=4
else
	# lowering nice is refused without CAP_SYS_NICE: the kernel's reason, per process
	tui_expect "F7 refused with the kernel's reason" \
		'nice 4: 0 of 2 set; pid [0-9]+: Permission denied \(EACCES: lowering nice needs CAP_SYS_NICE\)'
	[ "$(nices $jobs)" = "5 " ] && ok "refused: nothing changed" || fail "nice is $(nices $jobs)"
	base=5
fi

# a bad CPU list: one message, nothing changed
tui_keys a
tui_expect "a: the affinity prompt offers the present CPUs" "^CPUs: ${cpus0% }_ +for every thread of 2 processes"
tui_keys C-u 0 - Enter
tui_expect "0-: one message" '0-: a range needs its last CPU'
grep -q 'Set affinity' "$tui_tmp/screen" && fail "a bad list went on to the question"
[ "$(cpus $jobs)" = "$cpus0" ] && ok "a bad list changes nothing" || fail "CPUs now $(cpus $jobs)"
tui_keys a C-u 9 9 9 9 9 Enter
tui_expect "99999: not online" 'CPU 99999 is not online here: the online CPUs are '
tui_keys a C-u 0 Enter
tui_expect "affinity 0 asked" '^Set affinity 0 on every thread of 2 processes of "actjob"'
tui_keys y
tui_expect "affinity 0 set on the 4 threads" 'affinity 0: 2 of 2 set on "actjob" \(4 threads\)'
until_is "every thread may run on CPU 0 alone" "0 " cpus $jobs

# the processes level: one process
tui_keys Enter
tui_expect "drilled into the group" '^ +PID '
tui_keys n C-u 7 Enter
tui_expect "one process asked" "^Set nice 7 \\(now $base\\) on every thread of process [0-9]+ \"actjob\"\\? y/N"
one=$(sed -n "s/^Set nice 7 (now $base) on every thread of process \([0-9]*\) .*/\1/p" "$tui_tmp/screen")
tui_keys y
tui_expect "nice 7 set on that process" "nice 7 set on process $one \"actjob\" \\(2 threads\\)"
other=$job1
[ "$other" = "$one" ] && other=$job2
until_is "its threads have nice 7" "7 " nices "$one"
[ "$(nices "$other")" = "$base " ] && ok "the other process kept nice $base" || fail "the other has $(nices "$other")"

# the threads level: one thread; a signal goes to the process
tui_keys Enter
tui_expect "drilled into the process acted on (it stayed selected)" "^actjob .* $one actjob .*threads 2 "
tui_keys x Enter
tui_expect "a thread's signal goes to its process, and says so" \
	'^Send SIGTERM to process [0-9]+ "actjob" \(a signal goes to the whole process of thread [0-9]+\)\? y/N'
tui_keys n
tui_keys n C-u 1 1 Enter
tui_expect "one thread asked" '^Set nice 11 \(now 7\) on thread [0-9]+ of process [0-9]+ "actjob"\? y/N'
tid=$(sed -n 's/^Set nice 11 (now 7) on thread \([0-9]*\) of .*/\1/p' "$tui_tmp/screen")
tui_keys y
tui_expect "nice 11 set on that thread alone" "nice 11 set on thread $tid of process [0-9]+ \"actjob\" \\(1 thread\\)"
[ "$(awk '{ print $19 }' "/proc/$one/task/$tid/stat")" = 11 ] && ok "the thread has nice 11" ||
	fail "thread $tid has nice $(awk '{ print $19 }' "/proc/$one/task/$tid/stat")"
[ "$(nices "$one")" = "11 7 " ] && ok "its sibling kept nice 7" || fail "the process's threads: $(nices "$one")"

# the question at other sizes, "? y/N" always in sight
tui_keys Escape Escape
tui_expect "back at the groups" '^.? +actjob +2 '
# question_at W H REGEX: at W x H the menu shows, then the question as REGEX "? y/N"
question_at() {
	tm resize-window -x "$1" -y "$2"
	sleep 0.3
	tui_keys F9
	tui_expect "${1}x$2: the menu shows TERM" '^  TERM '
	tui_keys Enter
	tui_expect "${1}x$2: the question, ending in ? y/N" "^$3\\? y/N\$"
	tui_keys n
	tui_expect "${1}x$2: n cancels" 'SIGTERM cancelled'
}
whole='Send SIGTERM to 2 processes of "actjob" \(pids [0-9]+ [0-9]+\)'
question_at 80 24 "$whole"
question_at 200 50 "$whole"
question_at 20 5 'Send SIGTERM t.*'
tm resize-window -x 120 -y 40

# Ctrl-C at a prompt: the terminal back, nothing left running
tui_keys a
tui_expect "a prompt is up" '^CPUs: 0_'
tui_keys C-c
tui_ended "Ctrl-C at a prompt"

# TERM, y: both end
tui_start 80 24 "-d 0.5"
tui_keys / a c t j o b Enter
tui_expect "again: the two jobs" '^.? +actjob +2 '
tui_keys F9 Enter y
tui_expect "TERM sent to both" 'SIGTERM: 2 of 2 sent to "actjob"'
until_is "both jobs ended" "" states $jobs
tui_keys q
tui_ended "q after TERM"

# a captured tree: nothing acts on it
tui_start 120 40 "--proc-root tests/fixtures/proc-t0 --topology 'pack:2 core:16 pu:2'"
tui_expect "the fixture's groups" 'python3 job\.py +3 +3 '
for k in F9 x n a F7 F8; do
	# another message first, so that each key's own refusal is seen
	tui_keys p
	tui_expect "p says something else" '^(paused|sampling every)'
	tui_keys "$k"
	tui_expect "--proc-root: $k is refused" "^--proc-root: these are not this machine's processes; nothing is sent"
	grep -Eq '^Signal to|y/N|^nice -20|^CPUs:' "$tui_tmp/screen" && fail "--proc-root: $k went on to ask"
done
tui_keys q
tui_ended "q after --proc-root"
finish
