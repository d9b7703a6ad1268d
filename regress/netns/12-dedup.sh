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

# dedup: on with three links: WireGuard gets one copy of each data message,
# counted by the kernel on the server host, and cutting links loses nothing.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

topo_up 3
wg_up
eg_conf
sed -i 's/^\(  controlSocket: .*\)$/\1\n  dedup: on/' "$EG_CONF"
check "dedup: on is read by both roles" sh -c \
    "$ENGARDED -nv -r client -f $EG_CONF | grep -q 'dedup: on' &&
    $ENGARDED -nv -r server -f $EG_CONF | grep -q 'dedup: on'"
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1
check "the server says dedup is on" sh -c \
    "$ENGARDECTL -s $EG_TMP/server.sock -j show status |
    grep -q '\"dedup\": *true'"

# udp_in: datagrams the server host's kernel delivered to UDP sockets.
udp_in()
{
	ip netns exec "$SERVER" awk '/^Udp:/ { if (h) { print $2; exit }
	    h = 1 }' /proc/net/snmp
}

copies_in()
{
	local a
	for a in 1 2 3; do
		client_field "$(link_addr $a client)" packets_in
	done | awk '{ n += $1 } END { print n + 0 }'
}

N=6000
u0=$(udp_in)
c0=$(copies_in)
sink_start "$SERVER" dd -n $N -t 30 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/dd.tx.json" "$UDPGEN" send -r 2000 -n $N \
    -s 500 -t 30 "$WG_SERVER_IP:9000"
sleep 1
link_down 1
sleep 0.5
link_block 2
sink_wait dd 30
sleep 0.5
note "dedup, links 1 and 2 cut: $(cat "$EG_TMP/dd.json")"
check "two links cut mid-stream: none lost" [ "$(result dd lost)" = 0 ]
check "  all received once" [ "$(result dd duplicates)" = 0 ]

u=$(($(udp_in) - u0))
c=$(($(copies_in) - c0))
wg=$((u - c - $(result dd received)))
note "server host: $u datagrams to UDP sockets, $c copies to engarded," \
    "so $wg to WireGuard for $N packets"
check "the copies reached engarded on the server" [ "$c" -gt "$N" ]
check "WireGuard received one copy of each (within keepalives)" \
    sh -c "[ $wg -ge $N ] && [ $wg -le $((N + 20)) ]"
link_unblock 2
link_up 1
