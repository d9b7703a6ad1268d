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

# The make check runner: unit tests, plain then sanitized; the config
# round trips; the man page lint; the end-to-end tests.  Each item's output
# goes to regress/out/NAME.log.  TESTS="pattern ..." selects items whose
# name contains one of the shell patterns, e.g. TESTS="unit 00-infra".
# An item exiting 77 is skipped, except under CI=true where it fails.
# EG_TIMEOUT bounds each item in seconds (default 600).

cd "$(dirname "$0")/.." || exit 1
OUT=regress/out
mkdir -p "$OUT" || exit 1

current=
npass=0
nfail=0
nskip=0
failed=

interrupted()
{
	trap - INT TERM HUP
	if [ -n "$current" ]; then
		kill -TERM "$current" 2>/dev/null
		wait "$current"
	fi
	echo "interrupted"
	echo "$npass passed, $((nfail + 1)) failed"
	exit 130
}
trap interrupted INT TERM HUP

selected()
{
	local p
	[ -z "${TESTS:-}" ] && return 0
	for p in $TESTS; do
		case $1 in
		*$p*)	return 0;;
		esac
	done
	return 1
}

# item name cmd...: run one item, its output to the log.
item()
{
	local name=$1 log start rc secs
	shift
	selected "$name" || return 0
	log=$OUT/$(echo "$name" | tr '/' '-').log
	start=$(date +%s)
	# In the background so that a signal to us reaches it through the trap.
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 10 "${EG_TIMEOUT:-600}" "$@" >"$log" 2>&1 \
		    </dev/null &
	else
		"$@" >"$log" 2>&1 </dev/null &
	fi
	current=$!
	wait $current
	rc=$?
	current=
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		npass=$((npass + 1))
		echo "PASS $name (${secs}s)"
		return 0
	fi
	if [ $rc -eq 77 ] && [ "${CI:-}" != true ]; then
		nskip=$((nskip + 1))
		echo "SKIP $name: $(tail -n 1 "$log" | sed "s/^# *\(SKIP *\)\{0,1\}//")"
		return 0
	fi
	nfail=$((nfail + 1))
	failed="$failed $name"
	case $rc in
	77)	echo "FAIL $name (skipped, but CI=true)";;
	124)	echo "FAIL $name (timed out after ${EG_TIMEOUT:-600}s)";;
	*)	echo "FAIL $name (exit $rc)";;
	esac
	echo "--- last 40 lines of $log"
	tail -n 40 "$log" | sed 's/^/| /'
	echo "---"
}

is_test()
{
	[ -f "$1" ] && [ -x "$1" ] || return 1
	case $1 in
	*.c|*.h|*.o|*.sh)	return 1;;
	esac
	return 0
}

for t in regress/unit/test_*; do
	case $t in
	*.san)	continue;;
	esac
	is_test "$t" && item "unit/${t##*/}" "./$t"
done
for t in regress/unit/test_*.san; do
	is_test "$t" && item "unit/${t##*/}" "./$t"
done

if [ -f regress/config/run.sh ]; then
	item config sh regress/config/run.sh engarded/engarded
fi

# Every fuzzing harness over its committed corpus: seconds, no fuzzing.
if [ -f regress/fuzz/run.sh ]; then
	item fuzz/corpus sh regress/fuzz/run.sh corpus
fi

set -- man/*.[1-9]
if [ -f "$1" ]; then
	item mandoc mandoc -Tlint -Wwarning "$@"
fi

# The dashboard's HTTP handlers and page against a made-up snapshot.
if [ -f regress/webui/offline.sh ]; then
	item webui/offline sh regress/webui/offline.sh
fi

for t in regress/netns/[0-9][0-9]-*.sh; do
	[ -f "$t" ] || continue
	name=${t##*/}
	item "netns/${name%.sh}" sh "$t"
done

# The hostile-input table, against a running client and server.
if [ -f regress/hostile/run.sh ]; then
	item hostile sh regress/hostile/run.sh
fi

# The benchmark's tools on a tiny load; never its timings.
if [ -f regress/bench/smoke.sh ]; then
	item bench/smoke sh regress/bench/smoke.sh
fi

summary="$npass passed, $nfail failed"
[ $nskip -gt 0 ] && summary="$summary, $nskip skipped"
[ -n "$failed" ] && echo "failed:$failed"
echo "$summary"
[ $nfail -eq 0 ]
