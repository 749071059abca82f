# zsh -f tests/e2e/lib/zsh_complete.zsh COMPLETIONS-DIR LINE: the words zsh's
# completion lists for LINE followed by a TAB, one a line (tests/e2e/completions.sh).
# An interactive zsh runs in a pseudo-terminal (zsh/zpty) with only _coretop's folder
# added to $fpath; what it draws is read back, escapes dropped.
dir=$1 line=$2
zmodload zsh/zpty || exit 3
zpty z TERM=dumb zsh -f -i
zpty -w z "stty rows 200 columns 250; PROMPT='%% '; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "LISTMAX=10000; setopt no_beep no_list_ambiguous auto_list; unsetopt menu_complete auto_menu"
zpty -w z "print COMPLETE''-READY"
zpty -r z _ '*COMPLETE-READY*' || exit 3
zpty -r -t z _
zpty -w -n z "$line"$'\t'
# read until the output has been still for 0.3 s after something came (5 s at most)
out=
for i in {1..17}; do
  sleep 0.3
  got=
  while zpty -r -t z chunk; do got+=$chunk; done
  [[ -z $got && ${out#*$line} != $out ]] && break
  out+=$got
done
zpty -d z
out=${out//$'\r'/}
# escapes: CSI sequences, then any other ESC pair
out=$(print -r -- $out | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b.//g')
# the listing is what follows the echoed line
print -r -- ${out#*$line} | tr -s ' \t' '\n\n' | grep -v '^$' | sort -u
