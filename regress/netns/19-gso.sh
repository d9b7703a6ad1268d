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

# UDP GSO: runs of equal-sized datagrams leave as one message, and the
# kernel cuts them apart again.  Mixed sizes at once through WireGuard,
# which drops any datagram cut at the wrong place, arrive whole both ways;
# the counters say GSO carried them.  On a path whose MTU is below
# WireGuard's largest datagrams, runs of those go again one by one, and
# the kernel fragments them as it did before GSO.  A path that refuses GSO
# (IPsec, or a shim that says so where the kernel has no IPsec) goes on one
# by one, said once.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

N=4000		# per stream, at 2000/s: wireguard-go keeps up here

topo_up 2
wg_up
eg_conf
eg_up
check "ping across the tunnel" wait_for 10 tun_ping 1

# path_sent i: what the client sent or dropped on egl<i>.
path_sent()
{
	echo $(($(iface_field "egl$1" packets_out) + $(iface_field "egl$1" drops)))
}

# from_wg: datagrams the client took from WireGuard.
from_wg()
{
	ctl client -j show status | jq -r .from_wireguard.packets
}

# streams name port label size...: a stream of N datagrams of each size
# at once, client to server through WireGuard, each to port + size; every
# one must arrive.
streams()
{
	local name=$1 port=$2 label=$3 s
	shift 3
	for s in "$@"; do
		sink_start "$SERVER" "$name$s" -n $N -t 30 -i 3 \
		    "$WG_SERVER_IP:$((port + s))"
	done
	for s in "$@"; do
		ns_spawn "$CLIENT" "$EG_TMP/$name$s.tx.json" "$UDPGEN" send \
		    -r 2000 -n $N -s "$s" -t 30 "$WG_SERVER_IP:$((port + s))"
	done
	for s in "$@"; do
		sink_wait "$name$s" 30
		[ "$(result "$name$s" lost)" = 0 ] || note "$(udp_errors)"
		note "$label, $s B: $(cat "$EG_TMP/$name$s.json")"
		check "$label, $s B: none lost" \
		    [ "$(result "$name$s" lost)" = 0 ]
	done
}

# Three sizes at once, client to server: batches mix them.
w0=$(from_wg)
s1=$(path_sent 1)
s2=$(path_sent 2)
streams up 9000 "client to server, among others" 1400 700 60
g1=$(iface_field egl1 packets_out_gso)
g2=$(iface_field egl2 packets_out_gso)
o1=$(iface_field egl1 packets_out)
note "client: egl1 sent $g1 of $o1 datagrams in GSO messages, egl2 $g2"
check "the client sent runs as GSO messages on both paths" \
    sh -c "[ $g1 -gt 0 ] && [ $g2 -gt 0 ] && [ $g1 -le $o1 ]"
w=$(($(from_wg) - w0))
s1=$(($(path_sent 1) - s1))
s2=$(($(path_sent 2) - s2))
note "from WireGuard $w; egl1 sent or dropped $s1, egl2 $s2"
check "  each path sent every datagram once, or counted it dropped" \
    sh -c "[ $s1 = $w ] && [ $s2 = $w ]"

# Server to client: the server's sockets per client address do it too.
sink_start "$CLIENT" down -n $N -t 30 -i 3 "$WG_CLIENT_IP:9100"
udp_send "$SERVER" down.tx -r 2000 -n $N -s 1400 -t 30 "$WG_CLIENT_IP:9100"
sink_wait down 30
note "server to client: $(cat "$EG_TMP/down.json")"
check "server to client, 1400 B: none lost" [ "$(result down lost)" = 0 ]
gs=$(ctl server -j show clients | json_get packets_out_gso /dev/stdin |
    awk '{ n += $1 } END { print n + 0 }')
note "server: $gs datagrams to its client in GSO messages"
check "the server sent runs as GSO messages" [ "$gs" -gt 0 ]

# egl2's MTU below WireGuard's largest datagrams: runs of those are
# refused whole (EMSGSIZE) and go again one by one, which the kernel
# fragments, as without GSO; runs of small ones still go as GSO.
ip -n "$CLIENT" link set egl2 mtu 1280
for i in 1 2; do
	eval "o$i=\$(iface_field egl$i packets_out)"
	eval "g$i=\$(iface_field egl$i packets_out_gso)"
	eval "in$i=\$(client_field \"\$(link_addr $i client)\" packets_in)"
done
d2=$(iface_field egl2 drops)
streams mtu 9200 "egl2 at MTU 1280" 1400 500
for i in 1 2; do
	eval "o$i=\$((\$(iface_field egl$i packets_out) - o$i))"
	eval "g$i=\$((\$(iface_field egl$i packets_out_gso) - g$i))"
	eval "in$i=\$((\$(client_field \"\$(link_addr $i client)\" \
	    packets_in) - in$i))"
done
note "egl1: $o1 sent, $g1 as GSO, $in1 heard; egl2: $o2 sent, $g2 as" \
    "GSO, $in2 heard"
check "  egl2 sent as many as egl1, none dropped" \
    sh -c "[ $o2 = $o1 ] && [ $(iface_field egl2 drops) = $d2 ]"
check "  the server heard them all on egl2 (fragmented)" [ "$in2" = "$in1" ]
check "  egl2 sent fewer as GSO: its large runs went one by one" \
    [ "$g2" -lt "$g1" ]
check "  and kept GSO for the rest (no refusal logged)" \
    not grep -q "UDP GSO refused" "$EG_TMP/client.log"
ip -n "$CLIENT" link set egl2 mtu 1500
check "tunnel still up" tun_ping 1

# egl2 through IPsec (ESP, null cipher, transport mode): the kernel
# refuses GSO there (EIO).  egl2 then sends one by one, said once, and
# still carries everything; egl1 keeps GSO.
xfrm()
{
	local ns=$1 dir=$2
	ip -n "$ns" xfrm state add src "$(link_addr 2 client)" \
	    dst "$(link_addr 2 server)" proto esp spi 0x4567 mode transport \
	    enc cipher_null "" &&
	ip -n "$ns" xfrm policy add src "$(link_addr 2 client)/32" \
	    dst "$(link_addr 2 server)/32" proto udp dir "$dir" \
	    tmpl src "$(link_addr 2 client)" dst "$(link_addr 2 server)" \
	    proto esp mode transport
}
if ! xfrm "$CLIENT" out 2>"$EG_TMP/xfrm.err" ||
    ! xfrm "$SERVER" in 2>>"$EG_TMP/xfrm.err"; then
	note "no IPsec here ($(cat "$EG_TMP/xfrm.err")): refusal not tried"
else
	o1=$(iface_field egl1 packets_out_gso)
	in2=$(client_field "$(link_addr 2 client)" packets_in)
	sink_start "$SERVER" esp -n $N -t 30 -i 3 "$WG_SERVER_IP:9300"
	udp_send "$CLIENT" esp.tx -r 2000 -n $N -s 500 -t 30 \
	    "$WG_SERVER_IP:9300"
	sink_wait esp 30
	note "egl2 through ESP: $(cat "$EG_TMP/esp.json")"
	in2=$(($(client_field "$(link_addr 2 client)" packets_in) - in2))
	check "egl2 through ESP: none lost" [ "$(result esp lost)" = 0 ]
	check "  the refusal is logged once" \
	    [ "$(grep -c "UDP GSO refused" "$EG_TMP/client.log")" = 1 ]
	check "  egl2 still carried them all, one by one" [ "$in2" -ge $N ]
	check "  egl1 kept GSO" \
	    [ "$(iface_field egl1 packets_out_gso)" -gt "$o1" ]
	ip -n "$CLIENT" xfrm policy flush
	ip -n "$SERVER" xfrm policy flush
fi

# The same refusal, made by a shim where the kernel has no IPsec: the
# client again, its sendmmsg refusing GSO with EIO on egl2's socket.
SHIM=$EG_ROOT/regress/netns/gsofail.so
[ -f "$SHIM" ] || die "$SHIM not built (make)"
proc_kill "$EG_CLI"
ns_spawn "$CLIENT" "$EG_TMP/client2.log" env LD_PRELOAD="$SHIM" \
    GSOFAIL_ADDR="$(link_addr 2 client)" "$ENGARDED" -d -v -r client \
    -f "$EG_CONF"
EG_CLI=$EG_PID
wait_for 5 ctl client show status ||
    die "client with the shim: $(cat "$EG_TMP/client2.log")"
check "client with the shim: tunnel up" wait_for 10 tun_ping 1
check "  the shim is in its engine" \
    grep -q gsofail.so "/proc/$(engine_of "$EG_CLI")/maps"
w0=$(from_wg)
s1=$(path_sent 1)
s2=$(path_sent 2)
in2=$(client_field "$(link_addr 2 client)" packets_in)
streams eio 9400 "egl2 refusing GSO" 1400 700
w=$(($(from_wg) - w0))
s1=$(($(path_sent 1) - s1))
s2=$(($(path_sent 2) - s2))
in2=$(($(client_field "$(link_addr 2 client)" packets_in) - in2))
note "$(ctl client show interfaces)"
note "from WireGuard $w; egl1 sent or dropped $s1, egl2 $s2;" \
    "the server heard $in2 on egl2"
check "  the refusal is logged once" \
    [ "$(grep -c "UDP GSO refused (Input/output error)" \
    "$EG_TMP/client2.log")" = 1 ]
check "  egl2 went on one by one: every datagram once, none dropped" \
    sh -c "[ $s2 = $w ] && [ $in2 = $w ] &&
    [ $(iface_field egl2 drops) = 0 ]"
check "  egl2 sent none as GSO" [ "$(iface_field egl2 packets_out_gso)" = 0 ]
check "  egl1 kept GSO" sh -c "[ $s1 = $w ] &&
    [ $(iface_field egl1 packets_out_gso) -gt 0 ]"
