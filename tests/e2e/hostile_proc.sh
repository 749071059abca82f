# Hostile inputs end cleanly and quickly: a captured proc tree with FIFOs where files
# were, a CPU number no kernel has, thread counts of -1 and 9999999999, a quota period of
# 1e12 us and, between the two samples, counters that jump to 2^64 - 1 (no hang, bounded
# memory, sane figures); topologies too big or not files (exit 2, one line); and a
# SIGTERM or SIGINT while a big topology loads (the process ends within the second).
. tests/e2e/lib.sh
command -v mkfifo >/dev/null 2>&1 || skip "no mkfifo"
command -v timeout >/dev/null 2>&1 || skip "no timeout"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/proc sys=$tmp/sys
cp -a tests/fixtures/proc-t0 "$root" && cp -a tests/fixtures/sys/v2-quota "$sys" ||
	skip "cannot copy the fixtures"

# set_stat FILE FIELD VALUE — field numbers as proc(5) gives them (num_threads 20)
set_stat() {
	/usr/bin/python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, field, value = sys.argv[1], int(sys.argv[2]), sys.argv[3]
line = open(path).read()
head, tail = line[:line.rindex(")") + 1], line[line.rindex(")") + 2:].split(" ")
tail[field - 3] = value
with open(path, "r+") as f:  # in place: a kept descriptor sees the new content
    f.truncate(0)
    f.write(head + " " + " ".join(tail))
EOF
}

for f in "$root/22542/cmdline" "$root/22542/task/22545/schedstat" "$root/22556/stat"; do
	rm -f "$f" && mkfifo "$f" || fail "mkfifo $f"
done
sed -i '/^cpu0 /a cpu99999999 1 0 1 4 0 0 0 0 0 0' "$root/stat"
set_stat "$root/2/stat" 20 -1
set_stat "$root/4/stat" 20 9999999999
echo "0::/job.slice/run-1.scope" >"$root/22554/cgroup"
echo "100000 1000000000000" >"$sys/fs/cgroup/job.slice/run-1.scope/cpu.max"
echo "max 100000" >"$sys/fs/cgroup/job.slice/cpu.max"

out=$tmp/out.json
rss=$tmp/rss
measure=""
[ -x /usr/bin/time ] && measure="/usr/bin/time -o $rss -f %M"
# shellcheck disable=SC2086 # $measure is words
timeout -k 1 5 $measure "$CORETOP" -b -n 2 -d 1 --json --proc-root "$root" --sys-root "$sys" \
	>"$out" 2>"$tmp/err" &
job=$!
# once the first snapshot is out, counters jump before the second is read
i=0
while [ "$(wc -l <"$out")" -lt 1 ] && [ $i -lt 40 ]; do
	sleep 0.1
	i=$((i + 1))
done
printf '18446744073709551615 18446744073709551615 10\n' >"$root/22555/task/22555/schedstat"
set_stat "$root/22555/stat" 14 18446744073709551615
set_stat "$root/22554/stat" 14 9223372036854775807
sed -i 's/^cpu1 [0-9]*/cpu1 18446744073709551615/' "$root/stat"
wait $job
rc=$?
if [ $rc -eq 124 ]; then
	fail "a hostile proc tree hangs the sampler (FIFO opened blocking?)"
elif [ $rc -ne 0 ]; then
	fail "coretop -b on a hostile tree exited $rc: $(cat "$tmp/err")"
else
	ok "a hostile proc tree: two snapshots, exit 0"
fi
if [ -s "$rss" ]; then
	kb=$(tail -n 1 "$rss")
	[ "$kb" -lt 204800 ] && ok "peak RSS ${kb} KiB" || fail "peak RSS ${kb} KiB (over 200 MiB)"
fi
if [ "$(wc -l <"$out")" -eq 2 ]; then
	bad=$(/usr/bin/python3 - "$out" <<'EOF'
import json, math, sys
bad = []
for n, line in enumerate(open(sys.argv[1])):
    d = json.loads(line)
    m = d["machine"]
    cpus = m["ncpus"]
    if cpus != 2:
        bad.append("snapshot %d: %s CPUs, not the tree's 2" % (n, cpus))
    if m["busy_cores"] is not None and not 0 <= m["busy_cores"] <= cpus:
        bad.append("snapshot %d: busy %s cores" % (n, m["busy_cores"]))
    used = 0
    for g in d["groups"]:
        for k in ("used_cores", "demand_cores", "supply_cores", "ratio"):
            v = g[k]
            if v is not None and (not math.isfinite(v) or v < 0 or v > 1e4):
                bad.append("%s: %s %s" % (g["label"], k, v))
        if g["supply_cores"] is not None and 0 < g["supply_cores"] < 0.001:
            bad.append("%s: supply %s cores" % (g["label"], g["supply_cores"]))
        if g["used_cores"] is not None:
            used += g["used_cores"]
            if g["used_cores"] > cpus + 0.5:
                bad.append("%s: %s cores on %d CPUs" % (g["label"], g["used_cores"], cpus))
        if g["wait_pct"] is not None and not 0 <= g["wait_pct"] <= 100:
            bad.append("%s: wait %s%%" % (g["label"], g["wait_pct"]))
        for p in g["processes"]:
            if p["threads"] is not None and not 0 <= p["threads"] <= 4194304:
                bad.append("pid %d: %s threads" % (p["pid"], p["threads"]))
    if used > cpus + 0.5:
        bad.append("snapshot %d: groups use %s cores on %d CPUs" % (n, used, cpus))
print("; ".join(bad))
EOF
)
	[ -z "$bad" ] && ok "figures within the machine" || fail "$bad"
else
	fail "$(wc -l <"$out") snapshots, expected 2"
fi

# Topologies: bounded before hwloc builds them, refused in one line
expect_exit 2 "has more than 8192 PUs" timeout -k 1 5 "$CORETOP" -b -n 1 \
	--topology 'pack:1000 core:1000 pu:1000'
expect_exit 2 "is not a regular file" timeout -k 1 5 "$CORETOP" -b -n 1 --topology /dev/zero
mkfifo "$tmp/topo.fifo"
expect_exit 2 "is not a regular file" timeout -k 1 5 "$CORETOP" -b -n 1 --topology "$tmp/topo.fifo"

# A signal while a big (legal) topology loads ends it within the second
for sig in TERM INT; do
	start=$(date +%s%N)
	timeout -k 2 -s $sig 1 "$CORETOP" -b --topology 'pack:2 core:2048 pu:2' >/dev/null 2>&1
	ms=$((($(date +%s%N) - start) / 1000000))
	[ $ms -lt 2000 ] && ok "SIG$sig while loading: ended after ${ms} ms" ||
		fail "SIG$sig while loading: ${ms} ms"
done
finish
