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

# The libFuzzer harnesses: build them, run their committed corpus, fuzz.
#
# usage: run.sh build | corpus | fuzz [SECONDS] | seeds
#
# build		every harness into regress/fuzz/bin/ with clang's libFuzzer,
#		AddressSanitizer and UndefinedBehaviorSanitizer
# corpus	build what is out of date, then run each harness once over
#		every file of corpus/NAME/; fails on any crash, leak or
#		sanitizer report.  This is what make check runs.  Exits 77
#		(skipped) without clang's libFuzzer.
# fuzz		each harness in turn for SECONDS (FUZZ_SECONDS, default 60),
#		niced, from its corpus; new inputs go to scratch/NAME/new/,
#		a crash to scratch/NAME/crashes/, and the log to
#		scratch/NAME/log.  Fails on any crash and says where the
#		input is: add it to corpus/NAME/ once the bug is understood.
# seeds		write the generated seeds of corpus/ipc, corpus/wg and
#		corpus/session again
#
# FUZZ_HARNESSES selects harnesses (default "config ipc wg http session"),
# FUZZ_CC the compiler (default clang), FUZZ_SCRATCH the scratch directory.

cd "$(dirname "$0")/../.." || exit 1

FUZZ=regress/fuzz
BIN=$FUZZ/bin
CC=${FUZZ_CC:-clang}
HARNESSES=${FUZZ_HARNESSES:-config ipc wg http session}
SCRATCH=${FUZZ_SCRATCH:-$FUZZ/scratch}

FLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=all -Wall -Wextra -Wshadow -Wmissing-prototypes
    -D_GNU_SOURCE -Icommon -Iengarded"
HDRS="common/*.h engarded/*.h"

ASAN_DEFAULT=detect_leaks=1:strict_string_checks=1:quarantine_size_mb=64
ASAN_DEFAULT=$ASAN_DEFAULT:detect_stack_use_after_return=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-$ASAN_DEFAULT}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The sources, packages and input bound of each harness.
srcs()
{
	case $1 in
	config)	echo "$FUZZ/fuzz_config.c engarded/config.c" \
		    "engarded/printconf.c common/util.c common/log.c" ;;
	ipc)	echo "$FUZZ/fuzz_ipc.c common/ipc.c" ;;
	wg)	echo "$FUZZ/fuzz_wg.c engarded/wg.c" ;;
	http)	echo "$FUZZ/fuzz_http.c engarded/http.c engarded/assets.c" \
		    "common/util.c common/log.c" ;;
	session) echo "$FUZZ/fuzz_session.c engarded/session.c" \
		    "engarded/quality.c engarded/wg.c common/log.c" \
		    "common/util.c" ;;
	*)	echo "unknown harness $1" >&2; exit 2 ;;
	esac
}

pkgs()
{
	case $1 in
	config)	echo "yaml-0.1 libbsd-overlay" ;;
	ipc)	echo "libbsd-overlay" ;;
	wg)	echo "libcrypto libbsd-overlay" ;;
	http)	echo "libevent jansson libcrypto libbsd-overlay" ;;
	session) echo "libevent libcrypto libbsd-overlay" ;;
	esac
}

maxlen()
{
	case $1 in
	config)	echo 8192 ;;
	ipc)	echo 32768 ;;
	wg)	echo 8192 ;;
	http)	echo 12288 ;;
	session) echo 8192 ;;
	esac
}

have_libfuzzer()
{
	command -v "$CC" >/dev/null 2>&1 || return 1
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
	    { (void)d; (void)n; return 0; }' >"$BIN/probe.c" &&
	    $CC -fsanitize=fuzzer,address,undefined -o "$BIN/probe" \
	    "$BIN/probe.c" >/dev/null 2>&1
	rc=$?
	rm -f "$BIN/probe" "$BIN/probe.c"
	return $rc
}

build_one()
{
	local h=$1 s l
	s=$(srcs "$h")
	l=$(pkg-config --cflags --libs $(pkgs "$h")) || return 1
	[ "$h" = config ] && l="$l -ldl"
	echo "build $BIN/fuzz_$h"
	$CC $FLAGS -o "$BIN/fuzz_$h" $s $l
}

# Whether bin/fuzz_NAME is older than any of its sources or headers.
stale()
{
	local h=$1 f
	[ -x "$BIN/fuzz_$h" ] || return 0
	for f in $(srcs "$h") $HDRS $FUZZ/run.sh; do
		[ "$f" -nt "$BIN/fuzz_$h" ] && return 0
	done
	return 1
}

build()
{
	local h all=$1 rc=0
	mkdir -p "$BIN" || exit 1
	if ! have_libfuzzer; then
		echo "no $CC with -fsanitize=fuzzer" \
		    "(apt-get install clang libclang-rt-dev)"
		exit 77
	fi
	case " $HARNESSES " in
	*" http "*)
		# Generated from webui/ by the Makefile.
		make -s engarded/assets.c || exit 1 ;;
	esac
	for h in $HARNESSES; do
		if [ -n "$all" ] || stale "$h"; then
			build_one "$h" || rc=1
		fi
	done
	[ $rc -eq 0 ] || exit 1
}

corpus()
{
	local h rc=0 files
	build
	for h in $HARNESSES; do
		files=$(ls "$FUZZ/corpus/$h/" 2>/dev/null | wc -l)
		if [ "$files" -eq 0 ]; then
			echo "FAIL $h: no corpus in $FUZZ/corpus/$h"
			rc=1
			continue
		fi
		# Files, not a directory: each runs once, then the leak check.
		if "$BIN/fuzz_$h" "$FUZZ/corpus/$h"/* \
		    >"$BIN/corpus-$h.log" 2>&1; then
			echo "ok $h ($files inputs)"
		else
			echo "FAIL $h: $(sed -n 's/^Running: //p' \
			    "$BIN/corpus-$h.log" | tail -n 1)"
			grep -v '^Running: \|^Executed \|^INFO: ' \
			    "$BIN/corpus-$h.log" | tail -n 60
			rc=1
		fi
	done
	return $rc
}

fuzz()
{
	local h secs=${1:-${FUZZ_SECONDS:-60}} d dict rc=0 crash speed
	build
	for h in $HARNESSES; do
		d=$SCRATCH/$h
		mkdir -p "$d/new" "$d/crashes" || exit 1
		dict=
		[ -f "$FUZZ/$h.dict" ] && dict=-dict=$FUZZ/$h.dict
		echo "fuzz $h for ${secs}s, log in $d/log"
		nice -n 10 "$BIN/fuzz_$h" -max_total_time="$secs" \
		    -max_len="$(maxlen "$h")" -timeout=10 -print_final_stats=1 \
		    -artifact_prefix="$d/crashes/" $dict \
		    "$d/new" "$FUZZ/corpus/$h" >"$d/log" 2>&1
		speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log")
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' \
		    "$d/log" | tail -n 1)
		if [ -n "$crash" ] || ! grep -q '^Done [0-9]* runs' "$d/log"
		then
			echo "FAIL $h: ${crash:-no input written, see $d/log}"
			grep -v '^#[0-9]\|^INFO: ' "$d/log" | tail -n 60
			rc=1
		else
			echo "ok $h: $(ls "$d/new" | wc -l) inputs in" \
			    "$d/new, ${speed:-?} execs/s"
		fi
	done
	return $rc
}

# The binary seeds, made with the real ipc_compose.
seeds()
{
	mkdir -p "$BIN" || exit 1
	$CC -g -Wall -Wextra -D_GNU_SOURCE -Icommon -Iengarded \
	    -o "$BIN/mkcorpus" "$FUZZ/mkcorpus.c" common/ipc.c \
	    $(pkg-config --cflags --libs libbsd-overlay) || exit 1
	"$BIN/mkcorpus" "$FUZZ/corpus"
}

case $1 in
build)	build all ;;
corpus)	corpus ;;
fuzz)	fuzz "$2" ;;
seeds)	seeds ;;
*)	echo "usage: $0 build | corpus | fuzz [SECONDS] | seeds" >&2
	exit 2 ;;
esac
