#!/bin/sh
# update.sh — regenerates the expected outputs listed in stats.list with
# bin/verona (or $VERONA).  Look at `git diff tests/golden` before keeping them.
set -eu
cd "$(dirname "$0")"
VERONA=${VERONA:-../../bin/verona}
grep -v -e '^#' -e '^[[:space:]]*$' stats.list | while read -r name input expected options; do
	# $options is split on purpose: it holds zero or more options
	# shellcheck disable=SC2086
	if ! "$VERONA" stats ${options:-} "$input" >"$expected.tmp"; then
		echo "update.sh: $name: verona stats ${options:-}$input failed" >&2
		rm -f "$expected.tmp"
		exit 1
	fi
	mv "$expected.tmp" "$expected"
	echo "$name: $expected"
done
