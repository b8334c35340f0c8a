# SPDX-License-Identifier: GPL-2.0
# bash completion for agentlock(1): subcommands, options and their values,
# profile names (from 'agentlock profiles'), DIR, and COMMAND after it.
# Self-contained; uses bash-completion's _command_offset for COMMAND's own
# arguments when that is loaded.

# The profile names 'agentlock profiles' lists: its table up to the first blank line.
_agentlock_profiles()
{
	"${1:-agentlock}" profiles 2>/dev/null | awk 'NR == 1 { next } !NF { exit } { print $1 }'
}

# The sessions 'agentlock watch' can name: agentlock's pids with a socket.
_agentlock_sessions()
{
	local d s
	for d in /run/agentlock "${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/agentlock}"; do
		[ -n "$d" ] && [ -d "$d" ] || continue
		for s in "$d"/*.sock; do
			[ -S "$s" ] && s=${s##*/} && printf '%s\n' "${s%.sock}"
		done
	done
}

# COMPREPLY from words (one per line) that start with cur.
_agentlock_words()
{
	local IFS=$'\n'
	COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

_agentlock_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen "${1:--f}" -- "$cur"))
}

_agentlock()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= i w sub= dir=-1 cmd=-1 npos=0
	local prog=${COMP_WORDS[0]}
	local valopts='--profile --backend --report --log --export --ro --rw --deny --connect --unix --env --ssh --limit --on-freeze --user'
	local flags='--audit --headless --env-all -v --verbose -h --help -V --version'
	local subs='profiles profile check replay report watch which rules attach daemon stats'
	COMPREPLY=()

	# The option whose value this is: "--opt VALUE" or "--opt=VALUE" (split at '=').
	if [ "$cur" = = ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=
	elif [ "$COMP_CWORD" -ge 2 ] && [ "${COMP_WORDS[COMP_CWORD - 1]}" = = ]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [ "$COMP_CWORD" -ge 1 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	if [ "$COMP_CWORD" -ge 2 ]; then
		case ${COMP_WORDS[1]} in
		profiles | profile | check | replay | report | watch | which | rules | daemon | stats) sub=${COMP_WORDS[1]} ;;
		esac
	fi

	# Before COMMAND: find DIR (the first word that is not an option or a value).
	if [ -z "$sub" ]; then
		for ((i = 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [ "$dir" -ge 0 ]; then
				# DIR, then an optional "--", then COMMAND.
				if [ "$i" -eq $((dir + 1)) ] && [ "$w" = -- ]; then
					continue
				fi
				cmd=$i
				break
			fi
			case " $valopts " in
			*" $w "*)
				# Its value: the next word, or "=" and the one after.
				if [ "${COMP_WORDS[i + 1]}" = = ]; then i=$((i + 2)); else i=$((i + 1)); fi
				continue
				;;
			esac
			case $w in
			-*) ;;
			*) dir=$i ;;
			esac
		done
		if [ "$cmd" -ge 0 ]; then
			# COMMAND's own arguments: its completion, when bash-completion has it.
			if declare -F _command_offset >/dev/null; then
				_command_offset "$cmd"
			else
				_agentlock_files -f
			fi
			return 0
		fi
		if [ "$dir" -ge 0 ]; then
			# Right after DIR: "--" or COMMAND.
			if [ "$cur" = - ] || [ "$cur" = -- ]; then
				COMPREPLY=(--)
			else
				local IFS=$'\n'
				COMPREPLY=($(compgen -c -- "$cur"))
			fi
			return 0
		fi
		case $prev in
		--profile)
			_agentlock_words "$(_agentlock_profiles "$prog")"
			_agentlock_files -f
			return 0
			;;
		--backend) _agentlock_words $'bpf-lsm\nlandlock\nauto'; return 0 ;;
		--unix) _agentlock_words $'allow\nrefuse'; return 0 ;;
		--export) _agentlock_words $'journal\nsyslog://'; return 0 ;;
		--connect) _agentlock_words $'none\nany\n443'; return 0 ;;
		--user) _agentlock_words "$(compgen -u)"; return 0 ;;
		--env) _agentlock_words "$(compgen -e)"; return 0 ;;
		--ssh) _agentlock_words "$(compgen -A hostname)"; return 0 ;;
		--on-freeze) _agentlock_words $'kill\nresume-after=60'; return 0 ;;
		--limit) _agentlock_words $'memory=8G\npids=2048\ncpu=200%\nmemory=8G,pids=2048,cpu=200%'; return 0 ;;
		--report | --log | --ro | --rw | --deny) _agentlock_files -f; return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			_agentlock_words "$(printf '%s\n' $valopts $flags)"
			return 0
		fi
		[ "$COMP_CWORD" -eq 1 ] && _agentlock_words "$(printf '%s\n' $subs)"
		_agentlock_files -d
		return 0
	fi

	case $sub in
	daemon | stats)
		case $prev in
		--socket | --metrics-file) _agentlock_files -f ;;
		*) [ "$sub" = daemon ] && _agentlock_words $'--socket\n--metrics-file' || _agentlock_words --socket ;;
		esac
		;;
	profiles)
		case $prev in
		--user) _agentlock_words "$(compgen -u)" ;;
		*) _agentlock_words --user ;;
		esac
		;;
	profile)
		if [ "$COMP_CWORD" -eq 2 ]; then
			_agentlock_words $'show\nsuggest'
			return 0
		fi
		if [ "${COMP_WORDS[2]}" = suggest ]; then
			# profile suggest FILE [--name NAME]
			if [ "$prev" = --name ]; then
				return 0
			elif [[ $cur == -* ]]; then
				_agentlock_words --name
			else
				_agentlock_files -f
			fi
			return 0
		fi
		npos=0
		for ((i = 3; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			case $w in
			--user) if [ "${COMP_WORDS[i + 1]}" = = ]; then i=$((i + 2)); else i=$((i + 1)); fi ;;
			-*) ;;
			*) npos=$((npos + 1)) ;;
			esac
		done
		if [ "$prev" = --user ]; then
			_agentlock_words "$(compgen -u)"
		elif [[ $cur == -* ]]; then
			_agentlock_words --user
		elif [ "$npos" -eq 0 ]; then
			_agentlock_words "$(_agentlock_profiles "$prog")"
			_agentlock_files -f
		elif [ "$npos" -eq 1 ]; then
			_agentlock_files -d
		fi
		;;
	check)
		_agentlock_words --json
		;;
	replay)
		case $prev in
		--speed) _agentlock_words $'0\n0.5\n1\n2\n10' ;;
		*)
			if [[ $cur == -* ]]; then
				_agentlock_words $'--speed\n--ascii'
			else
				_agentlock_files -f
			fi
			;;
		esac
		;;
	report)
		case $prev in
		--format) _agentlock_words $'text\njson\nmarkdown\nhtml' ;;
		--profile)
			_agentlock_words "$(_agentlock_profiles "$prog")"
			_agentlock_files -f
			;;
		*)
			if [[ $cur == -* ]]; then
				_agentlock_words $'--format\n--profile'
			else
				_agentlock_files -f
			fi
			;;
		esac
		;;
	rules)
		case $prev in
		--user) _agentlock_words "$(compgen -u)" ;;
		--check) _agentlock_files -f ;;
		*) _agentlock_words $'--check\n--user' ;;
		esac
		;;
	watch)
		if [[ $cur == -* ]]; then
			_agentlock_words --ascii
		else
			_agentlock_words "$(_agentlock_sessions)"
			_agentlock_files -f
		fi
		;;
	which)
		if [ "$prev" = --profile ]; then
			_agentlock_words "$(_agentlock_profiles "$prog")"
		elif [[ $cur == -* ]]; then
			_agentlock_words --profile --user
		else
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		fi
		;;
	esac
	return 0
}

complete -F _agentlock agentlock
