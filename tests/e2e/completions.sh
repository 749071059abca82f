# The shell completions (completions/coretop.bash, completions/_coretop) against the
# binaries: bash loads the script, with bash-completion and without it, is asked for
# completions as it would be at a prompt (COMP_WORDS, COMP_CWORD), and must offer every
# option each --help lists (the tables that parse the command line), the subcommands,
# --group-by's keys and export's formats as the binary says them, folders for
# --proc-root, files for the files; zsh checks the syntax of its function and that it
# names every option.
. tests/e2e/lib.sh
CORETOP_BENCH=${CORETOP_BENCH:-./coretop-bench}
command -v bash >/dev/null 2>&1 || skip "no bash"
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# options NAME HELP-FILE: the options --help lists, one a line
options() {
	grep -oE '^  (-[A-Za-z0-9], )?--[a-z][a-z-]*|^      --[a-z][a-z-]*' "$1" | tr -d ',' | tr ' ' '\n' | grep . | sort -u
}
"$CORETOP" --help >"$tmp/monitor.help"
for s in tune export bench; do "$CORETOP" $s --help >"$tmp/$s.help"; done
"$CORETOP_BENCH" --help >"$tmp/coretop-bench.help"
for s in monitor tune export bench coretop-bench; do
	options "$tmp/$s.help" >"$tmp/$s.opts"
	[ "$(wc -l <"$tmp/$s.opts")" -ge 5 ] || fail "$s --help: only $(wc -l <"$tmp/$s.opts") options read"
done
# what the binary says the values are
"$CORETOP" -b --group-by x 2>&1 | sed -n "s/.*: use \(.*\) (see .*/\1/p" | sed 's/,\| or / /g' |
	tr -s ' ' '\n' | grep . | sort >"$tmp/groupby"
sed -n 's/.*Formats: \(.*\)\.$/\1/p' "$tmp/export.help" | tr -d ',' | tr ' ' '\n' | sort >"$tmp/formats"
[ "$(wc -l <"$tmp/groupby")" -ge 5 ] || fail "the --group-by keys from the error message: $(cat "$tmp/groupby")"
[ "$(wc -l <"$tmp/formats")" -ge 6 ] || fail "the formats from export --help: $(cat "$tmp/formats")"

# a folder to complete names in
mkdir "$tmp/work" "$tmp/work/procdir"
: >"$tmp/work/result.json"
: >"$tmp/work/notes.txt"

# complete MODE WORD...: the words offered for the last WORD (the one being completed),
# sorted, one a line; MODE "full" loads bash-completion first, "bare" does not
complete_words() {
	mode=$1
	shift
	(cd "$tmp/work" && bash --norc --noprofile -c '
		mode=$1 top=$2
		shift 2
		if [ "$mode" = full ]; then
			. /usr/share/bash-completion/bash_completion || exit 3
		fi
		. "$top/completions/coretop.bash" || exit 3
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_coretop "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sed "s,/$,," | grep . | sort -u' sh "$mode" "$top" "$@")
}

# expect MODE "WHAT" EXPECTED-FILE WORD...: exactly those words
expect() {
	mode=$1 what=$2 want=$3
	shift 3
	complete_words "$mode" "$@" >"$tmp/got"
	if cmp -s "$tmp/got" "$want"; then
		ok "$mode: $what: $(tr '\n' ' ' <"$want")"
	else
		fail "$mode: $what: got [$(tr '\n' ' ' <"$tmp/got")], expected [$(tr '\n' ' ' <"$want")]"
	fi
}
# includes MODE "WHAT" WORD-EXPECTED WORD...: that word among others
includes() {
	mode=$1 what=$2 word=$3
	shift 3
	complete_words "$mode" "$@" >"$tmp/got"
	grep -qx -- "$word" "$tmp/got" && ok "$mode: $what offers $word" ||
		fail "$mode: $what: no $word in [$(tr '\n' ' ' <"$tmp/got")]"
}

modes=bare
if [ -f /usr/share/bash-completion/bash_completion ]; then
	modes="full bare"
else
	echo "note: no /usr/share/bash-completion/bash_completion (tools/deps.sh --test installs it): the bare script only"
fi
printf '%s\n' bench export tune >"$tmp/subs"
printf '%s\n' result.json procdir | sort >"$tmp/json"
printf '%s\n' procdir >"$tmp/dirs"
printf '%s\n' notes.txt procdir result.json >"$tmp/all"
printf 'sh\nslurm\n' >"$tmp/s-formats"
: >"$tmp/none"
for m in $modes; do
	expect "$m" "coretop <TAB>" "$tmp/subs" coretop ""
	expect "$m" "coretop -<TAB>" "$tmp/monitor.opts" coretop -
	(cat "$tmp/tune.opts"; echo --) | sort -u >"$tmp/tune.opts+"
	grep -- '^--' "$tmp/tune.opts+" >"$tmp/tune.long"
	expect "$m" "coretop tune --<TAB>" "$tmp/tune.long" coretop tune --
	expect "$m" "coretop export -<TAB>" "$tmp/export.opts" coretop export -
	expect "$m" "coretop bench -<TAB>" "$tmp/bench.opts" coretop bench -
	expect "$m" "coretop-bench -<TAB>" "$tmp/coretop-bench.opts" coretop-bench -
	expect "$m" "coretop --group-by <TAB>" "$tmp/groupby" coretop -b --group-by ""
	expect "$m" "coretop export --format <TAB>" "$tmp/formats" coretop export --format ""
	expect "$m" "coretop export -f s<TAB>" "$tmp/s-formats" coretop export -f s
	expect "$m" "coretop --proc-root <TAB> (folders)" "$tmp/dirs" coretop --proc-root ""
	expect "$m" "coretop export -f sh <TAB> (results: *.json)" "$tmp/json" coretop export -f sh ""
	expect "$m" "coretop tune --inputs-file <TAB> (files)" "$tmp/all" coretop tune --inputs-file ""
	expect "$m" "coretop tune --out <TAB> (files)" "$tmp/all" coretop tune --json --out ""
	expect "$m" "coretop -d <TAB> (a number: nothing)" "$tmp/none" coretop -b -d ""
	includes "$m" "coretop tune -- dat<TAB> (commands)" date coretop tune --inputs 1..3 -- dat
	includes "$m" "coretop tune -- date <TAB> (files)" notes.txt coretop tune -- date ""
	includes "$m" "coretop tune --inputs 1..3 -<TAB>" -- coretop tune --inputs 1..3 -
done
# --opt=value, as bash-completion splits it
if [ "${modes%% *}" = full ]; then
	expect full "coretop --group-by=<TAB>" "$tmp/groupby" coretop --group-by=
fi

# zsh: the syntax; then what an interactive zsh lists (lib/zsh_complete.zsh)
if command -v zsh >/dev/null 2>&1; then
	zsh -n completions/_coretop && ok "zsh -n completions/_coretop" || fail "zsh -n completions/_coretop"
	# zlist "LINE" HAVE-FILE [NOT-WORD...]: every word of HAVE-FILE listed, none of the others
	zlist() {
		line=$1 have=$2
		shift 2
		(cd "$tmp/work" && timeout 20 zsh -f "$top/tests/e2e/lib/zsh_complete.zsh" "$top/completions" "$line") >"$tmp/zgot"
		missing=$(grep -vxF -f "$tmp/zgot" "$have" | tr '\n' ' ')
		extra=""
		for w in "$@"; do grep -qxF -- "$w" "$tmp/zgot" && extra="$extra $w"; done
		if [ -z "$missing" ] && [ -z "$extra" ]; then
			ok "zsh: '$line<TAB>' lists $(wc -l <"$have") words: $(tr '\n' ' ' <"$have" | cut -c1-150)"
		else
			fail "zsh: '$line<TAB>': missing [$missing], not expected [$extra]"
		fi
	}
	if [ "$(cd "$tmp/work" && zsh -f "$top/tests/e2e/lib/zsh_complete.zsh" "$top/completions" 'coretop export --format ' | grep -c .)" -gt 0 ]; then
		zlist "coretop " "$tmp/subs"
		zlist "coretop -" "$tmp/monitor.opts"
		zlist "coretop tune --" "$tmp/tune.long"
		zlist "coretop export -" "$tmp/export.opts"
		zlist "coretop bench -" "$tmp/bench.opts"
		zlist "coretop-bench -" "$tmp/coretop-bench.opts"
		zlist "coretop --group-by " "$tmp/groupby"
		zlist "coretop export --format " "$tmp/formats"
		printf 'procdir/\n' >"$tmp/zdirs"
		zlist "coretop --proc-root " "$tmp/zdirs" notes.txt result.json
		printf 'procdir/\nresult.json\n' >"$tmp/zjson"
		zlist "coretop export -f sh " "$tmp/zjson" notes.txt
	else
		echo "note: zsh's completion could not be driven in a pseudo-terminal here: names only"
	fi
else
	echo "note: no zsh (tools/deps.sh --test installs it): its syntax is not checked"
fi
for s in monitor tune export bench; do
	sed -n "/^_coretop_$s() {/,/^}/p" completions/_coretop >"$tmp/zsh.$s"
	missing=""
	for o in $(cat "$tmp/$s.opts"); do
		grep -q -- "[{'(,)]$o[]=+,}[]" "$tmp/zsh.$s" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok "zsh _coretop_$s: all $(wc -l <"$tmp/$s.opts") options" ||
		fail "zsh _coretop_$s lacks$missing"
done
for f in $(cat "$tmp/formats") $(cat "$tmp/groupby"); do
	grep -q "[( ]$f[ )]" completions/_coretop || fail "zsh _coretop: no $f"
done
finish
