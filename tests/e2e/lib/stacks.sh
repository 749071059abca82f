# The thread-pool stacks of tests/e2e/stacks_live.sh and tests/fixtures/pools/capture.sh
# (sourced, from the repository root). Each stack is one process: tests/e2e/lib/stack.py
# or stack_omp.c, under a scrubbed environment, that loads the stack, runs its pool
# once, writes what the libraries say from inside (JSON) and idles.
#
#   stacks_missing            what is not installed, one reason a line (empty: all is)
#   stacks_prepare DIR        builds the OpenMP programs and the folders that hold the
#                             OpenMP build of OpenBLAS under other names, in DIR
#   stacks_table              "NAME|VAR=VALUE …|KIND" for every stack, one a line
#   stack_start DIR ENV KIND OUT SECONDS [idle|busy [COPIES]]
#                             starts one under setsid, in its own session (its pid,
#                             which is the session's id, in $stack_pid); COPIES > 1:
#                             that many siblings under one sh, OUT-1.json, OUT-2.json…
ARCH_LIB=/usr/lib/x86_64-linux-gnu
OB=$ARCH_LIB/openblas
STACK_PY=$PWD/tests/e2e/lib/stack.py
# pip's wheels bundle OpenBLAS as libscipy_openblas64_-<hash of the build>.so
PIP_NAME=libscipy_openblas64_-ff651d7f.so

stacks_missing() {
	py=/usr/bin/python3
	for m in numpy threadpoolctl scipy.linalg numexpr blosc; do
		$py -c "import $m" 2>/dev/null || echo "python3 module $m (python3-${m%%.*})"
	done
	for v in pthread openmp serial; do
		[ -e "$OB-$v/libblas.so.3" ] || echo "libopenblas0-$v"
		[ -e "$ARCH_LIB/blis-$v/libblis.so.4" ] || echo "libblis4-$v"
	done
	# numpy on BLIS takes its LAPACK from the reference one: BLIS has none
	[ -e "$ARCH_LIB/lapack/liblapack.so.3" ] || echo "liblapack3"
	command -v gcc >/dev/null || echo "gcc"
	command -v clang >/dev/null || echo "clang"
	# clang -fopenmp links LLVM's libomp
	ls /usr/lib/llvm-*/lib/libomp.so >/dev/null 2>&1 || echo "libomp-dev"
}

stacks_prepare() {
	d=$1
	gcc -O1 -fopenmp -o "$d/omp-gcc" tests/e2e/lib/stack_omp.c || return 1
	clang -O1 -fopenmp -o "$d/omp-clang" tests/e2e/lib/stack_omp.c || return 1
	# The OpenMP build of OpenBLAS in folders of no meaning, under three names. numpy's
	# _multiarray_umath needs libblas.so.3, Debian's libblas.so.3 and liblapack.so.3
	# need libopenblas.so.0: those names must be there for the loader.
	for n in own conda pip; do
		mkdir -p "$d/$n"
		cp "$OB-openmp/libblas.so.3" "$OB-openmp/liblapack.so.3" "$d/$n/" || return 1
	done
	# own: the file under its SONAME, as `cp -L` of Debian's symlink gives it
	cp "$OB-openmp/libopenblasp-r0.3.21.so" "$d/own/libopenblas.so.0" || return 1
	# conda-forge's name, which by name is the pthread build
	cp "$OB-openmp/libopenblasp-r0.3.21.so" "$d/conda/libopenblasp-r0.3.21.so" || return 1
	ln -s libopenblasp-r0.3.21.so "$d/conda/libopenblas.so.0"
	cp "$OB-openmp/libopenblasp-r0.3.21.so" "$d/pip/$PIP_NAME" || return 1
	ln -s "$PIP_NAME" "$d/pip/libopenblas.so.0"
}

stacks_table() {
	L=LD_LIBRARY_PATH
	BL="$ARCH_LIB/lapack"
	cat <<EOF
openblas-pthread||blas
openblas-pthread-ob1|OPENBLAS_NUM_THREADS=1|blas
openblas-openmp|$L=$OB-openmp|blas
openblas-openmp-omp1|$L=$OB-openmp OMP_NUM_THREADS=1|blas
openblas-openmp-ob1|$L=$OB-openmp OPENBLAS_NUM_THREADS=1|blas
openblas-serial|$L=$OB-serial|blas
copy-own|$L=@/own|blas
copy-conda|$L=@/conda|blas
copy-conda-omp1|$L=@/conda OMP_NUM_THREADS=1|blas
copy-conda-ob1|$L=@/conda OPENBLAS_NUM_THREADS=1|blas
copy-pip|$L=@/pip|blas
copy-pip-omp1|$L=@/pip OMP_NUM_THREADS=1|blas
blis-pthread|$L=$ARCH_LIB/blis-pthread:$BL|blis
blis-pthread-2|$L=$ARCH_LIB/blis-pthread:$BL BLIS_NUM_THREADS=2|blis
blis-openmp|$L=$ARCH_LIB/blis-openmp:$BL|blis
blis-openmp-2|$L=$ARCH_LIB/blis-openmp:$BL BLIS_NUM_THREADS=2|blis
omp-clang||omp-clang
omp-clang-3|OMP_NUM_THREADS=3|omp-clang
omp-gcc||omp-gcc
numexpr|OPENBLAS_NUM_THREADS=1|numexpr
numexpr-max4|OPENBLAS_NUM_THREADS=1 NUMEXPR_MAX_THREADS=4|numexpr
numexpr-omp1|OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1|numexpr
blosc|OPENBLAS_NUM_THREADS=1|blosc
blosc-nt1|OPENBLAS_NUM_THREADS=1 BLOSC_NTHREADS=1|blosc
scipy||scipy
openblas-limited||limited
EOF
}

stack_start() { # dir env kind out seconds [mode [copies]]
	d=$1 env=$(echo "$2" | sed "s|@|$1|g") kind=$3 out=$4 secs=$5 mode=${6:-idle} copies=${7:-1}
	case $kind in
	omp-*) set -- "$d/$kind" ;;
	*) set -- /usr/bin/python3 "$STACK_PY" "$kind" ;;
	esac
	if [ "$copies" -eq 1 ]; then
		# shellcheck disable=SC2086 # ENV is a list of VAR=VALUE words
		setsid env -i PATH=/usr/bin:/bin LANG=C.UTF-8 $env "$@" "$out" "$secs" "$mode" \
			>/dev/null 2>"$out.err" </dev/null &
	else
		# siblings under one sh, one group as under GNU parallel: OUT-1.json, OUT-2.json…
		# shellcheck disable=SC2016 # expanded by that sh
		setsid sh -c 'n=$1 env=$2 out=$3 secs=$4 mode=$5; shift 5; i=1
			while [ $i -le $n ]; do
				env -i PATH=/usr/bin:/bin LANG=C.UTF-8 $env "$@" "$out-$i.json" "$secs" "$mode" \
					2>"$out-$i.err" &
				i=$((i + 1))
			done
			wait' sh "$copies" "$env" "$out" "$secs" "$mode" "$@" >/dev/null </dev/null &
	fi
	stack_pid=$!
}
