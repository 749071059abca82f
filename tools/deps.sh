#!/bin/sh
# Make sure coretop's build and test dependencies are installed.
# As root: installs the missing Debian packages with apt-get. Otherwise: prints the
# exact apt-get line to run, and fails. Silent when everything is already there.
set -u

# pkg-config module -> Debian package that provides it
mods="ncursesw:libncurses-dev hwloc:libhwloc-dev libproc2:libproc2-dev
openblas:libopenblas-dev lapacke:liblapacke-dev cmocka:libcmocka-dev
jansson:libjansson-dev inih:libinih-dev"
# command -> Debian package (the tests drive the real tools)
cmds="pkg-config:pkg-config cc:gcc make:make tmux:tmux"
if [ "${1:-}" = "--pictures" ]; then
	# make pictures: a real terminal's screens as PNG (tmux -> aha -> headless Chromium)
	cmds="$cmds parallel:parallel aha:aha chromium:chromium"
fi
if [ "${1:-}" = "--test" ]; then
	cmds="$cmds parallel:parallel valgrind:valgrind top:procps taskset:util-linux lstopo-no-graphics:hwloc clang:clang promtool:prometheus"
	# docs.sh renders the man pages; completions.sh drives bash-completion and zsh
	cmds="$cmds groff:groff-base man:man-db bash:bash zsh:zsh"
fi

missing=""
for m in $mods; do
	mod=${m%%:*} pkg=${m#*:}
	if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$mod" 2>/dev/null; then
		missing="$missing $pkg"
	fi
done
for c in $cmds; do
	cmd=${c%%:*} pkg=${c#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ "${1:-}" = "--pictures" ]; then
	# a monospace font with block and Braille glyphs; the workload is numpy's
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing="$missing fonts-dejavu-core"
	/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing="$missing python3-numpy"
fi
if [ "${1:-}" = "--test" ]; then
	# the live tests run numpy jobs with Debian's numpy (and so Debian's OpenBLAS)
	/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing="$missing python3-numpy"
	# threadpoolctl checks the pool sizes from inside; the OpenMP build of OpenBLAS is
	# the second Debian build the live tests run numpy on
	/usr/bin/python3 -c 'import threadpoolctl' >/dev/null 2>&1 || missing="$missing python3-threadpoolctl"
	# workers_live.sh runs joblib's loky and multiprocessing backends and Dask's
	# processes scheduler (their workers in their job's group)
	/usr/bin/python3 -c 'import joblib' >/dev/null 2>&1 || missing="$missing python3-joblib"
	/usr/bin/python3 -c 'import dask' >/dev/null 2>&1 || missing="$missing python3-dask"
	ls /usr/lib/*/openblas-openmp/libblas.so.3 >/dev/null 2>&1 || missing="$missing libopenblas0-openmp"
	# stacks_live.sh runs every thread-pool stack a Debian machine has: the other
	# builds of OpenBLAS and BLIS (numpy on BLIS takes the reference LAPACK), an OpenMP
	# program from clang (LLVM's libomp) and from gcc, numexpr, Blosc, scipy
	for v in pthread serial; do
		ls /usr/lib/*/openblas-$v/libblas.so.3 >/dev/null 2>&1 || missing="$missing libopenblas0-$v"
	done
	for v in pthread openmp serial; do
		ls /usr/lib/*/blis-$v/libblis.so.4 >/dev/null 2>&1 || missing="$missing libblis4-$v"
	done
	ls /usr/lib/*/lapack/liblapack.so.3 >/dev/null 2>&1 || missing="$missing liblapack3"
	# what clang -fopenmp links (libomp-dev brings the runtime too)
	ls /usr/lib/llvm-*/lib/libomp.so >/dev/null 2>&1 || missing="$missing libomp-dev"
	for m in scipy numexpr blosc; do
		/usr/bin/python3 -c "import $m" >/dev/null 2>&1 || missing="$missing python3-$m"
	done
	[ -f /usr/share/bash-completion/bash_completion ] || missing="$missing bash-completion"
	# the exported Slurm script runs on a private single-node Slurm
	[ -x /usr/sbin/slurmctld ] || missing="$missing slurmctld"
	[ -x /usr/sbin/slurmd ] || missing="$missing slurmd"
	[ -x /usr/bin/sbatch ] || missing="$missing slurm-client"
	[ -x /usr/sbin/munged ] || missing="$missing munge"
fi
[ -z "$missing" ] && exit 0

missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "coretop: installing missing packages: $missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
	echo "coretop: apt-get failed; install these packages by hand: $missing" >&2
	exit 1
fi
echo "coretop: missing build dependencies. Run:" >&2
echo "  sudo apt-get install $missing" >&2
exit 1
