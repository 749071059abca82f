# The slurm recipe on a real single-node Slurm: the test starts its own munged,
# slurmctld and slurmd on this machine (private sockets, ports, spool, in a temporary
# folder), submits the exported script with sbatch --wait, checks that every input ran
# with the thread variables from $SLURM_CPUS_PER_TASK, and stops everything it started.
. tests/e2e/lib.sh
for b in munged slurmctld slurmd sbatch sinfo; do
	command -v $b >/dev/null || PATH=$PATH:/usr/sbin command -v $b >/dev/null ||
		skip "no Slurm here ($b missing: Debian's slurmctld slurmd slurm-client munge): the slurm recipe is only checked by bash -n in export.sh"
done
[ "$(id -u)" = 0 ] || skip "starting a private Slurm needs root here: the slurm recipe is only checked by bash -n in export.sh"
PATH=$PATH:/usr/sbin
T=$(mktemp -d)
host=$(hostname)
stop() {
	for f in ctld.pid d.pid munged.pid; do [ -f "$T/$f" ] && kill "$(cat "$T/$f")" 2>/dev/null; done
	sleep 0.5
	for f in ctld.pid d.pid munged.pid; do [ -f "$T/$f" ] && kill -KILL "$(cat "$T/$f")" 2>/dev/null; done
	rm -rf "$T"
}
trap stop EXIT
# dash runs an INT or TERM trap and carries on: leave, and let the EXIT trap clean up
trap 'exit 1' INT TERM
mkdir -p "$T/state" "$T/spool" "$T/log"
dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$T/munge.key"
munged --force -S "$T/munge.sock" --key-file "$T/munge.key" --pid-file "$T/munged.pid" \
	--log-file "$T/log/munged.log" --seed-file "$T/munge.seed" || skip "munged does not start here"
port=$((26000 + $$ % 2000))
cat >"$T/slurm.conf" <<CONF
ClusterName=coretoptest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/ctld.pid
SlurmdPidFile=$T/d.pid
SlurmctldLogFile=$T/log/ctld.log
SlurmdLogFile=$T/log/d.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
setsid slurmctld -D -f "$SLURM_CONF" >"$T/log/ctld.out" 2>&1 &
setsid slurmd -D -f "$SLURM_CONF" >"$T/log/d.out" 2>&1 &
i=0
until sinfo -h -o %t 2>/dev/null | grep -q idle; do
	sleep 0.5
	i=$((i + 1))
	[ $i -lt 30 ] || { tail -5 "$T/log/ctld.out" "$T/log/d.out"; skip "a single-node Slurm did not come up here"; }
done
ok "a single-node Slurm is up ($(sinfo -h -o '%P %t %c CPUs'))"

cat >"$T/r.json" <<JSON
{"command": ["sh", "-c", "echo \"job \$1 omp=\$OMP_NUM_THREADS blas=\$OPENBLAS_NUM_THREADS\" >> '$T/jobs'", "sh", "{}"],
 "shell": false, "inputs": ["1", "2", "x y"], "supply_cores": 2, "candidates": [],
 "best": {"name": "1x1", "procs": 1, "threads": 1, "median_s": 0.5,
          "env": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}},
 "speedup_vs_naive": 1.5}
JSON
"$CORETOP" export --format slurm -o "$T/job.sbatch" "$T/r.json" || fail "export exited $?"
timeout 120 sbatch --wait -o "$T/out.txt" "$T/job.sbatch" >/dev/null || { cat "$T/out.txt"; fail "sbatch --wait failed"; }
if [ "$(sort "$T/jobs" 2>/dev/null)" = "$(printf 'job 1 omp=1 blas=1\njob 2 omp=1 blas=1\njob x y omp=1 blas=1')" ]; then
	ok "sbatch ran every input, thread variables from SLURM_CPUS_PER_TASK"
else
	fail "jobs: $(cat "$T/jobs" 2>/dev/null)"
fi
finish
