# Pools named from the library itself (issue 11), on live processes: one process per
# thread-pool stack (tests/e2e/lib/stacks.sh: numpy on the three Debian builds of
# OpenBLAS, the OpenMP build copied into a folder of no meaning under its SONAME,
# conda's and pip's file names, BLIS pthread and OpenMP, OpenMP programs from gcc and
# clang, numexpr, Blosc, scipy, an OpenBLAS limited from inside by threadpoolctl), each
# idle after its pool ran once, all sampled by one `coretop -b -n 1`: every process's
# pools must be what its libraries said from inside (lib, variant, threads,
# expected_threads, live_threads). Then 2 busy processes of the stacks where the name
# misleads or the variable is not OPENBLAS_NUM_THREADS, on the 2 cores: the verdict is
# oversubscribed or spinning, the advice sets the variable that sizes that pool (never
# OPENBLAS_NUM_THREADS for OpenBLAS's OpenMP build); 3 of the serial build: no variable,
# fewer processes.
#
# What the inside report holds per pool (tests/e2e/lib/stack.py): `threads` what the
# library uses now (threadpoolctl's num_threads, numexpr.get_num_threads(), …),
# `expected` what it took from the environment by its own rules, `live` its threads
# alive now (the caller counted where it computes in the pool: OpenBLAS, OpenMP, BLIS;
# not for numexpr and Blosc, whose callers wait). They differ where it matters: after
# threadpool_limits(1) OpenBLAS uses 1, the environment said 2 and its worker stays
# (the process keeps computing on one thread, so that shows from outside); BLIS's
# pthread build starts its threads for each call and joins them (live 1); the libgomp
# under BLIS says 2 but BLIS asks it for 1.
. tests/e2e/lib.sh
. tests/e2e/lib/stacks.sh
missing=$(stacks_missing)
[ -z "$missing" ] || skip "not installed: $(echo "$missing" | paste -sd, -)"
check() { # python3 stacks_check.py arguments…: its lines, its failures counted
	/usr/bin/python3 tests/e2e/lib/stacks_check.py "$@" >"$tmp/check.out"
	cat "$tmp/check.out"
	n=$(grep -c '^FAIL' "$tmp/check.out")
	fails=$((fails + n))
}
wait_reports() { # count files… — until COUNT of the inside reports are written (30 s)
	want=$1
	shift
	i=0
	while [ "$(ls "$@" 2>/dev/null | wc -l)" -lt "$want" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 300 ] || fail "only $(ls "$@" 2>/dev/null | wc -l) of $want stacks reported: $(cat "$tmp"/*.err)"
}
stop_sessions() { for s in $sessions; do pkill -KILL -s "$s" 2>/dev/null; done; sessions=""; }
start=$(date +%s)
live_scratch
stacks_prepare "$tmp" || skip "cannot build the OpenMP programs or copy OpenBLAS"

# ---- every stack, idle, in one sample --------------------------------------------
names=""
stacks_table >"$tmp/table"
while IFS='|' read -r name env kind; do
	stack_start "$tmp" "$env" "$kind" "$tmp/$name.json" 30
	sessions="$sessions $stack_pid"
	names="$names $name"
done <"$tmp/table"
n=$(wc -l <"$tmp/table")
# shellcheck disable=SC2086
wait_reports "$n" $(for s in $names; do echo "$tmp/$s.json"; done)
# the OpenMP and OpenBLAS workers go to sleep a little after their last job
sleep 0.5
"$CORETOP" -b -n 1 -d 1 --json >"$tmp/idle.json" || fail "coretop exited $?"
# shellcheck disable=SC2086
check pools "$tmp/idle.json" "$tmp" $names
echo "(idle phase: $(($(date +%s) - start)) s)"
stop_sessions

# ---- 2 busy processes of a stack on the cores: verdict and advice ------------------
busy() { # name env kind var lib:variant [copies] — 2 (COPIES) busy siblings
	name=$1 env=$2 kind=$3 var=$4 pool=$5 copies=${6:-2}
	stack_start "$tmp" "$env" "$kind" "$tmp/$name" 8 busy "$copies"
	sessions=$stack_pid
	# shellcheck disable=SC2046
	wait_reports "$copies" $(i=1; while [ $i -le "$copies" ]; do echo "$tmp/$name-$i.json"; i=$((i + 1)); done)
	sleep 0.5
	"$CORETOP" -b -n 1 -d 1.5 --json >"$tmp/$name.busy.json" || fail "coretop exited $?"
	stop_sessions
	pid=$(sed 's/^{"pid": \([0-9]*\),.*/\1/' "$tmp/$name-1.json")
	check verdict "$tmp/$name.busy.json" "$name" "$pid" "$var" "$pool"
}
# the OpenMP build under conda's name, which by name is the pthread build: it follows
# OMP_NUM_THREADS only, so advice that leans on OPENBLAS_NUM_THREADS fixes nothing
busy copy-conda-busy "LD_LIBRARY_PATH=@/conda" blas OMP_NUM_THREADS openblas:openmp
# BLIS asks its OpenMP runtime for BLIS_NUM_THREADS threads by name (num_threads
# clause): OMP_NUM_THREADS=1 beside BLIS_NUM_THREADS=2 changes nothing
busy blis-openmp-busy "LD_LIBRARY_PATH=$ARCH_LIB/blis-openmp:$ARCH_LIB/lapack BLIS_NUM_THREADS=2" \
	blis BLIS_NUM_THREADS blis:openmp
busy omp-clang-busy "" omp-clang OMP_NUM_THREADS openmp:llvm
# 3 processes of the serial build on 2 cores: each pool is 1 thread whatever the
# variables say, so the advice names none and says how many to run at once
busy serial-busy "LD_LIBRARY_PATH=$OB-serial" blas - openblas:serial 3
finish
