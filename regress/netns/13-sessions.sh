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

# Three WireGuard clients, each in its own namespace with two links, through
# one engarded server port to one server WireGuard with three peers: each
# is a session of its own; cuts lose nothing; nobody gets another's packets;
# a WireGuard restart keeps the session; strangers and forgeries make none;
# a quiet client's session expires and comes back on its old keys.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engarde.sh"

NCLI=3
SRV_IP1=$(link_addr 1 server)
SRV_IP2=$(link_addr 2 server)

# cli_ip k j: client k's address on link j.
cli_ip()
{
	echo "$(link_net "$2").1$1"
}

# tun_ip k: client k's tunnel address.
tun_ip()
{
	echo "100.64.0.1$1"
}

# The server host: one bridge per link, every client's cable in it.
ns_add "$SERVER"
for j in 1 2; do
	ip -n "$SERVER" link add "br$j" type bridge &&
	    ip -n "$SERVER" addr add "$(link_net $j).2/24" dev "br$j" &&
	    ip -n "$SERVER" link set "br$j" up || die "bridge $j"
done
k=1
while [ $k -le $NCLI ]; do
	ns_add "$EG_ID-c$k"
	for j in 1 2; do
		ip -n "$EG_ID-c$k" link add "egl$j" type veth peer \
		    name "k${k}l$j" netns "$SERVER" &&
		    ip -n "$SERVER" link set "k${k}l$j" master "br$j" up &&
		    ip -n "$EG_ID-c$k" addr add "$(cli_ip $k $j)/24" \
		    dev "egl$j" &&
		    ip -n "$EG_ID-c$k" link set "egl$j" up ||
		    die "client $k link $j"
	done
	k=$((k + 1))
done

# wgk side args...: wg(8) next to that side's wireguard-go (s, 1, 2, 3).
wgk()
{
	local pid
	eval "pid=\$WGP_$1"
	shift
	nsenter -t "$pid" -m -n wg "$@"
}

# wg_start side: wireguard-go for the server (s) or client k, configured.
wg_start()
{
	local ns k=$1
	if [ "$k" = s ]; then ns=$SERVER; else ns=$EG_ID-c$k; fi
	eg_wg_spawn "$ns" "$k"
	eval "WGP_$k=$EG_PID"
	wait_for 10 wgk "$k" show "$WG_IF" ||
	    die "wireguard-go $k did not come up: $(cat "$EG_TMP/wg-$k.log")"
	if [ "$k" = s ]; then
		wgk s set "$WG_IF" private-key "$EG_TMP/wg-s.key" \
		    listen-port "$WG_PORT" || die "wg set s"
		for c in 1 2 3; do
			wgk s set "$WG_IF" peer "$(cat "$EG_TMP/wg-$c.pub")" \
			    allowed-ips "$(tun_ip $c)/32" || die "wg peer $c"
		done
		ip -n "$ns" addr add "$WG_SERVER_IP/24" dev "$WG_IF" || die "s"
	else
		wgk "$k" set "$WG_IF" private-key "$EG_TMP/wg-$k.key" \
		    listen-port "$WG_CLIENT_PORT" \
		    peer "$(cat "$EG_TMP/wg-s.pub")" \
		    allowed-ips "$WG_SERVER_IP/32" endpoint "$EG_LISTEN" \
		    persistent-keepalive 25 || die "wg set $k"
		ip -n "$ns" addr add "$(tun_ip "$k")/24" dev "$WG_IF" ||
		    die "wg address $k"
	fi
	ip -n "$ns" link set "$WG_IF" mtu "$WG_MTU" up || die "wg up $k"
}

(umask 077 && for side in s 1 2 3; do
	wg genkey >"$EG_TMP/wg-$side.key" &&
	    wg pubkey <"$EG_TMP/wg-$side.key" >"$EG_TMP/wg-$side.pub" ||
	    exit 1
done) || die "wg genkey"
for side in s 1 2 3; do
	wg_start $side
done

# The server knows its WireGuard's public key: forged initiations stop.
cat >"$EG_TMP/server.yml" <<EOT
server:
  listenAddr: "0.0.0.0:$EG_PORT"
  dstAddr: "$WG_DST"
  clientTimeout: 8
  wireguardPublicKey: "$(cat "$EG_TMP/wg-s.pub")"
  controlSocket: "$EG_TMP/server.sock"
EOT
ns_spawn "$SERVER" "$EG_TMP/server.log" "$ENGARDED" -d -v -r server \
    -f "$EG_TMP/server.yml"
EG_SRV=$EG_PID
wait_for 5 ctl server show status ||
    die "engarded server did not start: $(cat "$EG_TMP/server.log")"

# cli_up k: client k's engarded, two paths to the server.
cli_up()
{
	cat >"$EG_TMP/c$1.yml" <<EOT
client:
  listenAddr: "$EG_LISTEN"
  dstAddr: "$SRV_IP1:$EG_PORT"
  excludedInterfaces: [ "$WG_IF" ]
  dstOverrides:
    - ifName: egl2
      dstAddr: "$SRV_IP2:$EG_PORT"
  controlSocket: "$EG_TMP/c$1.sock"
EOT
	ns_spawn "$EG_ID-c$1" "$EG_TMP/c$1.log" "$ENGARDED" -d -v -r client \
	    -f "$EG_TMP/c$1.yml"
	eval "EGC_$1=$EG_PID"
	wait_for 5 ctlk "$1" show status ||
	    die "engarded client $1 did not start: $(cat "$EG_TMP/c$1.log")"
}

ctlk()
{
	local k=$1
	shift
	"$ENGARDECTL" -s "$EG_TMP/c$k.sock" "$@"
}

# ping_k k [count]: client k pings the server across the tunnel.
ping_k()
{
	ip netns exec "$EG_ID-c$1" ping -q -n -c "${2:-1}" -i 0.2 -W 1 \
	    "$WG_SERVER_IP" >/dev/null 2>&1
}

# session_of k: the session ids of client k's addresses, one line each.
session_of()
{
	local j
	for j in 1 2; do
		ctl server -j show clients | tr -d '\n' | tr '{' '\n' |
		    grep "\"address\": *\"$(cli_ip "$1" "$j"):" |
		    json_get session /dev/stdin
	done | sort -u
}

# status_field key: a number from the server's status.
status_field()
{
	ctl server -j show status | tr -d '\n' | json_get "$1" /dev/stdin
}

# rx_k k: datagrams client k's engarded received from the server.
rx_k()
{
	ctlk "$1" -j show interfaces | tr -d '\n' | tr '{' '\n' |
	    json_get packets_in /dev/stdin | awk '{ n += $1 } END { print n }'
}

for k in 1 2 3; do
	cli_up $k
done
for k in 1 2 3; do
	check "client $k pings across the tunnel" wait_for 10 ping_k $k
done
# Keep the three from falling quiet (clientTimeout is 8 s).
for k in 1 2 3; do
	ns_spawn "$EG_ID-c$k" /dev/null ping -q -n -c 400 -i 0.5 \
	    "$WG_SERVER_IP"
	eval "PING_$k=$EG_PID"
done

n=$(status_field sessions)
check "the server has three sessions ($n)" [ "$n" = 3 ]
ids=
for k in 1 2 3; do
	s=$(session_of $k)
	check "client $k: both addresses in one session ($s)" \
	    [ "$(echo "$s" | wc -w)" = 1 ] && [ -n "$s" ]
	ids="$ids $s"
done
check "one session per client ($ids)" \
    [ "$(echo "$ids" | tr ' ' '\n' | sort -u | grep -c .)" = 3 ]
ctl server show sessions >"$EG_TMP/sessions.txt" 2>&1
note "$(cat "$EG_TMP/sessions.txt")"

# Isolation: a stream to client 1 reaches client 1 alone.
N=2000
r2=$(rx_k 2)
r3=$(rx_k 3)
r1=$(rx_k 1)
sink_start "$EG_ID-c1" iso -n $N -t 20 -i 3 "$(tun_ip 1):9000"
udp_send "$SERVER" iso.tx -r 1000 -n $N -s 200 -t 20 "$(tun_ip 1):9000"
sink_wait iso 20
check "client 1 got the stream ($(result iso received)/$N)" \
    [ "$(result iso received)" = $N ]
d1=$(($(rx_k 1) - r1))
d2=$(($(rx_k 2) - r2))
d3=$(($(rx_k 3) - r3))
note "datagrams from the server: client 1 $d1, client 2 $d2, client 3 $d3"
check "client 1 got both copies ($d1 >= $((2 * N)))" [ $d1 -ge $((2 * N)) ]
check "client 2 got none of them ($d2 < 200)" [ $d2 -lt 200 ]
check "client 3 got none of them ($d3 < 200)" [ $d3 -lt 200 ]

# All three stream at once; each loses one link mid-stream, nothing lost.
N=3000
for k in 1 2 3; do
	sink_start "$SERVER" "s$k" -n $N -t 30 -i 5 "$WG_SERVER_IP:900$k"
done
for k in 1 2 3; do
	ns_spawn "$EG_ID-c$k" "$EG_TMP/s$k.tx.json" "$UDPGEN" send -r 500 \
	    -n $N -s 500 -t 30 "$WG_SERVER_IP:900$k"
done
sleep 2
ip -n "$EG_ID-c1" link set egl1 down
ip -n "$EG_ID-c2" link set egl2 down
ip -n "$EG_ID-c3" link set egl1 down
for k in 1 2 3; do
	sink_wait "s$k" 30
	check "client $k: a cut link lost nothing ($(result "s$k" \
	    received)/$N)" [ "$(result "s$k" received)" = $N ]
done
note "server host UDP: $(ip netns exec "$SERVER" awk '/^Udp:/ { if (h) {
    print "InErrors " $4 " RcvbufErrors " $6; exit } h = 1 }' /proc/net/snmp)"
ip -n "$EG_ID-c1" link set egl1 up
ip -n "$EG_ID-c2" link set egl2 up
ip -n "$EG_ID-c3" link set egl1 up
# A link that comes back gets a new socket, so a new source port, as
# behind a NAT that moved it: it joins its client's session.
for k in 1 2 3; do
	ping_k $k 3
done
for k in 1 2 3; do
	check "client $k: after the cut, one session still ($(session_of $k))" \
	    [ "$(session_of $k | wc -w)" = 1 ]
done
check "the links that came back joined with new ports" \
    [ "$(ctl server -j show clients | jq '.clients | length')" -gt 6 ]

# Client 2's WireGuard restarts: a new handshake, the same session.
s2=$(session_of 2)
i0=$(ctl server -j show sessions | tr -d '\n' | tr '{' '\n' |
    grep "\"id\": *$s2[,}]" | json_get initiations /dev/stdin)
kill "$WGP_2"
wait_for 5 proc_dead "$WGP_2" || die "wireguard-go 2 did not stop"
wait_for 5 sh -c "! ip -n $EG_ID-c2 link show $WG_IF >/dev/null 2>&1" ||
    die "wg0 of client 2 did not go"
wg_start 2
check "client 2 pings again after its WireGuard restarted" \
    wait_for 15 ping_k 2
i1=$(ctl server -j show sessions | tr -d '\n' | tr '{' '\n' |
    grep "\"id\": *$s2[,}]" | json_get initiations /dev/stdin)
check "client 2 kept session $s2 ($(session_of 2))" \
    [ "$(session_of 2)" = "$s2" ]
check "its new handshake went through that session ($i0 -> $i1)" \
    [ -n "$i1" ] && [ "${i1:-0}" -gt "${i0:-0}" ]
check "still three sessions" [ "$(status_field sessions)" = 3 ]

# A stranger: garbage, short, wrong types, unknown indexes, a forged
# initiation.  No session, no reply, every datagram counted.
STR=$EG_ID-c3
nw0=$(status_field not_wireguard)
us0=$(status_field unknown_source)
bm0=$(status_field bad_mac1)
# stranger: the datagram on stdin, from port 40001; a reply would be kept.
stranger()
{
	ip netns exec "$STR" socat -T 1 - \
	    "UDP:$SRV_IP1:$EG_PORT,sourceport=40001" \
	    >>"$EG_TMP/reply.40001" 2>/dev/null || :
}
rnd()
{
	head -c "$1" /dev/urandom
}
: >"$EG_TMP/reply.40001"
printf 'hello' | stranger
rnd 1 | stranger
printf '\001\000\000\000' | stranger
{ printf '\005\000\000\000'; rnd 60; } | stranger
{ printf '\002\000\000\000'; rnd 60; } | stranger
{ printf '\001\000\000\000'; rnd 100; } | stranger
{ printf '\004\000\000\000'; rnd 60; } | stranger
{ printf '\003\000\000\000'; rnd 60; } | stranger
{ printf '\002\000\000\000'; rnd 88; } | stranger
{ printf '\001\000\000\000'; rnd 144; } | stranger
sleep 1.5
nw1=$(status_field not_wireguard)
us1=$(status_field unknown_source)
bm1=$(status_field bad_mac1)
check "not WireGuard-shaped: counted ($nw0 -> $nw1, 6 sent)" \
    [ $((nw1 - nw0)) -eq 6 ]
check "unknown indexes: counted ($us0 -> $us1, 3 sent)" \
    [ $((us1 - us0)) -eq 3 ]
check "forged initiation: dropped for its mac1 ($bm0 -> $bm1)" \
    [ $((bm1 - bm0)) -eq 1 ]
check "the stranger made no session" [ "$(status_field sessions)" = 3 ]
check "the stranger has no address on the server" sh -c \
    "! $ENGARDECTL -s $EG_TMP/server.sock -j show clients |
    grep -q ':40001\"'"
check "the stranger got no reply" [ ! -s "$EG_TMP/reply.40001" ]

# Without the key, allowedSources alone decides who may start one.
sed -i '/wireguardPublicKey/d' "$EG_TMP/server.yml"
printf '  allowedSources: [ "192.0.2.0/24" ]\n' >>"$EG_TMP/server.yml"
check "reload with allowedSources" ctl server reload
dn0=$(status_field denied)
{ printf '\001\000\000\000'; rnd 144; } | ip netns exec "$STR" socat -u - \
    "UDP:$SRV_IP2:$EG_PORT,bind=$(cli_ip 3 2):40002" >/dev/null 2>&1
sleep 0.5
check "an initiation from outside allowedSources is refused" \
    [ $(($(status_field denied) - dn0)) -eq 1 ]
check "and makes no session" [ "$(status_field sessions)" = 3 ]

# Client 3 falls silent: its session expires after clientTimeout; when it
# speaks again on its old keys it has a session at once.
kill "$PING_3" 2>/dev/null
kill "$EGC_3"
wait_for 5 proc_dead "$EGC_3" || die "client 3 did not stop"
e0=$(status_field sessions_expired)
check "client 3's session expires" wait_for 15 sh -c \
    "[ \"\$($ENGARDECTL -s $EG_TMP/server.sock -j show status |
    tr -d '\n' | sed -n 's/.*\"sessions\": *\([0-9]*\).*/\1/p')\" = 2 ]"
check "counted as expired" [ "$(status_field sessions_expired)" -gt "$e0" ]
check "none of client 3's addresses is left" [ -z "$(session_of 3)" ]
check "client 1 kept its session" \
    [ "$(session_of 1)" = "$(echo "$ids" | awk '{ print $1 }')" ]
# With maxSessions at 2, client 3 coming back is refused and counted.
printf '  maxSessions: 2\n' >>"$EG_TMP/server.yml"
check "reload with maxSessions: 2" ctl server reload
sl0=$(status_field session_limit)
cli_up 3
check "client 3 is refused a third session" wait_for 5 sh -c \
    "[ \$($ENGARDECTL -s $EG_TMP/server.sock -j show status |
    jq '.admission.session_limit') -gt $sl0 ]"
check "still two sessions" [ "$(status_field sessions)" = 2 ]
check "client 3's pings do not cross" not ping_k 3
kill "$EGC_3"
wait_for 5 proc_dead "$EGC_3" || die "client 3 did not stop"
sed -i '/maxSessions/d' "$EG_TMP/server.yml"
check "reload without the limit" ctl server reload

rv0=$(status_field sessions_revived)
cli_up 3
check "client 3 pings again without a new handshake" wait_for 3 ping_k 3
check "its old index revived a session" \
    [ "$(status_field sessions_revived)" -gt "$rv0" ]
check "three sessions again" [ "$(status_field sessions)" = 3 ]

check "the server is still running" proc_alive "$EG_SRV"
