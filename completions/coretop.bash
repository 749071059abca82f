# bash completion for coretop(1) and coretop-bench(1). Installed as "coretop" in
# bash-completion's directory (pkg-config --variable=completionsdir bash-completion).
# tests/e2e/completions.sh checks that every option of every --help is offered here.

_coretop_options_monitor='-b --batch -n --iterations -d --delay --window --json
	--prometheus --group-by --proc-root --sys-root --topology --no-color --config
	--no-config -h --help --version'
_coretop_options_tune='--inputs --inputs-file --sample --exhaustive --repeat --budget
	--timeout --candidates --shell --no-tui --json --out --bind -h --help --version'
_coretop_options_export='-f --format -o --output --force -h --help --version'
_coretop_options_bench='--size --iters --seed --json -h --help --version'

# _coretop_files [EXT]: files (only *.EXT, and folders, with EXT), or folders with -d
_coretop_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir "$@"
		return
	fi
	local IFS=$'\n'
	if [[ $1 == -d ]]; then
		COMPREPLY=($(compgen -d -- "$cur"))
	elif [[ -n $1 ]]; then
		COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X "!*.$1" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

# The value of option PREV of subcommand SUB, into COMPREPLY; 1 when PREV takes none.
_coretop_value()
{
	local sub=$1 prev=$2
	case $sub:$prev in
	monitor:--group-by)
		COMPREPLY=($(compgen -W 'job parent program user cgroup' -- "$cur")) ;;
	monitor:--proc-root | monitor:--sys-root)
		_coretop_files -d ;;
	monitor:--config | monitor:--topology | tune:--inputs-file | tune:--out | \
		export:-o | export:--output)
		_coretop_files ;;
	export:-f | export:--format)
		COMPREPLY=($(compgen -W 'sh env json parallel xargs slurm' -- "$cur")) ;;
	monitor:-n | monitor:--iterations | monitor:-d | monitor:--delay | monitor:--window | \
		tune:--inputs | tune:--sample | tune:--repeat | tune:--budget | tune:--timeout | \
		tune:--candidates | bench:--size | bench:--iters | bench:--seed)
		COMPREPLY=() ;;
	*)
		return 1 ;;
	esac
	return 0
}

_coretop()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi
	local sub=monitor first=1 i
	if [[ ${words[0]##*/} == coretop-bench ]]; then
		sub=bench
	elif ((cword > 1)); then
		case ${words[1]} in
		tune | export | bench) sub=${words[1]} first=2 ;;
		esac
	fi

	if [[ $sub == tune ]]; then
		# after --: the command to tune, then its arguments (files)
		for ((i = first; i < cword; i++)); do
			if [[ ${words[i]} == -- ]]; then
				if ((i + 1 == cword)); then
					COMPREPLY=($(compgen -c -- "$cur"))
				else
					_coretop_files
				fi
				return
			fi
		done
	fi
	_coretop_value "$sub" "$prev" && return

	local opts=_coretop_options_$sub
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${!opts}" -- "$cur"))
		[[ $sub == tune && -- == "$cur"* ]] && COMPREPLY+=(--)
	elif [[ $sub == monitor ]] && ((cword == 1)); then
		COMPREPLY=($(compgen -W 'tune export bench' -- "$cur"))
	elif [[ $sub == export ]]; then
		_coretop_files json
	fi
}
complete -F _coretop coretop coretop-bench
