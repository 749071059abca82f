#!/bin/sh
# The arrows of DESIGN.md's architecture, checked on the #include lines:
#  - floors, top to bottom: cmd/ -> tui/ -> tuner/ -> sampler/; a file includes headers
#    of its own floor or lower ones only;
#  - inside sampler/, headers have ranks (below); a header includes only headers of a
#    lower rank, so the data types (snapshot.h) never depend on the sampler's API;
#  - a sampler/ file X.c sits at the rank of X.h (files without a header of their own are
#    the sampler's, rank 6, and so is sampler.c) and includes nothing above it;
#  - an internal.h belongs to its folder: only that folder (and tests) include it.
#   sh tools/layers.sh        prints violations, exits 1 if any
#   sh tools/layers.sh -v     also prints sampler/'s include graph
set -u
cd "$(dirname "$0")/.." || exit 2
bad=0

floor() {
	case $1 in
	sampler/*) echo 1 ;; tuner/*) echo 2 ;; tui/*) echo 3 ;; cmd/*) echo 4 ;;
	tests/*) echo 9 ;; *) echo 0 ;;
	esac
}

# Rank of a sampler/ header: the lowest pieces first, the API last.
rank() {
	case ${1#sampler/} in
	cpumask.h | procfs.h | topo.h | elf.h | escape.h) echo 0 ;;
	parse.h | cgroup.h) echo 1 ;;
	pools.h) echo 2 ;;
	snapshot.h) echo 3 ;;
	group.h | advice.h | report.h | window.h) echo 4 ;;
	sampler.h) echo 5 ;;
	internal.h) echo 6 ;;
	*) echo 99 ;;
	esac
}

includes() { sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"; }

for f in $(git ls-files 'sampler/*.[ch]' 'tuner/*.[ch]' 'tuner/*/*.[ch]' 'tui/*.[ch]' 'cmd/*.[ch]' 'tests/*.c'); do
	ff=$(floor "$f")
	for inc in $(includes "$f"); do
		fi_=$(floor "$inc")
		if [ "$fi_" -gt "$ff" ]; then
			echo "$f includes $inc: a lower floor may not include a higher one"
			bad=1
		fi
		case $inc in */internal.h)
			[ "${inc%/*}" = "${f%%/*}" ] || [ "$ff" = 9 ] || {
				echo "$f includes $inc: internal to ${inc%/*}/"
				bad=1
			} ;;
		esac
		case $f in sampler/*.c)
			# a module's code sits at its header's rank; files without one are the
			# sampler's own (internal.h)
			own=${f%.c}.h
			[ -f "$own" ] && [ "$own" != sampler/sampler.h ] && own_rank=$(rank "$own") || own_rank=6
			case $inc in sampler/*)
				if [ "$(rank "$inc")" -gt "$own_rank" ]; then
					echo "$f (rank $own_rank) includes $inc (rank $(rank "$inc")): code includes its rank or lower"
					bad=1
				fi ;;
			esac ;;
		esac
		case $f in sampler/*.h)
			case $inc in sampler/*)
				if [ "$(rank "$inc")" -ge "$(rank "$f")" ]; then
					echo "$f (rank $(rank "$f")) includes $inc (rank $(rank "$inc")): headers include lower ranks only"
					bad=1
				fi ;;
			esac ;;
		esac
	done
done
for h in $(git ls-files 'sampler/*.h'); do
	[ "$(rank "$h")" = 99 ] && { echo "$h has no rank in tools/layers.sh: give it one"; bad=1; }
done

if [ "${1:-}" = -v ]; then
	echo "sampler/ include graph (headers, by rank):"
	for h in $(git ls-files 'sampler/*.h'); do
		echo "$(rank "$h") $h -> $(includes "$h" | grep '^sampler/' | tr '\n' ' ')"
	done | sort -n | sed 's/^/  /'
fi
exit $bad
