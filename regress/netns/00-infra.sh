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

# The harness itself, without engarded: namespaces, links, nftables, tbf,
# WireGuard straight over link 1, the load tool and the cleanup.

. "$(dirname "$0")/lib.sh"

[ -x "$UDPGEN" ] || die "$UDPGEN not built (make regress/bench/udpgen)"

# between lo hi value: lo <= value <= hi, all integers.
between()
{
	[ -n "$3" ] && [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]
}

# show name: the JSON of a run, for the log.
show()
{
	note "$1: $(cat "$EG_TMP/$1.json")"
}

topo_up 2
check "link 1 carries ping" link_ping 1
check "link 2 carries ping" link_ping 2

wg_up "$(link_addr 1 server):$WG_PORT"
t0=$(eg_now_cs)
check "ping through the tunnel" wait_for 10 tun_ping
note "first tunnel ping after $((($(eg_now_cs) - t0) * 10)) ms"
check "wireguard-go is what runs" \
    [ "$(proc_status "$WG_PID_CLIENT" Name)" = wireguard-go ]
check "client completed a handshake" wg_handshake client
check "server completed a handshake" wg_handshake server
check "wireguard-go runs (server)" proc_alive "$WG_PID_SERVER"

# A clean tunnel loses nothing.
sink_start "$SERVER" tun -n 2000 -t 15 "$WG_SERVER_IP:9000"
udp_send "$CLIENT" tun.tx -r 2000 -n 2000 -t 10 "$WG_SERVER_IP:9000"
sink_wait tun 15
show tun.tx
show tun
check "tunnel stream: 2000 sent" [ "$(result tun.tx sent)" = 2000 ]
check "tunnel stream: none lost" [ "$(result tun lost)" = 0 ]
check "tunnel stream: no duplicates" [ "$(result tun duplicates)" = 0 ]

# A blocked link 1 carries nothing, and recovers when unblocked.
link_block 1
check "no ping over blocked link 1" not link_ping 1
sink_start "$SERVER" blk -n 1000 -t 3 "$WG_SERVER_IP:9001"
udp_send "$CLIENT" blk.tx -r 1000 -n 1000 -t 5 "$WG_SERVER_IP:9001"
sink_wait blk 10
show blk
check "blocked link 1: the stream is lost" [ "$(result blk lost)" = 1000 ]
check "link 2 unaffected by the block" link_ping 2
link_unblock 1
check "tunnel back after unblock" wait_for 10 tun_ping

# Random loss: 30% on link 2 (plain UDP), some 600 of 2000 lost.
link_loss 2 30
sink_start "$SERVER" loss -n 2000 -t 5 -i 1 "$(link_addr 2 server):9002"
udp_send "$CLIENT" loss.tx -r 2000 -n 2000 -t 5 "$(link_addr 2 server):9002"
sink_wait loss 10
show loss
check "30% loss on link 2 drops about 600 of 2000" \
    between 400 800 "$(result loss lost)"
link_loss 2 0
sink_start "$SERVER" noloss -n 500 -t 5 "$(link_addr 2 server):9003"
udp_send "$CLIENT" noloss.tx -r 1000 -n 500 -t 5 \
    "$(link_addr 2 server):9003"
sink_wait noloss 10
check "loss removed: none lost" [ "$(result noloss lost)" = 0 ]

# A slow link: 1000 x 1000 bytes in a second (8 Mbit/s) into 2 Mbit/s
# queues, delays and drops.
link_slow 2 2mbit
sink_start "$SERVER" slow -n 1000 -t 5 -i 1 "$(link_addr 2 server):9004"
udp_send "$CLIENT" slow.tx -r 1000 -n 1000 -s 1000 -t 5 \
    "$(link_addr 2 server):9004"
sink_wait slow 10
show slow
check "slow link 2 drops the excess" between 1 900 "$(result slow lost)"
check "slow link 2 queues (p50 latency over 100 ms)" \
    between 100000 2000000 "$(result slow lat_p50_us)"
link_fast 2

# Down and up, delete and add.
link_down 2
check "no ping over link 2 when down" not link_ping 2
link_up 2
check "ping over link 2 when up again" wait_for 5 link_ping 2
link_down 2 server
check "no ping over link 2 when down on the server" not link_ping 2
link_up 2 server
check "ping over link 2 when up on the server" wait_for 5 link_ping 2
link_del 2
check "no ping over deleted link 2" not link_ping 2
link_add 2
check "ping over link 2 added again" wait_for 5 link_ping 2
check "tunnel still up" tun_ping
link_add 3
check "link 3 added carries ping" wait_for 5 link_ping 3

# The cleanup ends what we started and what that forked.
ns_spawn "$SERVER" "$EG_TMP/sleep.log" sleep 300
ns_spawn "$CLIENT" "$EG_TMP/fork.log" \
    sh -c 'sleep 301 & echo $! >"$1"; wait' sh "$EG_TMP/grandchild.pid"
wait_for 5 test -s "$EG_TMP/grandchild.pid" || die "no grandchild"
pids="$EG_ALLPIDS $(cat "$EG_TMP/grandchild.pid")"
tmp=$EG_TMP
eg_cleanup
left=
for p in $pids; do
	proc_alive "$p" && left="$left $p"
done
check "cleanup ends every process (${pids# })" [ -z "$left" ]
check "cleanup deletes the namespaces" \
    not sh -c "ip netns list | grep -q '^$EG_ID'"
check "cleanup removes $tmp" [ ! -e "$tmp" ]
