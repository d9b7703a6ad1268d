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

# The benchmark's machinery: up to 16 links, engarded or the floor relay
# between udpgen streams, CPU time and memory from /proc, the measurements
# of each figure, medians and the report.  Source after lib.sh and
# engarde.sh (both from regress/netns).
#
# Links, client .1 / server .2 (or .129 / .130):
#   egl1 192.0.2.0/24   egl2 198.51.100.0/24   (as in lib.sh)
#   egl3 203.0.113.0/25 egl4 203.0.113.128/25
#   egl5..egl16 100.64.0.16/28 .. 100.64.0.192/28 (memory figure only)
# Without WireGuard, udpgen plays it on both sides: senders in the client
# host send to the relay's listen address, the server relay forwards to a
# sink on $BENCH_SINK in the server host.  Every sender sends WireGuard-
# shaped datagrams (udpgen send -w: an initiation, then data messages),
# which engarded's server admits, to both relays and on the direct path
# alike, so that all of them carry the same bytes.
#
# Every measurement appends "figure impl value" lines to $BENCH_RAW, one
# per run; bench_report turns them into medians, the table and the JSON.
# impl is "eng" (engarded), "floor" (relay.c) or "direct" (no relay).

RELAY=$EG_ROOT/regress/bench/relay
BENCH_SINK=127.0.0.1:9000
BENCH_RAW=$EG_TMP/raw
BENCH_NFT=egbench
BENCH_CPU_RATE=${BENCH_CPU_RATE:-20000}
BENCH_FLOOR_OPTS=${BENCH_FLOOR_OPTS--p}	# relay server: a socket per client
BENCH_PIDS=			# the running relay's processes (parents)
BENCH_IMPL=
BENCH_LINKS=0			# links that exist
CLK_TCK=$(getconf CLK_TCK)
: >"$BENCH_RAW"

[ -x "$RELAY" ] || die "$RELAY not built (make regress/bench/relay)"
[ -x "$UDPGEN" ] || die "$UDPGEN not built (make)"
command -v ss >/dev/null 2>&1 || eg_skip "ss not installed"

# --- links ------------------------------------------------------------------

# bench_net i: "client-address server-address prefix-length" of link i.
bench_net()
{
	local b
	case $1 in
	1)	echo 192.0.2.1 192.0.2.2 24;;
	2)	echo 198.51.100.1 198.51.100.2 24;;
	3)	echo 203.0.113.1 203.0.113.2 25;;
	4)	echo 203.0.113.129 203.0.113.130 25;;
	[5-9]|1[0-6])
		b=$((($1 - 4) * 16))
		echo 100.64.0.$((b + 1)) 100.64.0.$((b + 2)) 28;;
	*)	die "bench_net: no link $1 (1 to 16)";;
	esac
}

# bench_addr i client|server
bench_addr()
{
	set -- "$2" $(bench_net "$1")
	case $1 in
	client)	echo "$2";;
	server)	echo "$3";;
	esac
}

# bench_link_add i: the veth pair egl<i>, addressed and up on both sides.
bench_link_add()
{
	set -- "$1" $(bench_net "$1")
	ip -n "$CLIENT" link add "egl$1" type veth peer name "egl$1" \
	    netns "$SERVER" || die "link $1"
	ip -n "$CLIENT" addr add "$2/$4" dev "egl$1" &&
	    ip -n "$SERVER" addr add "$3/$4" dev "egl$1" &&
	    ip -n "$CLIENT" link set "egl$1" up &&
	    ip -n "$SERVER" link set "egl$1" up || die "link $1: address"
}

# bench_links n: links 1..n exist, and no more.
bench_links()
{
	while [ "$BENCH_LINKS" -lt "$1" ]; do
		BENCH_LINKS=$((BENCH_LINKS + 1))
		bench_link_add "$BENCH_LINKS"
	done
	while [ "$BENCH_LINKS" -gt "$1" ]; do
		ip -n "$CLIENT" link del "egl$BENCH_LINKS" ||
		    die "link $BENCH_LINKS: del"
		BENCH_LINKS=$((BENCH_LINKS - 1))
	done
}

bench_topo()
{
	ns_add "$CLIENT"
	ns_add "$SERVER"
	bench_links "$1"
}

# bench_tbf i on|off: link i behind 2 Mbit/s with a deep queue (4 MB, 16 s
# of it) both ways, or fast again; off also empties the queue.
bench_tbf()
{
	local ns
	for ns in $CLIENT $SERVER; do
		tc -n "$ns" qdisc del dev "egl$1" root 2>/dev/null || :
		if [ "$2" = on ]; then
			tc -n "$ns" qdisc replace dev "egl$1" root tbf \
			    rate 2mbit burst 32kbit limit 4mb ||
			    die "tbf on egl$1 in $ns"
		fi
	done
	return 0
}

# bench_nft_count i: count the client's datagrams out of link i to the
# server's port, for relays that keep no counters.
bench_nft_count()
{
	ip netns exec "$CLIENT" nft -f - <<EOF || die "nft counter"
table inet $BENCH_NFT {
	chain out {
		type filter hook output priority filter; policy accept;
		oifname "egl$1" udp dport $EG_PORT counter
	}
}
EOF
}

bench_nft_packets()
{
	ip netns exec "$CLIENT" nft list chain inet $BENCH_NFT out |
	    sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# --- the relays -------------------------------------------------------------

# bench_conf n dst: engarded on links 1..n (the others excluded), the
# server forwarding to dst; both with dedup on when BENCH_DEDUP is set,
# and their engines SCHED_FIFO at BENCH_RTPRIO when that is.
bench_conf()
{
	local i=1
	{
		echo "client:"
		bench_conf_own
		echo "  description: \"bench client\""
		echo "  listenAddr: \"$EG_LISTEN\""
		echo "  dstAddr: \"$(bench_addr 1 server):$EG_PORT\""
		echo "  excludedInterfaces:"
		echo "    - \"$WG_IF\""
		i=$(($1 + 1))
		while [ $i -le 16 ]; do
			echo "    - \"egl$i\""
			i=$((i + 1))
		done
		echo "  dstOverrides:"
		i=2
		while [ $i -le "$1" ]; do
			echo "    - ifName: \"egl$i\""
			echo "      dstAddr:" \
			    "\"$(bench_addr $i server):$EG_PORT\""
			i=$((i + 1))
		done
		echo "  controlSocket: \"$EG_TMP/client.sock\""
		echo "server:"
		bench_conf_own
		echo "  description: \"bench server\""
		echo "  listenAddr: \"0.0.0.0:$EG_PORT\""
		echo "  dstAddr: \"$2\""
		echo "  controlSocket: \"$EG_TMP/server.sock\""
	} >"$EG_CONF"
}

bench_conf_own()
{
	[ -n "${BENCH_DEDUP:-}" ] && echo "  dedup: on"
	[ -n "${BENCH_RTPRIO:-}" ] && echo "  realtimePriority: $BENCH_RTPRIO"
	:
}

# bench_bound ns port: something listens on that UDP port.
bench_bound()
{
	[ -n "$(ip netns exec "$1" ss -Hulnp "sport = :$2")" ]
}

bench_paths_active()
{
	[ "$(ctl client -j show interfaces | tr -d '\n' | tr '{' '\n' |
	    grep -c '"status": *"active"')" -eq "$1" ]
}

# bench_up eng|floor n [dst]: that relay on links 1..n, the server
# forwarding to dst (default the sink); ready to forward when it returns.
bench_up()
{
	local impl=$1 n=$2 dst=${3:-$BENCH_SINK} i paths
	BENCH_IMPL=$impl
	case $impl in
	eng)
		bench_conf "$n" "$dst"
		ns_spawn "$SERVER" "$EG_TMP/server.log" "$ENGARDED" -d \
		    -r server -f "$EG_CONF"
		EG_SRV=$EG_PID
		wait_for 5 ctl server show status ||
		    die "engarded server: $(cat "$EG_TMP/server.log")"
		ns_spawn "$CLIENT" "$EG_TMP/client.log" "$ENGARDED" -d \
		    -r client -f "$EG_CONF"
		EG_CLI=$EG_PID
		wait_for 5 ctl client show status ||
		    die "engarded client: $(cat "$EG_TMP/client.log")"
		wait_for 5 bench_paths_active "$n" ||
		    die "engarded client: not $n active paths:" \
		    "$(ctl client show interfaces)"
		[ -z "${BENCH_RTPRIO:-}" ] || bench_fifo ||
		    die "realtimePriority $BENCH_RTPRIO not applied:" \
		    "$(cat "$EG_TMP"/*.log)"
		BENCH_PIDS="$EG_SRV $EG_CLI";;
	floor)
		ns_spawn "$SERVER" "$EG_TMP/server.log" "$RELAY" server \
		    $BENCH_FLOOR_OPTS "0.0.0.0:$EG_PORT" "$dst"
		EG_SRV=$EG_PID
		paths=
		i=1
		while [ $i -le "$n" ]; do
			paths="$paths egl$i:$(bench_addr $i client)"
			paths="$paths:$(bench_addr $i server):$EG_PORT"
			i=$((i + 1))
		done
		ns_spawn "$CLIENT" "$EG_TMP/client.log" "$RELAY" client \
		    "$EG_LISTEN" "$(bench_addr 1 server):$EG_PORT" $paths
		EG_CLI=$EG_PID
		BENCH_PIDS="$EG_SRV $EG_CLI"
		wait_for 5 bench_bound "$SERVER" "$EG_PORT" ||
		    die "relay server: $(cat "$EG_TMP/server.log")"
		wait_for 5 bench_bound "$CLIENT" "${EG_LISTEN##*:}" ||
		    die "relay client: $(cat "$EG_TMP/client.log")";;
	*)	die "bench_up: eng or floor";;
	esac
	# The floor gets what realtimePriority gives engarded's engines.
	if [ "$impl" = floor ] && [ -n "${BENCH_RTPRIO:-}" ]; then
		chrt -f -p "$BENCH_RTPRIO" "$EG_SRV" >/dev/null &&
		    chrt -f -p "$BENCH_RTPRIO" "$EG_CLI" >/dev/null ||
		    die "chrt -f $BENCH_RTPRIO on the floor relays"
	fi
}

# bench_fifo: both engines of engarded run SCHED_FIFO at BENCH_RTPRIO.
bench_fifo()
{
	local p
	for p in $(engine_of "$EG_SRV") $(engine_of "$EG_CLI"); do
		[ "$(proc_sched "$p")" = "1 $BENCH_RTPRIO" ] || return 1
	done
}

# bench_status key: a figure of engarded's server status ("-" for the
# floor), e.g. clients (addresses), sessions or not_wireguard.
bench_status()
{
	if [ "$BENCH_IMPL" = eng ]; then
		ctl server -j show status | json_get "$1" /dev/stdin
	else
		echo "-"
	fi
}

# bench_admission: what engarded's server refused to admit, if anything.
# Every stream is shaped like WireGuard's messages: one that is not is a
# harness bug.  The other refusals are load (no socket to WireGuard ready
# for an initiation, and then its data from an unknown source).
bench_admission()
{
	local k v out=
	v=$(bench_status not_wireguard)
	[ "$v" = 0 ] || note "WARNING: engarded's server dropped $v" \
	    "datagrams as not WireGuard"
	for k in unknown_source session_limit address_limit no_wg_socket; do
		v=$(bench_status $k)
		[ "$v" = 0 ] || out="$out $k $v,"
	done
	[ -z "$out" ] || note "engarded's server did not admit:${out%,}" \
	    ${BENCH_ADMIT_WHY:+"($BENCH_ADMIT_WHY)"}
}

bench_down()
{
	local p
	for p in $BENCH_PIDS; do
		proc_alive "$p" ||
		    die "$BENCH_IMPL ($p) died: $(cat "$EG_TMP"/*.log)"
	done
	[ "$BENCH_IMPL" = eng ] && bench_admission
	for p in $BENCH_PIDS; do
		proc_kill "$p"
	done
	BENCH_PIDS=
	wait_for 5 not bench_bound "$CLIENT" "${EG_LISTEN##*:}" &&
	    wait_for 5 not bench_bound "$SERVER" "$EG_PORT" ||
	    die "$BENCH_IMPL: ports still bound after stop"
}

# bench_tree pid...: the processes and all their descendants.
bench_tree()
{
	local p
	for p in "$@"; do
		echo "$p"
		bench_tree $(pgrep -P "$p")
	done
}

# bench_ticks: user+system clock ticks of every process of the relay.
bench_ticks()
{
	local p
	for p in $(bench_tree $BENCH_PIDS); do
		cat "/proc/$p/stat" 2>/dev/null
	done | awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}

# bench_rss pid: VmRSS in KiB.
bench_rss()
{
	proc_status "$1" VmRSS | awk '{ print $1 }'
}

# bench_engine client|server: the process that forwards on that side,
# into BENCH_ENGINE.
bench_engine()
{
	local p
	case $1 in
	client)	p=$EG_CLI;;
	server)	p=$EG_SRV;;
	esac
	BENCH_ENGINE=$p
	if [ "$BENCH_IMPL" = eng ]; then
		BENCH_ENGINE=$(engine_of "$p") || die "no engine under $p"
	fi
}

# --- measuring --------------------------------------------------------------

bench_rec()
{
	echo "$1 $2 $3" >>"$BENCH_RAW"
}

# calc expression: floating point, via awk.
calc()
{
	awk "BEGIN { printf \"%.6g\\n\", $* }"
}

bench_now_ns()
{
	date +%s%N
}

# bench_stream name rate count size: count datagrams at rate to the client
# relay, then until the sink has them all (or 1 s of silence).
bench_stream()
{
	local t=$(($3 / $2 + 15))
	sink_start "$SERVER" "$1" -n "$3" -i 1 -t "$t" "$BENCH_SINK"
	udp_send "$CLIENT" "$1.tx" -w -r "$2" -n "$3" -s "$4" -t "$t" \
	    "$EG_LISTEN"
	sink_wait "$1" "$t"
}

# A few packets first: the server learns the client's addresses (and
# engarded opens their sockets) before anything is measured.
bench_warm()
{
	bench_stream warm 2000 400 64
	[ "$(result warm unique)" -gt 0 ] ||
	    die "$BENCH_IMPL does not forward: $(cat "$EG_TMP/warm.json")"
}

# bench_cpu impl n secs: CPU per delivered packet at $BENCH_CPU_RATE a
# second, 64 and 1400 bytes; one start of the relay for both sizes.
bench_cpu()
{
	local impl=$1 n=$2 count=$((BENCH_CPU_RATE * $3)) size t0 t1 u
	bench_up "$impl" "$n"
	bench_warm
	for size in 64 1400; do
		t0=$(bench_ticks)
		bench_stream cpu "$BENCH_CPU_RATE" "$count" "$size"
		t1=$(bench_ticks)
		u=$(result cpu unique)
		[ "$u" -gt 0 ] || die "cpu: nothing delivered"
		bench_rec "cpu_n${n}_s$size" "$impl" \
		    "$(calc "($t1 - $t0) * 1000000 / $CLK_TCK / $u")"
		bench_rec "cpulost_n${n}_s$size" "$impl" "$(result cpu lost)"
	done
	bench_down
}

# bench_trial rate cs: rate datagrams of 1400 bytes a second for cs
# centiseconds; true when the sink got every one and the sender kept the
# rate (a sender slowed down by a busy machine would hide a loss).
bench_trial()
{
	local count=$(($1 * $2 / 100)) got r
	bench_stream cap "$1" "$count" 1400
	got=$(result cap unique)
	r=$(result cap.tx rate)
	note "capacity trial $BENCH_IMPL $1/s: $got of $count," \
	    "sent at $r/s"
	[ "$got" -eq "$count" ] &&
	    [ "$(result cap.tx errors)" -eq 0 ] &&
	    awk -v r="$r" -v w="$1" 'BEGIN { exit !(r >= 0.95 * w) }'
}

# bench_capacity start factor% cs budget: the highest rate (to 5%, in
# steps of 1000/s) with no loss, found by moving from start by factor
# until a pass and a fail bracket it, then bisecting; within budget
# seconds.  The rate goes to BENCH_CAP, 0 if even 1000/s loses.
bench_capacity()
{
	local r=$1 f=$2 cs=$3 lo=0 hi=0 end mid
	end=$(($(date +%s) + $4))
	while [ "$lo" -eq 0 ] || [ "$hi" -eq 0 ]; do
		if bench_trial "$r" "$cs"; then
			lo=$r
			[ "$hi" -eq 0 ] && r=$((r * f / 100 / 1000 * 1000))
		else
			hi=$r
			[ "$lo" -eq 0 ] && r=$((r * 100 / f / 1000 * 1000))
		fi
		[ "$r" -lt 1000 ] && break
		[ "$r" -gt 2000000 ] && break
		[ "$(date +%s)" -ge "$end" ] && break
	done
	while [ "$lo" -gt 0 ] && [ "$hi" -gt 0 ] &&
	    [ $(((hi - lo) * 100)) -gt $((lo * 5)) ] &&
	    [ "$(date +%s)" -lt "$end" ]; do
		mid=$(((lo + hi) / 2000 * 1000))
		[ "$mid" -le "$lo" ] && break
		if bench_trial "$mid" "$cs"; then
			lo=$mid
		else
			hi=$mid
		fi
	done
	BENCH_CAP=$lo
}

# bench_latency impl|direct secs: one-way p50/p99/max at 1000/s of 64
# bytes, through the relays on 2 links or straight over link 1; also in
# LAT_p50, LAT_p99, LAT_max.
bench_latency()
{
	local impl=$1 count=$((1000 * $2)) to=$EG_LISTEN k key=lat
	if [ "$impl" = direct ]; then
		key=lat_direct
		sink_start "$SERVER" lat -n "$count" -i 1 -t 30 \
		    "$(bench_addr 1 server):9000"
		to=$(bench_addr 1 server):9000
	else
		bench_up "$impl" 2
		bench_warm
		sink_start "$SERVER" lat -n "$count" -i 1 -t 30 "$BENCH_SINK"
	fi
	udp_send "$CLIENT" lat.tx -w -r 1000 -n "$count" -s 64 -t 30 "$to"
	sink_wait lat 30
	for k in p50 p99 max; do
		eval "LAT_$k=\$(result lat lat_${k}_us)"
		bench_rec "${key}_$k" "$impl" "$(result lat "lat_${k}_us")"
	done
	bench_rec "${key}_lost" "$impl" "$(result lat lost)"
	[ "$impl" = direct ] || bench_down
}

# bench_sent impl: what the client sent on link 2 so far.
bench_sent()
{
	if [ "$1" = eng ]; then
		iface_field egl2 packets_out
	else
		bench_nft_packets
	fi
}

# bench_steady impl secs: the failover's stream with nothing cut, for the
# gaps this machine's scheduling makes on its own.
bench_steady()
{
	local count=$((5000 * $2))
	bench_fo_start "$1" st "$count"
	proc_wait "$EG_PID" 30 || die "steady sender: $(cat "$EG_TMP/st.tx.json")"
	sink_wait st 30
	bench_rec "fo_gap_steady${BENCH_RTPRIO:+_rt}" "$1" \
	    "$(result st max_gap_added_us)"
	bench_down
}

# bench_fo_start impl name count: the relay up (impl eng or floor), a
# sink, and a sender of count datagrams at 5000/s of 1400 bytes in the
# background ($EG_PID); impl direct needs no relay.
bench_fo_start()
{
	local impl=$1 to=$EG_LISTEN sink=$BENCH_SINK
	if [ "$impl" = direct ]; then
		to=$(bench_addr 1 server):9000
		sink=$to
	else
		bench_up "$impl" 2
		bench_warm
	fi
	sink_start "$SERVER" "$2" -n "$3" -i 2 -t 30 "$sink"
	ns_spawn "$CLIENT" "$EG_TMP/$2.tx.json" "$UDPGEN" send -w -r 5000 \
	    -n "$3" -s 1400 -t 30 "$to"
}

# bench_failover impl cut down secs: 5000/s of 1400 bytes over 2 links
# for secs seconds; after cut seconds link 2 is cut hard (dropped both
# ways, then down), down seconds later it returns; lost, the longest gap,
# and how long until it carries packets again.
bench_failover()
{
	local impl=$1 count=$((5000 * $4)) base t0 t1= v i=0 sender
	local sfx=${BENCH_RTPRIO:+_rt} back=
	# How long link 2 takes to carry again: engarded and the floor, once.
	[ "$impl" != direct ] && [ -z "$sfx" ] && back=1
	bench_fo_start "$impl" fo "$count"
	sender=$EG_PID
	sleep "$2"
	link_block 2
	link_down 2
	sleep "$3"
	[ -n "$back" ] && base=$(bench_sent "$impl")
	link_unblock 2
	link_up 2
	t0=$(bench_now_ns)
	while [ -n "$back" ] && [ $i -lt 500 ]; do
		v=$(bench_sent "$impl")
		if [ -n "$v" ] && [ "$v" -gt "$base" ]; then
			t1=$(bench_now_ns)
			break
		fi
		sleep 0.01
		i=$((i + 1))
	done
	proc_wait "$sender" 30 || die "failover sender: $(cat \
	    "$EG_TMP/fo.tx.json")"
	sink_wait fo 30
	if [ "$impl" = direct ]; then
		# What cutting link 2 costs a stream on link 1 with no relay.
		bench_rec fo_direct_gap "$impl" "$(result fo max_gap_added_us)"
		return
	fi
	bench_rec "fo_lost$sfx" "$impl" "$(result fo lost)"
	# The stream's interval plus 1 ms at most: what the path added to
	# the sender's own gaps, by kernel arrival time (udpgen sink).
	bench_rec "fo_gap_added$sfx" "$impl" "$(result fo max_gap_added_us)"
	if [ -z "$sfx" ]; then
		bench_rec fo_gap "$impl" "$(result fo max_gap_us)"
		if [ -n "$t1" ]; then
			bench_rec fo_back "$impl" \
			    "$(calc "($t1 - $t0) / 1000000")"
		else
			note "failover $impl: link 2 carried nothing within 5 s"
		fi
	fi
	BENCH_ADMIT_WHY="link 2 came back on new ports, and udpgen's data"
	BENCH_ADMIT_WHY="$BENCH_ADMIT_WHY carries no index WireGuard gave"
	bench_down
	BENCH_ADMIT_WHY=
}

# bench_slow impl secs: request/response at 1000/s of 1000 bytes over 2
# links, both fast, then link 2 at 2 Mbit/s behind a deep queue.
bench_slow()
{
	local impl=$1 count=$((1000 * $2)) c
	bench_up "$impl" 2
	bench_warm
	for c in fast slow; do
		[ $c = slow ] && bench_tbf 2 on
		sink_start "$SERVER" "rr$c" -e -i 30 -t 60 "$BENCH_SINK"
		udp_send "$CLIENT" "rr$c.tx" -e -w -r 1000 -n "$count" \
		    -s 1000 -t 30 "$EG_LISTEN"
		proc_kill "$(cat "$EG_TMP/rr$c.pid")"
		if [ $c = slow ]; then
			note "slow link $impl, egl2 queues (client, server):" \
			    $(for ns in $CLIENT $SERVER; do tc -s -n "$ns" \
			    qdisc show dev egl2 | sed -n 's/^ *backlog //p'; \
			    done)
			bench_tbf 2 off
		fi
		bench_rec "rr${c}_p99" "$impl" "$(result "rr$c.tx" rtt_p99_us)"
		bench_rec "rr${c}_lost" "$impl" \
		    "$(calc "100 * $(result "rr$c.tx" replies_lost) / $count")"
	done
	bench_down
}

# bench_iperf impl secs [figure]: TCP through WireGuard over 2 links;
# Mbit/s and the relay's CPU seconds per gigabyte carried, recorded as
# figure_mbps and figure_cpu_gb (default figure: wg).
bench_iperf()
{
	local impl=$1 t0 t1 out=$EG_TMP/iperf.json srv fig=${3:-wg}
	bench_up "$impl" 2 "$WG_DST"
	wait_for 10 tun_ping 1 || die "$impl: no ping through WireGuard"
	ns_spawn "$SERVER" "$EG_TMP/iperf-s.log" iperf3 -s -1 \
	    -B "$WG_SERVER_IP"
	srv=$EG_PID
	wait_for 5 eg_iperf_listening || die "iperf3 server did not start"
	t0=$(bench_ticks)
	ip netns exec "$CLIENT" timeout $(($2 + 20)) iperf3 -c \
	    "$WG_SERVER_IP" -t "$2" -J >"$out" 2>&1 ||
	    die "iperf3: $(tail -n 5 "$out")"
	t1=$(bench_ticks)
	set -- $(awk '/"sum_received"/ { f = 1 }
	    f && /"bytes"/ { gsub(/,/, ""); b = $2 }
	    f && /"bits_per_second"/ { gsub(/,/, ""); print b, $2; exit }' \
	    "$out")
	[ -n "$2" ] && [ "$1" -gt 0 ] || die "iperf3: no result in $out"
	bench_rec "${fig}_mbps" "$impl" "$(calc "$2 / 1000000")"
	bench_rec "${fig}_cpu_gb" "$impl" \
	    "$(calc "($t1 - $t0) / $CLK_TCK / ($1 / 1000000000)")"
	[ -n "${BENCH_DEDUP:-}" ] && note "dedup: the server kept back" \
	    "$(ctl server -j show status | json_get data_copies /dev/stdin)" \
	    "data copies"
	proc_wait "$srv" 5 || proc_kill "$srv"
	bench_down
}

eg_iperf_listening()
{
	[ -n "$(ip netns exec "$SERVER" ss -Htln "sport = :5201")" ]
}

# bench_clients_from port...: from each port on link 1, a session of its
# own: an initiation, then three data messages.  The wait after the
# initiation paces the senders, so that the server keeps a socket to
# WireGuard ready for the next one.
bench_clients_from()
{
	ip netns exec "$CLIENT" timeout 120 sh -c '
		u=$1 a=$2 to=$3
		shift 3
		for p; do
			"$u" send -w -W 2 -n 3 -r 100000 -s 64 -t 2 \
			    -b "$a:$p" "$to" >/dev/null || exit 1
		done' sh "$UDPGEN" "$(bench_addr 1 client)" \
	    "$(bench_addr 1 server):$EG_PORT" "$@" ||
	    die "registering clients"
}

# bench_missing n: the ports of 20000 to 20000 + n - 1 on link 1 that are
# no client of engarded's server.
bench_missing()
{
	local a
	a=$(bench_addr 1 client)
	ctl server -j show clients | tr '{' '\n' |
	    sed -n "s/.*\"address\": *\"$a:\([0-9]*\)\".*/\1/p" |
	    awk -v n="$1" '{ have[$1] = 1 }
	    END {
		for (p = 20000; p < 20000 + n; p++)
			if (!(p in have))
				print p
	    }'
}

# bench_clients n: n client addresses at the server, from ports 20000 on
# of link 1, each a session of its own.  A busy server may have had no
# socket to WireGuard ready for an initiation, and made no session of it:
# those ports try again, as WireGuard would.
bench_clients()
{
	local ports i=0
	ports=$(seq 20000 $((20000 + $1 - 1)))
	while :; do
		bench_clients_from $ports
		[ "$BENCH_IMPL" = eng ] || break
		ports=$(bench_missing "$1")
		[ -z "$ports" ] && break
		i=$((i + 1))
		[ $i -lt 3 ] || die "$(echo $ports | wc -w) of $1 clients" \
		    "made no session at engarded's server"
		note "$BENCH_IMPL: $(echo $ports | wc -w) of $1 clients" \
		    "made no session: they try again"
	done
}

# True when every client address at the server has its own socket
# (engarded hands them out at a bounded rate); always for the floor.
bench_all_own()
{
	[ "$BENCH_IMPL" != eng ] && return 0
	! ctl server -j show clients | grep -q '"own_socket": *false'
}

# bench_memory impl secs wait: the engine's RSS with 16 links (client) and
# with 1000 client addresses (server), before and after a stream of secs
# seconds; before it, up to wait seconds for every client's socket.
bench_memory()
{
	local impl=$1 ce se c0 s0 c1 s1 t0
	bench_up "$impl" 16
	bench_engine client
	ce=$BENCH_ENGINE
	bench_engine server
	se=$BENCH_ENGINE
	bench_rec mem_client_idle "$impl" "$(bench_rss "$ce")"
	sink_start "$SERVER" memsink -i 60 -t $(($2 + 90)) "$BENCH_SINK"
	# Full batches touch every packet buffer before the first reading.
	udp_send "$CLIENT" memwarm.tx -w -r 200000 -n 4000 -s 1400 -t 10 \
	    "$EG_LISTEN"
	t0=$(date +%s)
	bench_clients 1000
	if wait_for "$3" bench_all_own; then
		bench_rec mem_sockets "$impl" $(($(date +%s) - t0))
	else
		note "memory $impl: some clients still without a socket" \
		    "of their own after $3 s"
	fi
	# Once more, through their own sockets now; none times out meanwhile.
	bench_clients 1000
	udp_send "$CLIENT" memwarm.tx -w -r 200000 -n 4000 -s 1400 -t 10 \
	    "$EG_LISTEN"
	note "memory $impl: server has $(bench_status clients) clients in" \
	    "$(bench_status sessions) sessions"
	c0=$(bench_rss "$ce")
	s0=$(bench_rss "$se")
	udp_send "$CLIENT" mem.tx -w -r 5000 -n $((5000 * $2)) -s 1400 \
	    -t $(($2 + 10)) "$EG_LISTEN"
	c1=$(bench_rss "$ce")
	s1=$(bench_rss "$se")
	proc_kill "$(cat "$EG_TMP/memsink.pid")"
	note "memory $impl: client $c0 -> $c1 KiB, server $s0 -> $s1 KiB," \
	    "sink $(cat "$EG_TMP/memsink.json")"
	bench_rec mem_client "$impl" "$c1"
	bench_rec mem_client_growth "$impl" $((c1 - c0))
	bench_rec mem_server "$impl" "$s1"
	bench_rec mem_server_growth "$impl" $((s1 - s0))
	bench_down
}

# --- the report -------------------------------------------------------------

# bench_report specfile jsonfile: the table on stdout, the JSON to the
# file.  Each spec line: key|label|unit|target|param, where target is
# le_ratio (engarded at most param times the floor), ge_ratio (at least),
# lat (at most 1.2 times the floor and under param), zero (no run above
# 0), max (median at most param), or none; an optional sixth field names
# the impl of the first column (default eng).
bench_report()
{
	local nproc model kernel date rev
	rev=$(git -C "$EG_ROOT" describe --always --dirty 2>/dev/null) ||
	    rev=unknown
	nproc=$(nproc)
	model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo |
	    head -n 1)
	kernel=$(uname -r)
	date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	awk -F'|' -v json="$2" -v nproc="$nproc" -v model="$model" \
	    -v kernel="$kernel" -v date="$date" -v tck="$CLK_TCK" \
	    -v quick="${BENCH_QUICK:-0}" -v runs="$BENCH_RUNS" \
	    -v floor="relay server $BENCH_FLOOR_OPTS" -v rev="$rev" \
	    -v rebuilt="${BENCH_REBUILT:-0}" '
	function jstr(s) {
		gsub(/\\/, "\\\\", s)
		gsub(/"/, "\\\"", s)
		return "\"" s "\""
	}
	function num(v) {
		return v == "" ? "null" : sprintf("%.6g", v)
	}
	# Median, min, max of the runs of key and impl into S[].
	function stats(k, i,    n, a, j, t, m) {
		n = split(runs_of[k SUBSEP i], a, " ")
		S["n"] = n
		S["med"] = S["min"] = S["max"] = ""
		S["list"] = ""
		if (n == 0)
			return
		for (j = 1; j <= n; j++)
			S["list"] = S["list"] (j > 1 ? "," : "") num(a[j])
		for (j = 2; j <= n; j++) {
			t = a[j] + 0
			for (m = j - 1; m >= 1 && a[m] + 0 > t; m--)
				a[m + 1] = a[m]
			a[m + 1] = t
		}
		S["min"] = a[1] + 0
		S["max"] = a[n] + 0
		if (n % 2)
			S["med"] = a[(n + 1) / 2] + 0
		else
			S["med"] = (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function fmt(v) {
		if (v == "")
			return "-"
		if (v != int(v) && (v < 0 ? -v : v) < 100)
			return sprintf("%.3g", v)
		return sprintf("%d", v + (v < 0 ? -0.5 : 0.5))
	}
	function cell(    s) {
		if (S["n"] == 0)
			return "-"
		s = fmt(S["med"])
		if (S["n"] > 1)
			s = s " [" fmt(S["min"]) "-" fmt(S["max"]) "]"
		return s
	}
	function jstats(    s) {
		if (S["n"] == 0)
			return "null"
		return "{\"median\": " num(S["med"]) ", \"min\": " \
		    num(S["min"]) ", \"max\": " num(S["max"]) \
		    ", \"runs\": [" S["list"] "]}"
	}
	NR == FNR {
		k = $0
		sub(/ .*/, "", k)
		split($0, f, " ")
		if (f[3] != "")
			runs_of[f[1] SUBSEP f[2]] = \
			    runs_of[f[1] SUBSEP f[2]] \
			    (runs_of[f[1] SUBSEP f[2]] == "" ? "" : " ") f[3]
		next
	}
	FNR == 1 {
		printf "%-40s %-22s %-22s %6s  %s\n", "figure", "engarded",
		    "floor", "ratio", "target"
		print "{" > json
		print "  \"machine\": {\"nproc\": " nproc ", \"model\": " \
		    jstr(model) ", \"kernel\": " jstr(kernel) \
		    ", \"clk_tck\": " tck "}," > json
		print "  \"date\": " jstr(date) ", \"quick\": " \
		    (quick == 1 ? "true" : "false") ", \"runs\": " runs \
		    ", \"floor\": " jstr(floor) "," > json
		print "  \"source\": " jstr(rev) ", \"rebuilt_during_run\": " \
		    (rebuilt == 1 ? "true" : "false") "," > json
		print "  \"figures\": [" > json
		nfig = 0
	}
	/^#/ {
		printf "\n%s\n", substr($0, 3)
		next
	}
	{
		key = $1; label = $2; unit = $3; target = $4; p = $5
		stats(key, $6 == "" ? "eng" : $6)
		em = S["med"]; emax = S["max"]; ecell = cell(); ej = jstats()
		stats(key, "floor")
		fm = S["med"]; fcell = cell(); fj = jstats()
		ratio = ""
		if (em != "" && fm != "" && fm != 0)
			ratio = em / fm
		verdict = ""; want = "-"
		if (target == "le_ratio") {
			want = "<= " p "x floor"
			if (ratio != "")
				verdict = ratio <= p ? "PASS" : "MISS"
		} else if (target == "ge_ratio") {
			want = ">= " p "x floor"
			if (ratio != "")
				verdict = ratio >= p ? "PASS" : "MISS"
		} else if (target == "lat") {
			want = "<= 1.2x floor, < " p " " unit
			if (em != "" && fm != "")
				verdict = (em <= 1.2 * (fm > 0 ? fm : 0) && \
				    em < p) ? "PASS" : "MISS"
		} else if (target == "zero") {
			want = "0 in every run"
			if (emax != "")
				verdict = emax == 0 ? "PASS" : "MISS"
		} else if (target == "max") {
			want = "<= " p " " unit
			if (em != "")
				verdict = em <= p ? "PASS" : "MISS"
		}
		if (verdict == "" && target != "none")
			verdict = "n/a"
		printf "%-40s %-22s %-22s %6s  %s\n", label " (" unit ")",
		    ecell, fcell, ratio == "" ? "-" : sprintf("%.2f", ratio),
		    want (verdict == "" ? "" : "  " verdict)
		printf "%s    {\"name\": %s, \"label\": %s, \"unit\": %s, " \
		    "\"%s\": %s, \"floor\": %s, \"ratio\": %s, " \
		    "\"target\": %s, \"result\": %s}", nfig++ ? ",\n" : "",
		    jstr(key), jstr(label), jstr(unit),
		    $6 == "" || $6 == "eng" ? "engarded" : $6, ej, fj,
		    ratio == "" ? "null" : sprintf("%.4g", ratio),
		    target == "none" ? "null" : jstr(want),
		    verdict == "" ? "null" : jstr(verdict) > json
	}
	END {
		printf "\n  ]\n}\n" > json
	}' "$BENCH_RAW" "$1"
}
