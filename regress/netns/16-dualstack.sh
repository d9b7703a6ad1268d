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

# Dual stack: two links, each with an IPv4 and an IPv6 address, toward a
# server on [::] that hears both: four paths, one session; with IPv4 cut
# on both links, the IPv6 paths carry the tunnel and nothing is lost.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

command -v jq >/dev/null 2>&1 || eg_skip "jq not installed"
topo_up 2
for i in 1 2; do
	ip -n "$CLIENT" addr add "2001:db8:$i::1/64" dev "egl$i" nodad &&
	    ip -n "$SERVER" addr add "2001:db8:$i::2/64" dev "egl$i" nodad ||
	    die "IPv6 addresses on link $i"
done
wg_up

cat >"$EG_CONF" <<EOT
client:
  listenAddr: "$EG_LISTEN"
  dstAddr: [ "$(link_addr 1 server):$EG_PORT", "[2001:db8:1::2]:$EG_PORT" ]
  excludedInterfaces: [ "$WG_IF" ]
  dstOverrides:
    - ifName: egl2
      dstAddr: "$(link_addr 2 server):$EG_PORT"
    - ifName: egl2
      dstAddr: "[2001:db8:2::2]:$EG_PORT"
  controlSocket: "$EG_TMP/client.sock"
server:
  listenAddr: "[::]:$EG_PORT"
  dstAddr: "$WG_DST"
  allowedSources: [ "192.0.2.0/24", "198.51.100.0/24", "2001:db8::/32" ]
  controlSocket: "$EG_TMP/server.sock"
EOT
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

active()
{
	ctl client -j show interfaces | jq '[.interfaces[] |
	    select(.status == "active")] | length'
}
active_is()
{
	[ "$(active)" = "$1" ]
}
check "four paths: two interfaces, two families" wait_for 5 active_is 4
ctl client show interfaces >"$EG_TMP/ifaces.txt"
note "$(cat "$EG_TMP/ifaces.txt")"
for d in "$(link_addr 1 server):$EG_PORT" "[2001:db8:1::2]:$EG_PORT"; do
	check "egl1 goes to $d" sh -c "$ENGARDECTL -s $EG_TMP/client.sock \
	    -j show interfaces | jq -e --arg d '$d' '[.interfaces[] |
	    select(.name == \"egl1\" and .destination == \$d and
	    .status == \"active\")] | length == 1' >/dev/null"
done
check "egl2's IPv6 path sends from its IPv6 address" sh -c \
    "$ENGARDECTL -s $EG_TMP/client.sock -j show interfaces | jq -e '
    [.interfaces[] | select(.name == \"egl2\" and
    .source == \"2001:db8:2::1\")] | length == 1' >/dev/null"
tun_ping 3
ctl server show clients >"$EG_TMP/clients.txt"
note "$(cat "$EG_TMP/clients.txt")"
check "the server hears all four, in one session" sh -c \
    "$ENGARDECTL -s $EG_TMP/server.sock -j show clients | jq -e '
    (.clients | length == 4) and ([.clients[].session] | unique |
    length == 1)' >/dev/null"
check "IPv4 clients reach the [::] server as mapped addresses" sh -c \
    "$ENGARDECTL -s $EG_TMP/server.sock -j show clients | jq -e '
    [.clients[] | select(.address | startswith(\"[::ffff:192.0.2.1]\"))]
    | length == 1' >/dev/null"

# IPv4 cut on both links mid-stream: IPv6 carries the tunnel.
N=6000
sink_start "$SERVER" ds -n $N -t 30 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/ds.tx.json" "$UDPGEN" send -r 1000 -n $N \
    -s 500 -t 30 "$WG_SERVER_IP:9000"
sleep 2
eg_nft_link 1 "meta nfproto ipv4 drop"
eg_nft_link 2 "meta nfproto ipv4 drop"
sink_wait ds 30
check "IPv4 cut on both links: nothing lost ($(result ds received)/$N)" \
    [ "$(result ds received)" = $N ]
check "the tunnel still pings over IPv6 alone" tun_ping 2
eg_nft_link 1 ""
eg_nft_link 2 ""

# Exclusion is by interface: both of its paths go.
check "exclude egl2" ctl client exclude egl2
check "both egl2 paths are excluded" sh -c \
    "$ENGARDECTL -s $EG_TMP/client.sock -j show interfaces | jq -e '
    [.interfaces[] | select(.name == \"egl2\" and
    .status == \"excluded\")] | length == 2' >/dev/null"
check "include egl2" ctl client include egl2
check "active again, both" active_is 4
