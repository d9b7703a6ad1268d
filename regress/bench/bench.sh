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

# make bench: engarded against the floor (relay.c, the same fan-out and
# nothing else) with identical traffic, in network namespaces.  Prints a
# table and writes regress/bench/results.json.  The targets are
# informational: only a broken harness fails the run.
#
#   BENCH_QUICK=1	about a minute: one short run of everything
#   BENCH_RUNS=n	runs per figure (default 3, quick 1)
#   BENCH_ONLY="cpu cap lat fo slow mem wg"	the sections to run
#   BENCH_OUT=file	the JSON (default regress/bench/results.json)

. "$(dirname "$0")/../netns/lib.sh"
. "$(dirname "$0")/../netns/engarde.sh"
. "$(dirname "$0")/benchlib.sh"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	BENCH_RUNS=${BENCH_RUNS:-1}
	CPU_SECS=1	# at 20 000/s
	CAP_CS=50	# each capacity trial, centiseconds
	CAP_BUDGET=4	# seconds per capacity search
	LAT_SECS=1
	LAT_RUNS=$BENCH_RUNS
	FO_CUT=0.5	# failover: link 2 cut after, for, in a stream of
	FO_DOWN=0.5
	FO_SECS=2
	SLOW_SECS=1
	WG_SECS=2
	MEM_SECS=2
	MEM_WAIT=3	# for 1000 clients' sockets
else
	BENCH_RUNS=${BENCH_RUNS:-3}
	CPU_SECS=3	# 60 000 packets: ticks of 0.2 us a packet
	CAP_CS=100
	CAP_BUDGET=10
	LAT_SECS=3
	# Its p99 is the noisiest figure and the cheapest to repeat.
	LAT_RUNS=$((BENCH_RUNS + 2))
	FO_CUT=1.5
	FO_DOWN=0.5	# under a second: the kernel's carrier lag shows
	FO_SECS=4
	SLOW_SECS=3
	WG_SECS=5
	MEM_SECS=10
	MEM_WAIT=30
fi
BENCH_ONLY=${BENCH_ONLY:-cpu cap lat fo slow mem wg}
BENCH_OUT=${BENCH_OUT:-$EG_ROOT/regress/bench/results.json}
BENCH_START=$(date +%s)
# The tree may be rebuilt under a long run: say so when it was.
BENCH_BINSUM=$(cksum "$ENGARDED" "$ENGARDECTL")

selected()
{
	case " $BENCH_ONLY " in
	*" $1 "*)	return 0;;
	esac
	return 1
}

section()
{
	note "$(($(date +%s) - BENCH_START)) s: $*"
}

bench_topo 4
note "$(nproc) x $(sed -n 's/^model name[[:space:]]*: *//p' \
    /proc/cpuinfo | head -n 1), Linux $(uname -r), $BENCH_RUNS run(s)"

# 1. CPU per forwarded packet, both hosts, at a fixed 20 000/s.
if selected cpu; then
	for n in 1 2 4; do
		section "CPU per packet, $n link(s)"
		r=0
		while [ $r -lt "$BENCH_RUNS" ]; do
			for impl in eng floor; do
				bench_cpu $impl $n "$CPU_SECS"
			done
			r=$((r + 1))
		done
	done
fi

# 2. Zero-loss capacity at 1400 bytes: the first run doubles from 20 000/s,
# the later ones start from the last result in steps of 25%.
if selected cap; then
	for n in 2 4; do
		section "zero-loss capacity, $n links"
		prev_eng=0
		prev_floor=0
		r=0
		while [ $r -lt "$BENCH_RUNS" ]; do
			for impl in eng floor; do
				eval "prev=\$prev_$impl"
				bench_up $impl $n
				bench_warm
				if [ "$prev" -gt 0 ]; then
					bench_capacity "$prev" 125 $CAP_CS \
					    $CAP_BUDGET
				else
					bench_capacity 20000 200 $CAP_CS \
					    $CAP_BUDGET
				fi
				bench_down
				eval "prev_$impl=$BENCH_CAP"
				bench_rec "cap_n$n" $impl "$BENCH_CAP"
			done
			r=$((r + 1))
		done
	done
fi

# 3. Added latency: each round measures the direct path, then both relays;
# what a relay adds is its figure minus the direct one of the same round.
if selected lat; then
	section "latency"
	r=0
	while [ $r -lt "$LAT_RUNS" ]; do
		bench_latency direct "$LAT_SECS"
		d50=$LAT_p50 d99=$LAT_p99 dmax=$LAT_max
		for impl in eng floor; do
			bench_latency $impl "$LAT_SECS"
			bench_rec lat_add_p50 $impl $((LAT_p50 - d50))
			bench_rec lat_add_p99 $impl $((LAT_p99 - d99))
			bench_rec lat_add_max $impl $((LAT_max - dmax))
		done
		r=$((r + 1))
	done
fi

# 4. Failover.
if selected fo; then
	section "failover"
	bench_nft_count 2
	r=0
	while [ $r -lt "$BENCH_RUNS" ]; do
		for impl in direct eng floor; do
			bench_failover $impl $FO_CUT $FO_DOWN $FO_SECS
		done
		# Both relays' forwarding processes SCHED_FIFO: what is left
		# when nothing ordinary can make a packet wait for a CPU.
		BENCH_RTPRIO=10
		for impl in eng floor; do
			bench_failover $impl $FO_CUT $FO_DOWN $FO_SECS
			bench_steady $impl $FO_SECS
		done
		BENCH_RTPRIO=
		r=$((r + 1))
	done
fi

# 5. A slow link.
if selected slow; then
	section "slow link"
	r=0
	while [ $r -lt "$BENCH_RUNS" ]; do
		for impl in eng floor; do
			bench_slow $impl "$SLOW_SECS"
		done
		r=$((r + 1))
	done
fi

# 7. Memory (before WireGuard: links 5 to 16 share its range).
if selected mem; then
	section "memory, 16 links and 1000 clients"
	bench_links 16
	for impl in eng floor; do
		bench_memory $impl "$MEM_SECS" "$MEM_WAIT"
	done
	bench_links 4
fi

# 6. With WireGuard.
if selected wg; then
	section "WireGuard, iperf3"
	if ! command -v iperf3 >/dev/null 2>&1; then
		note "iperf3 not installed (apt-get install iperf3):" \
		    "no WireGuard figures"
	elif ! command -v wireguard-go >/dev/null 2>&1 ||
	    ! command -v wg >/dev/null 2>&1 || [ ! -c /dev/net/tun ]; then
		note "no wireguard-go, wg or /dev/net/tun: no WireGuard figures"
	else
		# dedup: on, on both sides, when this engarded knows it; the
		# floor has no such thing, its column stays empty.
		BENCH_DEDUP=on
		bench_conf 2 "$WG_DST"
		BENCH_DEDUP=
		dedup=
		"$ENGARDED" -n -r server -f "$EG_CONF" >/dev/null 2>&1 &&
		    dedup=on
		[ -z "$dedup" ] && note "this engarded has no dedup:" \
		    "not measured"
		wg_up
		r=0
		while [ $r -lt "$BENCH_RUNS" ]; do
			for impl in eng floor; do
				bench_iperf $impl "$WG_SECS"
			done
			if [ -n "$dedup" ]; then
				BENCH_DEDUP=on
				bench_iperf eng "$WG_SECS" wg_dedup
				BENCH_DEDUP=
			fi
			r=$((r + 1))
		done
	fi
fi
section "done"
if [ "$(cksum "$ENGARDED" "$ENGARDECTL")" != "$BENCH_BINSUM" ]; then
	BENCH_REBUILT=1
	note "WARNING: engarded or engardectl was rebuilt during the run:" \
	    "its figures mix two builds"
fi

cat >"$EG_TMP/spec" <<EOF
# 1. CPU per packet delivered at 20 000/s: user+system, all relay processes
cpu_n1_s64|1 link, 64 B|us|le_ratio|1.10
cpu_n1_s1400|1 link, 1400 B|us|le_ratio|1.10
cpu_n2_s64|2 links, 64 B|us|le_ratio|1.10
cpu_n2_s1400|2 links, 1400 B|us|le_ratio|1.10
cpu_n4_s64|4 links, 64 B|us|le_ratio|1.10
cpu_n4_s1400|4 links, 1400 B|us|le_ratio|1.10
# 2. Zero-loss capacity, 1400 B (bounded search, trials of $CAP_CS cs)
cap_n2|2 links|pkt/s|ge_ratio|0.95
cap_n4|4 links|pkt/s|ge_ratio|0.95
# 3. One-way latency at 1000/s, 64 B, 2 links; added: relay - direct; $LAT_RUNS runs
lat_direct_p50|direct (no relay) p50|us|none||direct
lat_direct_p99|direct (no relay) p99|us|none||direct
lat_direct_max|direct (no relay) max|us|none||direct
lat_p50|through the relays p50|us|none
lat_p99|through the relays p99|us|none
lat_add_p50|added p50|us|none
lat_add_p99|added p99|us|lat|200
lat_add_max|added max|us|none
# 4. Failover: 5000/s, 1400 B, 2 links, link 2 dropped then down for $FO_DOWN s
fo_lost|lost|pkts|zero
fo_gap|longest gap between arrivals (sender's stalls too)|us|none
fo_gap_added|longest gap beyond the sender's own|us|none
fo_back|link 2 carries again after up|ms|none
fo_direct_gap|the same gap, direct (no relay) on link 1|us|none||direct
# 4b. The same with realtimePriority: 10 (floor: chrt -f 10 on its relays)
fo_lost_rt|lost|pkts|zero
fo_gap_added_rt|longest gap beyond the sender's own|us|max|1000
fo_gap_steady_rt|the same, nothing cut|us|none
# 5. Request/response 1000/s, 1000 B, 2 links; slow: egl2 2 Mbit/s, 4 MB queue
rrfast_p99|both fast, RTT p99|us|none
rrfast_lost|both fast, replies lost|%|none
rrslow_p99|one slow, RTT p99|us|none
rrslow_lost|one slow, replies lost|%|none
# 6. WireGuard (wireguard-go) over 2 links, iperf3 TCP ${WG_SECS} s
wg_mbps|throughput|Mbit/s|none
wg_cpu_gb|relay CPU per GB|s/GB|none
wg_dedup_mbps|dedup: on, throughput|Mbit/s|none
wg_dedup_cpu_gb|dedup: on, relay CPU per GB|s/GB|none
# 7. Memory: VmRSS of the engine (floor: of the relay), 1 run
mem_client|client, 16 links|KiB|max|8192
mem_client_growth|client, growth in ${MEM_SECS} s stream|KiB|max|16
mem_server|server, 1000 clients|KiB|max|8192
mem_server_growth|server, growth in ${MEM_SECS} s stream|KiB|max|16
mem_sockets|server, new clients' sockets after|s|none
EOF

echo
echo "engarde benchmark: engarded against the floor relay;" \
    "median [min-max] of $BENCH_RUNS run(s)"
bench_report "$EG_TMP/spec" "$BENCH_OUT.tmp" || die "report"
mv "$BENCH_OUT.tmp" "$BENCH_OUT" || die "writing $BENCH_OUT"
echo
note "$BENCH_OUT written"
pass "benchmark complete in $(($(date +%s) - BENCH_START)) s"
