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

# make check keeps the benchmark's tools working: the floor relay (both
# server modes) and engarded forward both ways at a low rate, a figure is
# measured and the report and its JSON come out.  It fails when a tool is
# broken, never on a timing.

. "$(dirname "$0")/../netns/lib.sh"
. "$(dirname "$0")/../netns/engarde.sh"
BENCH_CPU_RATE=2000
. "$(dirname "$0")/benchlib.sh"

BENCH_RUNS=1
bench_topo 2

# both_ways impl: 1000 requests at 1000/s through the relay on 2 links;
# every one arrives, and replies come back.  They are shaped like
# WireGuard's messages, and engarded's server admits all of them.
both_ways()
{
	bench_up "$1" 2
	sink_start "$SERVER" "bw$1" -e -i 30 -t 30 "$BENCH_SINK"
	udp_send "$CLIENT" "bw$1.tx" -e -w -r 1000 -n 1000 -s 200 -t 20 \
	    "$EG_LISTEN"
	proc_kill "$(cat "$EG_TMP/bw$1.pid")"
	note "$1: $(cat "$EG_TMP/bw$1.json")"
	note "$1: $(cat "$EG_TMP/bw$1.tx.json")"
	check "$1: every datagram arrives" [ "$(result "bw$1" unique)" = 1000 ]
	check "$1: in two copies" [ "$(result "bw$1" duplicates)" -gt 0 ]
	check "$1: nothing malformed" [ "$(result "bw$1" bad)" = 0 ]
	check "$1: replies come back" [ "$(result "bw$1.tx" replies)" -gt 0 ]
	if [ "$1" = eng ]; then
		note "eng: server has $(bench_status clients) clients in" \
		    "$(bench_status sessions) session(s)"
		check "eng: one session" [ "$(bench_status sessions)" = 1 ]
		check "eng: the server admits every datagram" \
		    [ "$(bench_status not_wireguard)" = 0 ]
		check "eng: from no unknown source" \
		    [ "$(bench_status unknown_source)" = 0 ]
	fi
	bench_down
}

both_ways eng
both_ways floor
# The floor's plain server mode: one socket for every client.
opts=$BENCH_FLOOR_OPTS
BENCH_FLOOR_OPTS=
both_ways floor
BENCH_FLOOR_OPTS=$opts

for impl in eng floor; do
	bench_cpu $impl 1 1
done
check "a CPU figure for each relay" [ "$(grep -c '^cpu_n1_s64 ' \
    "$BENCH_RAW")" = 2 ]

echo "# x" >"$EG_TMP/spec"
echo "cpu_n1_s64|1 link, 64 B|us|le_ratio|1.10" >>"$EG_TMP/spec"
echo "cap_n2|2 links|pkt/s|ge_ratio|0.95" >>"$EG_TMP/spec"
bench_report "$EG_TMP/spec" "$EG_TMP/results.json"
check "the report's JSON is written" [ -s "$EG_TMP/results.json" ]
check "the JSON holds the figure" grep -q \
    '"name": "cpu_n1_s64", .*"engarded": {"median": [0-9.e+-]*,' \
    "$EG_TMP/results.json"
if command -v python3 >/dev/null 2>&1; then
	check "the JSON parses" python3 -c 'import json, sys
json.load(open(sys.argv[1]))' "$EG_TMP/results.json"
elif command -v jq >/dev/null 2>&1; then
	check "the JSON parses" jq -e . "$EG_TMP/results.json"
fi
