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

# IPv6 everywhere an address is taken: WireGuard talks to the client over
# ::1, the links carry IPv6 (documentation prefix 2001:db8::/32), the
# server listens on [::] and reaches WireGuard over ::1.

EG_LISTEN="[::1]:59401"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

topo_up 2
for i in 1 2; do
	ip -n "$CLIENT" addr add "2001:db8:$i::1/64" dev "egl$i" nodad &&
	    ip -n "$SERVER" addr add "2001:db8:$i::2/64" dev "egl$i" nodad ||
	    die "IPv6 addresses on link $i"
done
wg_up

cat >"$EG_CONF" <<EOF
client:
  listenAddr: "$EG_LISTEN"
  dstAddr: "[2001:db8:1::2]:$EG_PORT"
  excludedInterfaces: [ "$WG_IF" ]
  dstOverrides:
    - ifName: egl2
      dstAddr: "[2001:db8:2::2]:$EG_PORT"
  controlSocket: "$EG_TMP/client.sock"
server:
  listenAddr: "[::]:$EG_PORT"
  dstAddr: "[::1]:$WG_PORT"
  controlSocket: "$EG_TMP/server.sock"
EOF
eg_up

check "ping across the tunnel" wait_for 10 tun_ping 1
check "egl1 sends from its IPv6 address" \
    [ "$(iface_field egl1 source)" = 2001:db8:1::1 ]
check "egl2 goes to its override" \
    [ "$(iface_field egl2 destination)" = "[2001:db8:2::2]:$EG_PORT" ]
check "the server knows both IPv6 client addresses" \
    sh -c "$ENGARDECTL -s $EG_TMP/server.sock show clients | grep -c '^\[2001:db8:[12]::1\]:' | grep -qx 2"
check "each with a socket of its own" \
    sh -c "! $ENGARDECTL -s $EG_TMP/server.sock -j show clients | grep -q '\"own_socket\": *false'"
check "answered from the address it sent to" \
    sh -c "$ENGARDECTL -s $EG_TMP/server.sock show clients | grep -q '\[2001:db8:2::2\]:$EG_PORT'"

sink_start "$SERVER" v6 -n 8000 -t 30 -i 5 "$WG_SERVER_IP:9000"
ns_spawn "$CLIENT" "$EG_TMP/v6.tx.json" "$UDPGEN" send -r 2000 -n 8000 \
    -s 1000 -t 30 "$WG_SERVER_IP:9000"
sleep 1
link_down 1
sleep 1
link_up 1
sink_wait v6 30
note "IPv6 paths, link 1 cut: $(cat "$EG_TMP/v6.json")"
check "IPv6 paths, link 1 cut: none lost" [ "$(result v6 lost)" = 0 ]
check "IPv6 paths, link 1 cut: all received" [ "$(result v6 unique)" = 8000 ]
# Down took the IPv6 address with it (keep_addr_on_down is 0): no address
# means no path, until the address is back.
check "egl1 up without its IPv6 address: idle, no address" \
    [ "$(iface_field egl1 reason)" = "no address" ]
ip -n "$CLIENT" addr add 2001:db8:1::1/64 dev egl1 nodad
check "egl1 active again once its address is back" \
    wait_for 3 iface_is egl1 active
check "and carries packets" carries iface_field egl1 packets_out
