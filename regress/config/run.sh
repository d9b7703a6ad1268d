#!/bin/sh
#
# Copyright (c) 2026 The engarde authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

# Configuration cases: "engarded -n -f NN-name.yml" (-nv when the name has
# "print") must write exactly NN-name.ok on stdout and stderr together.
# What a print case prints must parse, and print the same text again.  The
# sample etc/engarded.yml must pass with either role.
#
# usage: run.sh /path/to/engarded

if [ $# -ne 1 ]; then
	echo "usage: $0 /path/to/engarded" >&2
	exit 2
fi
case $1 in
/*)	bin=$1 ;;
*)	bin=$(pwd)/$1 ;;
esac
if [ ! -x "$bin" ]; then
	echo "$0: $bin: not executable" >&2
	exit 2
fi

# Run from here, so that file names in messages match the .ok files.
cd "$(dirname "$0")" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/engarde-config.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

failed=0

result() {
	if [ "$2" -eq 0 ]; then
		echo "ok $1"
	else
		echo "FAIL $1"
		failed=1
	fi
}

for yml in [0-9][0-9]-*.yml; do
	name=${yml%.yml}
	case $name in
	*print*)	flags=-nv ;;
	*)		flags=-n ;;
	esac
	bad=0
	"$bin" $flags -f "$yml" >"$tmp/out" 2>&1
	if ! cmp -s "$tmp/out" "$name.ok"; then
		diff -u "$name.ok" "$tmp/out" >&2
		bad=1
	fi
	if [ $flags = -nv ]; then
		# Round trip: the printed form, read back, prints the same.
		if ! "$bin" -nv -f "$yml" >"$tmp/a.yml" 2>"$tmp/err" ||
		    ! "$bin" -nv -f "$tmp/a.yml" >"$tmp/b.yml" 2>>"$tmp/err" ||
		    ! cmp -s "$tmp/a.yml" "$tmp/b.yml"; then
			echo "$name: round trip differs" >&2
			cat "$tmp/err" >&2
			diff -u "$tmp/a.yml" "$tmp/b.yml" >&2
			bad=1
		fi
	fi
	result "$name" $bad
done

for role in client server; do
	bad=0
	"$bin" -n -r $role -f ../../etc/engarded.yml >"$tmp/out" 2>&1
	if [ "$(cat "$tmp/out")" != "configuration OK" ]; then
		cat "$tmp/out" >&2
		bad=1
	fi
	result "sample-$role" $bad
done

exit $failed
