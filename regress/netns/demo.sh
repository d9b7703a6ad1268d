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

# make demo: two hosts joined by three links, WireGuard on both ends and
# engarded between; a stream through the tunnel while two of the three
# links are cut, one after the other.  Everything is removed at the end.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

RATE=1000
COUNT=12000

say()
{
	printf '\n== %s\n' "$*"
}

say "two network namespaces, $CLIENT and $SERVER, joined by three links"
topo_up 3
for i in 1 2 3; do
	echo "   egl$i: $(link_addr $i client) <-> $(link_addr $i server)"
done

say "WireGuard (wireguard-go) on both ends: $WG_CLIENT_IP <-> $WG_SERVER_IP"
wg_up
eg_conf
eg_up
echo "   engarded client in $CLIENT, server in $SERVER"

say "engardectl show interfaces (client)"
ctl client show interfaces

say "ping $WG_SERVER_IP through the tunnel"
wait_for 10 tun_ping || die "the tunnel does not answer"
ip netns exec "$CLIENT" ping -n -c 3 -i 0.2 "$WG_SERVER_IP" | tail -2

say "a stream of $COUNT packets at $RATE/s through the tunnel"
sink_start "$SERVER" demo -n "$COUNT" -t 40 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/demo.tx.json" "$UDPGEN" send -r "$RATE" \
    -n "$COUNT" -s 1000 -t 30 "$WG_SERVER_IP:9000"
sleep 3
say "cutting link 1: ip link set egl1 down"
link_down 1
sleep 3
say "cutting link 2: nftables drops everything on it"
link_block 2
sleep 1
ctl client show interfaces
say "only link 3 is left; waiting for the stream to end"
sink_wait demo 40

say "engardectl show clients (server)"
ctl server show clients

lost=$(result demo lost)
say "result"
echo "   sent     $COUNT"
echo "   received $(result demo unique)"
echo "   lost     $lost"
echo "   longest gap between packets: $(result demo max_gap_us) us" \
    "(one every $((1000000 / RATE)) us)"
if [ "$lost" = 0 ] && [ "$(result demo unique)" = "$COUNT" ]; then
	pass "two links cut, nothing lost"
else
	fail "packets were lost"
fi
