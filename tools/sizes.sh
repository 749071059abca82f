#!/bin/sh
# The room sizes DESIGN.md asks for: source files over 800 lines and functions over 80
# (from the line that names the function to its closing brace) outside tests/.
#   sh tools/sizes.sh          lists offenders and exits 1 if there are any
#   sh tools/sizes.sh -v       also prints the largest file and the longest function
set -u
cd "$(dirname "$0")/.." || exit 2
files=$(git ls-files '*.c' '*.h' | grep -v '^tests/')
bad=0
# shellcheck disable=SC2086 # one word per file
funcs=$(awk '
	FNR == 1 { name = "" }
	/^[A-Za-z_].*[A-Za-z0-9_]\(/ && !/;[[:space:]]*$/ && !/^(typedef|struct [a-z_]+ \{|#)/ {
		name = $0; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); start = FNR; file = FILENAME
	}
	/^}/ && name != "" { printf "%d %s:%d %s\n", FNR - start + 1, file, start, name; name = "" }
' $files | sort -rn)
echo "$funcs" | awk '$1 > 80 { print "function over 80 lines: " $2 " " $3 " (" $1 ")"; bad = 1 } END { exit bad }' || bad=1
for f in $files; do
	n=$(wc -l <"$f")
	[ "$n" -gt 800 ] && { echo "file over 800 lines: $f ($n)"; bad=1; }
done
if [ "${1:-}" = -v ]; then
	# shellcheck disable=SC2086
	echo "largest file: $(wc -l $files | grep -v ' total$' | sort -rn | head -n 1 | awk '{print $2 " (" $1 " lines)"}')"
	echo "longest function: $(echo "$funcs" | head -n 1 | awk '{print $3 " at " $2 " (" $1 " lines)"}')"
fi
exit $bad
